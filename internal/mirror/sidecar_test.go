package mirror_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestSidecars: the index sidecars beside the data files (_<name>.tokens)
// are pushed and pulled like the data files, and leave S3 and the caches
// with them.
func TestSidecars(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	ctx := context.Background()
	c := dial(t, m)
	url := "s3://" + bucket + "/side"
	dir := t.TempDir()
	ingestTrail(t, dir, trail, -1)
	data, err := filepath.Glob(filepath.Join(dir, "cloudtrail", "*", "*", "*", "*.parquet"))
	if err != nil || len(data) == 0 {
		t.Fatalf("no data files (%v)", err)
	}
	sidecar := filepath.Join(filepath.Dir(data[0]), "_"+strings.TrimSuffix(filepath.Base(data[0]), ".parquet")+".tokens")
	if err := os.WriteFile(sidecar, []byte("tokens"), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(dir, sidecar)
	rel = filepath.ToSlash(rel)
	mr, _ := mirror.New(dir, c, url, mirror.Options{})
	if _, err := mr.Push(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.API.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("side/" + rel)}); err != nil {
		t.Fatalf("sidecar %s not pushed: %v", rel, err)
	}
	fresh := t.TempDir()
	mr2, _ := mirror.New(fresh, c, url, mirror.Options{})
	if _, err := mr2.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(fresh, filepath.FromSlash(rel))); err != nil || string(b) != "tokens" {
		t.Fatalf("sidecar not pulled: %q, %v", b, err)
	}
	// Gone from the lake: gone from S3 and from the other cache.
	if err := os.Remove(sidecar); err != nil {
		t.Fatal(err)
	}
	if sum, err := mr.Push(ctx); err != nil || sum.Deleted != 1 {
		t.Fatalf("push after removing the sidecar: %v; %+v", err, sum)
	}
	if _, err := c.API.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("side/" + rel)}); !source.IsNotFound(err) {
		t.Fatalf("sidecar %s still in S3: %v", rel, err)
	}
	if sum, err := mr2.Pull(ctx); err != nil || sum.Deleted != 1 {
		t.Fatalf("pull after removing the sidecar: %v; %+v", err, sum)
	}
	if _, err := os.Stat(filepath.Join(fresh, filepath.FromSlash(rel))); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("sidecar still in the cache: %v", err)
	}
}
