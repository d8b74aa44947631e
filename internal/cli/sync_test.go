package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/iostreams"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// syncClock is the fixed time of the S3 command tests: the test trails end
// on its day.
var syncClock = time.Date(2024, 5, 5, 12, 0, 0, 0, time.UTC)

// s3Factory returns a Factory whose environment points at m, with a cache
// folder of its own.
func s3Factory(t testing.TB, m *trailtest.MinIO, now func() time.Time, extra ...string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	io, _, out, errOut := iostreams.Test()
	env := map[string]string{
		"AWS_ACCESS_KEY_ID":     m.AccessKey,
		"AWS_SECRET_ACCESS_KEY": m.SecretKey,
		"AWS_ENDPOINT_URL":      m.Endpoint,
		"TRAILSQL_CACHE":        t.TempDir(),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return &Factory{IO: io, Now: now, Getenv: func(k string) string { return env[k] }}, out, errOut
}

// runCmd runs trailsql with args and fails the test on an unexpected exit.
func runCmd(t *testing.T, f *Factory, want ExitCode, args ...string) {
	t.Helper()
	out, errOut := f.IO.Out.(*bytes.Buffer), f.IO.ErrOut.(*bytes.Buffer)
	out.Reset()
	errOut.Reset()
	if code := Run(context.Background(), f, args); code != want {
		t.Fatalf("trailsql %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errOut)
	}
}

// logField reads field=value from a logfmt line.
func logField(t *testing.T, line, field string) int {
	t.Helper()
	m := regexp.MustCompile(`\b` + field + `=(\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no %s in %q", field, line)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var cliTrail = trailtest.Trail{
	Org:      "o-cli0000001",
	Accounts: []string{"111111111111", "222222222222", "333333333333"},
	Regions:  []string{"eu-west-1", "us-east-1"},
	Start:    time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	Days:     5,
	Files:    2,
	Events:   5,
	Seed:     21,
}

func putTrail(t *testing.T, m *trailtest.MinIO, bucket string, tr trailtest.Trail) (events, objects int) {
	t.Helper()
	dir := t.TempDir()
	events = trailtest.WriteTrail(t, dir, tr)
	return events, m.PutDir(t, bucket, "", dir)
}

// lakeEventCount counts the events of the lake at dir, failing on doubles.
func lakeEventCount(t *testing.T, dir string) int {
	t.Helper()
	files, err := lake.ListFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		evs, err := lake.ReadEvents(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if seen[*e.EventID] {
				t.Errorf("event %s stored twice", *e.EventID)
			}
			seen[*e.EventID] = true
		}
	}
	return len(seen)
}

// TestSyncToS3Lake syncs an organization trail from S3 into a lake in S3:
// first everything, then nothing new, then a file delivered late into a
// recent day and an account that appeared with its history; a late file
// older than the lookback is left to ingest. The S3 lake read back into a
// fresh cache holds every event once, the digests' signatures are kept
// beside them, and athena ddl describes that lake.
func TestSyncToS3Lake(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "trail")
	m.CreateBucket(t, "lake")
	events, objects := putTrail(t, m, "trail", cliTrail)
	digest := trailtest.DigestObject(t, cliTrail.Org, "111111111111", "us-east-1", cliTrail.Start.Add(time.Hour))
	m.PutObjects(t, "trail", []trailtest.Object{digest})
	objects++
	now := func() time.Time { return syncClock }
	f, out, _ := s3Factory(t, m, now)
	args := []string{"sync", "s3://trail", "--lake", "s3://lake/tsql", "--every", "0", "--lookback", "2d"}

	runCmd(t, f, ExitOK, args...)
	line := out.String()
	t.Logf("first run: %s", line)
	if logField(t, line, "objects") != objects || logField(t, line, "written") != events || logField(t, line, "errors") != 0 {
		t.Fatalf("first run: want %d objects, %d events written", objects, events)
	}
	if !strings.Contains(line, "level=INFO msg=\"sync run\"") || logField(t, line, "published") == 0 {
		t.Errorf("first run line: %s", line)
	}

	// Nothing new: the lookback window and the known places are listed.
	runCmd(t, f, ExitOK, args...)
	line = out.String()
	t.Logf("second run: %s", line)
	if logField(t, line, "new") != 0 || logField(t, line, "written") != 0 {
		t.Fatalf("second run found something new: %s", line)
	}
	if n := logField(t, line, "objects"); n >= objects {
		t.Errorf("second run listed %d objects, not only the lookback window's", n)
	}

	// Late files and a new account.
	lateRecent := trailtest.Trail{Org: cliTrail.Org, Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"}, Start: syncClock.AddDate(0, 0, -1).Truncate(24 * time.Hour), Days: 1, Files: 1, Events: 7, Seed: 22}
	lateOld := lateRecent
	lateOld.Start, lateOld.Seed, lateOld.Events = cliTrail.Start, 23, 6
	newAcct := trailtest.Trail{Org: cliTrail.Org, Accounts: []string{"444444444444"}, Regions: []string{"ap-south-1"}, Start: cliTrail.Start, Days: 5, Files: 1, Events: 3, Seed: 24}
	recentEvents, _ := putTrail(t, m, "trail", lateRecent)
	oldEvents, _ := putTrail(t, m, "trail", lateOld)
	newEvents, newObjects := putTrail(t, m, "trail", newAcct)
	runCmd(t, f, ExitOK, args...)
	line = out.String()
	t.Logf("third run: %s", line)
	if logField(t, line, "new") != 1+newObjects || logField(t, line, "written") != recentEvents+newEvents {
		t.Fatalf("third run: want %d new objects, %d events", 1+newObjects, recentEvents+newEvents)
	}
	// ingest lists everything: it finds the old late file.
	runCmd(t, f, ExitOK, "ingest", "s3://trail", "--lake", "s3://lake/tsql")
	t.Logf("ingest: %s", out.String())
	if !strings.Contains(out.String(), fmt.Sprintf("events    %d read, %d written", oldEvents, oldEvents)) || !strings.Contains(out.String(), "published s3://lake/tsql/") {
		t.Fatalf("ingest after sync: %s", out.String())
	}
	total := events + recentEvents + oldEvents + newEvents

	// Read the S3 lake back into a fresh cache.
	c, err := source.DialS3(context.Background(), "lake", source.S3Config{EndpointURL: m.Endpoint, Credentials: m.Credentials()})
	if err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	mr, _ := mirror.New(fresh, c, "s3://lake/tsql", mirror.Options{})
	if _, err := mr.Pull(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := lakeEventCount(t, fresh); n != total {
		t.Fatalf("the S3 lake holds %d events, want %d", n, total)
	}
	cache := filepath.Join(f.Getenv("TRAILSQL_CACHE"), "lake", "tsql")
	sig, err := os.ReadFile(source.DigestPath(filepath.Join(cache, lake.MetaDir, "digests"), "trail", digest.Key) + source.SignatureSuffix)
	if err != nil || string(sig) != digest.Meta["signature"] {
		t.Errorf("digest signature in the lake's cache: %q, %v", sig, err)
	}

	// athena ddl over that lake and the raw trail, with what S3 holds.
	runCmd(t, f, ExitOK, "athena", "ddl", "--lake", "s3://lake/tsql", "--raw", "s3://trail/AWSLogs/")
	golden(t, "athena_minio.sql", out.Bytes())
	loc := regexp.MustCompile(`LOCATION '(s3://lake/tsql/cloudtrail/)'`).FindStringSubmatch(out.String())
	if loc == nil {
		t.Fatal("no lake location in the DDL")
	}
	keys := 0
	lister, _ := source.NewS3WithClient(context.Background(), c, loc[1], source.S3Options{})
	template := regexp.MustCompile(`'storage.location.template'='(s3://lake/tsql/cloudtrail/[^']*)'`).FindStringSubmatch(out.String())
	if template == nil || template[1] != loc[1]+"account=${account}/year=${year}/month=${month}" {
		t.Fatalf("the lake's storage.location.template is %q", template)
	}
	part := regexp.MustCompile(`^tsql/cloudtrail/account=\d{12}/year=\d{4}/month=(0[1-9]|1[0-2])/[^/]+\.parquet$`)
	lister.List(context.Background(), source.Filter{}, func(o source.Object) error {
		if strings.HasPrefix(path.Base(o.Rel), "_") {
			return nil // token indexes: Athena skips names that start with _
		}
		keys++
		if !part.MatchString(o.Rel) {
			t.Errorf("%s does not match the DDL's storage.location.template", o.Rel)
		}
		return nil
	})
	if keys == 0 {
		t.Error("no Parquet object at the DDL's location")
	}
}

// TestSyncStopsOnSignal runs sync on a schedule and cancels it (as SIGINT
// does) after its second run: it ends cleanly.
func TestSyncStopsOnSignal(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "trail")
	putTrail(t, m, "trail", cliTrail)
	io, _, _, errOut := iostreams.Test()
	lines := &lineWriter{ch: make(chan string, 16)}
	io.Out = lines
	f := &Factory{IO: io, Now: time.Now, Getenv: func(k string) string {
		return map[string]string{"AWS_ACCESS_KEY_ID": m.AccessKey, "AWS_SECRET_ACCESS_KEY": m.SecretKey, "AWS_ENDPOINT_URL": m.Endpoint}[k]
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan ExitCode, 1)
	go func() {
		done <- Run(ctx, f, []string{"sync", "s3://trail", "--lake", t.TempDir(), "--every", "100ms", "--log-format", "json"})
	}()
	for i := 0; i < 2; i++ {
		select {
		case l := <-lines.ch:
			t.Logf("run %d: %s", i+1, l)
			if !strings.Contains(l, `"msg":"sync run"`) || !strings.Contains(l, `"next":`) {
				t.Errorf("log line %q", l)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("no sync run logged")
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("exit %d after a signal: %s", code, errOut)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sync did not stop on a signal")
	}
}

// lineWriter passes each written line on.
type lineWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
	ch  chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		select {
		case w.ch <- strings.TrimSpace(line):
		default:
		}
	}
}

// TestIngestS3AccessDenied: a denied account folder is named, exit 1, the
// rest is ingested.
func TestIngestS3AccessDenied(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "trail")
	events, _ := putTrail(t, m, "trail", cliTrail)
	denied := "AWSLogs/" + cliTrail.Org + "/333333333333/"
	creds, err := m.RestrictedCredentials(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]},
 {"Effect":"Deny","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::trail"],"Condition":{"StringLike":{"s3:prefix":["%s*"]}}}]}`, denied)).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f, out, errOut := s3Factory(t, m, func() time.Time { return syncClock },
		"AWS_ACCESS_KEY_ID", creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey, "AWS_SESSION_TOKEN", creds.SessionToken)
	dir := t.TempDir()
	runCmd(t, f, ExitError, "ingest", "s3://trail", "--lake", dir)
	want := "error     cannot list s3://trail/" + denied + ": access denied (HTTP 403 AccessDenied)"
	if !strings.Contains(out.String(), want) {
		t.Fatalf("output does not name the denied folder:\n%s\n%s", out, errOut)
	}
	t.Logf("%s%s", out, errOut)
	if n, want := lakeEventCount(t, dir), events*2/3; n != want {
		t.Errorf("%d events ingested, want the other accounts' %d", n, want)
	}
}
