package mirror_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

const bucket = "lake-bucket"

func dial(t *testing.T, m *trailtest.MinIO) *source.S3Client {
	t.Helper()
	c, err := source.DialS3(context.Background(), bucket, source.S3Config{EndpointURL: m.Endpoint, Credentials: m.Credentials(), MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ingestTrail writes a synthetic trail and ingests it into the lake at dir.
func ingestTrail(t *testing.T, dir string, tr trailtest.Trail, compact int) int {
	t.Helper()
	src := t.TempDir()
	n := trailtest.WriteTrail(t, src, tr)
	s, err := source.NewLocal(src)
	if err != nil {
		t.Fatal(err)
	}
	lk, err := lake.Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	sum, err := ingest.Run(context.Background(), lk, ingest.Options{Sources: []ingest.Source{s}, CompactFiles: compact, FlushEvents: 50})
	if err != nil || sum.Written != n {
		t.Fatalf("ingest: %v, %d of %d events written", err, sum.Written, n)
	}
	return n
}

// files returns the lake's published files and their contents.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, top := range []string{lake.Table, filepath.Join(lake.MetaDir, "quarantine")} {
		filepath.WalkDir(filepath.Join(dir, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			b, _ := os.ReadFile(p)
			out[filepath.ToSlash(rel)] = b
			return nil
		})
	}
	return out
}

func sameLake(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := files(t, a), files(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("%d files, want %d", len(fb), len(fa))
	}
	for rel, body := range fa {
		if !bytes.Equal(fb[rel], body) {
			t.Errorf("%s differs", rel)
		}
	}
	ma, _ := os.ReadFile(lake.ManifestPath(a))
	mb, _ := os.ReadFile(lake.ManifestPath(b))
	if !bytes.Equal(ma, mb) || len(ma) == 0 {
		t.Errorf("manifests differ (%d and %d bytes)", len(ma), len(mb))
	}
}

var trail = trailtest.Trail{
	Org: "o-mirror0001", Accounts: []string{"111111111111", "222222222222"}, Regions: []string{"eu-west-1", "us-east-1"},
	Start: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Days: 3, Files: 4, Events: 20, Seed: 11,
}

// TestPushPull writes a lake to S3, reads it back into a fresh cache, adds
// to it, compacts it, and checks what each step costs.
func TestPushPull(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	ctx := context.Background()
	c := dial(t, m)
	url := "s3://" + bucket + "/lakes/main"

	dir := t.TempDir()
	ingestTrail(t, dir, trail, -1)
	mr, err := mirror.New(dir, c, url, mirror.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := mr.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := len(files(t, dir))
	t.Logf("first push: %d files, %.1f KB, %d requests, %s", sum.Files, float64(sum.Bytes)/1e3, sum.Requests.Total(), sum.Duration.Round(time.Millisecond))
	if sum.Files != want {
		t.Fatalf("pushed %d files, want %d", sum.Files, want)
	}

	// Nothing changed: no request at all.
	sum, err = mr.Push(ctx)
	if err != nil || sum.Files != 0 || sum.Requests.Total() != 0 {
		t.Fatalf("second push: %v; %+v", err, sum)
	}
	// The cache is current: one GET.
	sum, err = mr.Pull(ctx)
	if err != nil || !sum.UpToDate || sum.Requests.Total() != 1 {
		t.Fatalf("pull of a current cache: %v; %+v", err, sum)
	}

	// Read it back into a fresh cache.
	fresh := t.TempDir()
	mr2, _ := mirror.New(fresh, c, url, mirror.Options{})
	sum, err = mr2.Pull(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pull into a fresh cache: %d files, %.1f KB, %d requests, %s", sum.Files, float64(sum.Bytes)/1e3, sum.Requests.Total(), sum.Duration.Round(time.Millisecond))
	sameLake(t, dir, fresh)
	if man, err := lake.LoadManifest(fresh); err != nil || man.Len() == 0 {
		t.Fatalf("pulled manifest: %v", err)
	}

	// More data, then a compaction: only what changed goes up, and the
	// compacted files leave S3.
	more := trail
	more.Seed, more.Start, more.Days = 12, trail.Start.AddDate(0, 0, 3), 1
	ingestTrail(t, dir, more, -1)
	before := len(files(t, dir))
	sum, err = mr.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("push after one more day: %d files, %.1f KB, %d requests", sum.Files, float64(sum.Bytes)/1e3, sum.Requests.Total())
	if sum.Files != before-want {
		t.Errorf("uploaded %d files, want the %d new ones", sum.Files, before-want)
	}
	again := trail
	again.Seed, again.Start, again.Days, again.Files = 13, trail.Start, 1, 1
	ingestTrail(t, dir, again, 2) // compacts the partitions it touches
	sum, err = mr.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("push after compaction: %d files up, %d deleted", sum.Files, sum.Deleted)
	if sum.Deleted == 0 {
		t.Fatal("compaction deleted nothing in S3")
	}
	sum, err = mr2.Pull(ctx)
	if err != nil || sum.UpToDate {
		t.Fatalf("pull after changes: %v; %+v", err, sum)
	}
	sameLake(t, dir, fresh)

	// S3 holds exactly the local lake's files.
	n := 0
	for rel := range files(t, dir) {
		if strings.HasPrefix(rel, "cloudtrail/") {
			n++
		}
	}
	keys := listKeys(t, c, "lakes/main/cloudtrail/")
	if len(keys) != n {
		t.Errorf("S3 holds %d data files, the lake %d", len(keys), n)
	}
}

func listKeys(t *testing.T, c *source.S3Client, prefix string) []string {
	t.Helper()
	src, err := source.NewS3WithClient(context.Background(), c, "s3://"+bucket+"/"+prefix, source.S3Options{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := src.List(context.Background(), source.Filter{}, func(o source.Object) error {
		keys = append(keys, o.Rel)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestLock: a second writer is refused while the first holds the lock.
func TestLock(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	ctx := context.Background()
	c := dial(t, m)
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, _ := mirror.New(t.TempDir(), c, "s3://"+bucket+"/l", mirror.Options{Holder: "a", Now: clock})
	b, _ := mirror.New(t.TempDir(), c, "s3://"+bucket+"/l", mirror.Options{Holder: "b", Now: clock})
	_, release, err := a.Lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Lock(ctx); err == nil || !strings.Contains(err.Error(), "is in use by a") {
		t.Fatalf("second writer: %v", err)
	} else {
		t.Log(err)
	}
	// The same holder takes its own lock over (it crashed); the holding
	// taken over then finds it lost, and leaves the new one alone.
	_, release2, err := a.Lock(ctx)
	if err != nil {
		t.Fatalf("same holder: %v", err)
	}
	if err := release(ctx); !errors.Is(err, mirror.ErrLockLost) {
		t.Fatalf("release of the lock taken over: %v, want ErrLockLost", err)
	}
	if _, _, err := b.Lock(ctx); err == nil {
		t.Fatal("the lock taken over released the new holding")
	}
	if err := release2(ctx); err != nil {
		t.Fatal(err)
	}
	_, rb, err := b.Lock(ctx)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	// A lock older than LockTTL is taken over.
	now = now.Add(mirror.LockTTL + time.Minute)
	_, ra, err := a.Lock(ctx)
	if err != nil {
		t.Fatalf("stale lock: %v", err)
	}
	if err := rb(ctx); !errors.Is(err, mirror.ErrLockLost) {
		t.Fatalf("release of the stale lock: %v, want ErrLockLost", err)
	}
	if err := ra(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRepublish: when the S3 lake is removed, the next Push publishes the
// whole local lake again.
func TestRepublish(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	ctx := context.Background()
	c := dial(t, m)
	dir := t.TempDir()
	ingestTrail(t, dir, trail, -1)
	mr, _ := mirror.New(dir, c, "s3://"+bucket+"/x", mirror.Options{})
	first, err := mr.Push(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range append(listKeys(t, c, "x/"), "x/_trailsql/generation") {
		if _, err := c.API.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := mr.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := mr.Push(ctx)
	if err != nil || again.Files != first.Files {
		t.Fatalf("republished %d files of %d: %v", again.Files, first.Files, err)
	}
	fresh := t.TempDir()
	mr2, _ := mirror.New(fresh, c, "s3://"+bucket+"/x", mirror.Options{})
	if _, err := mr2.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	sameLake(t, dir, fresh)
}
