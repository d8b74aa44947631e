package cli

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/iostreams"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// progressWatcher is the stderr of a terminal: it passes the progress
// line's object count to onDone and keeps every other line.
type progressWatcher struct {
	mu     sync.Mutex
	onDone func(int)
	lines  bytes.Buffer
}

var progressDone = regexp.MustCompile(`objects (\d+)/`)

func (w *progressWatcher) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("\r")) {
		if m := progressDone.FindSubmatch(p); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			w.onDone(n)
		}
		return len(p), nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lines.Write(p)
}

func (w *progressWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lines.String()
}

// TestIngestS3ServerStopped stops MinIO in the middle of 'ingest s3://...':
// the command ends within seconds with exit 1 and one line on stderr that
// names the bucket, the endpoint and the cause; the summary of what was
// stored stays, without an error per object; after MinIO is back, the next
// run stores exactly the rest.
func TestIngestS3ServerStopped(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "trail")
	tr := cliTrail
	tr.Files = 6
	events, objects := putTrail(t, m, "trail", tr)

	f, out, _ := s3Factory(t, m, nil)
	// A clock that moves a second a call draws every progress line.
	var tick atomic.Int64
	f.Now = func() time.Time { return syncClock.Add(time.Duration(tick.Add(1)) * time.Second) }
	var stoppedAt time.Time
	errOut := &progressWatcher{onDone: func(done int) {
		if done >= objects/4 && stoppedAt.IsZero() {
			m.Stop() // the collector waits meanwhile: the run is in the middle
			stoppedAt = time.Now()
		}
	}}
	f.IO.ErrOut = errOut
	f.IO.SetTTY(false, true)
	dir := t.TempDir()
	code := Run(context.Background(), f, []string{"ingest", "s3://trail", "--lake", dir})
	if stoppedAt.IsZero() {
		t.Fatalf("the ingest ended (exit %d) before MinIO was stopped:\n%s%s", code, out, errOut)
	}
	took := time.Since(stoppedAt)
	if took > 20*time.Second {
		t.Errorf("the ingest took %s to end after MinIO stopped", took)
	}
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	want := regexp.MustCompile(`^trailsql: ingest stopped after storing (\d+) objects \(the next run reads the rest\): cannot reach s3://trail at ` +
		regexp.QuoteMeta(m.Endpoint) + `: connection refused \(dial tcp ` + regexp.QuoteMeta(strings.TrimPrefix(m.Endpoint, "http://")) + `\)$`)
	if len(lines) != 1 || !want.MatchString(lines[0]) {
		t.Fatalf("stderr is not the one line that says the source is gone:\n%s", errOut)
	}
	if !strings.Contains(out.String(), "events    ") || strings.Contains(out.String(), "error ") {
		t.Errorf("stdout is not the summary of what was stored, without errors:\n%s", out)
	}
	t.Logf("MinIO stopped after %d of %d objects, the ingest ended %s later:\n%s%s", objects/4, objects, took.Round(time.Millisecond), out, errOut)
	stored := lakeEventCount(t, dir)
	if stored == 0 || stored >= events {
		t.Errorf("%d of %d events stored before the stop", stored, events)
	}

	m.Start()
	f.IO.ErrOut = &bytes.Buffer{}
	f.IO.SetTTY(false, false)
	runCmd(t, f, ExitOK, "ingest", "s3://trail", "--lake", dir)
	if n := lakeEventCount(t, dir); n != events {
		t.Errorf("%d events after the rerun, want %d", n, events)
	}
	if !strings.Contains(out.String(), "events    "+strconv.Itoa(events-stored)+" read, "+strconv.Itoa(events-stored)+" written, 0 already stored") {
		t.Errorf("the rerun did not read exactly the remaining %d events:\n%s", events-stored, out)
	}
}

// closedEndpoint returns the URL of a loopback port that nothing listens on.
func closedEndpoint(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	return "http://" + l.Addr().String()
}

// TestIngestS3Unreachable: a closed port and rejected credentials end
// ingest and sync at once, with exit 1 and one line that says why.
func TestIngestS3Unreachable(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "trail")
	putTrail(t, m, "trail", cliTrail)
	closed := closedEndpoint(t)
	f := func(name string, want string, args []string, env ...string) {
		t.Helper()
		io, _, out, errOut := iostreams.Test()
		fac, _, _ := s3Factory(t, m, func() time.Time { return syncClock }, env...)
		fac.IO = io
		start := time.Now()
		code := Run(context.Background(), fac, args)
		took := time.Since(start)
		if took > 20*time.Second {
			t.Errorf("%s: took %s", name, took)
		}
		t.Logf("%s: %s", name, took.Round(time.Millisecond))
		if code != ExitError || errOut.String() != want+"\n" {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit %d and\n%s\nstdout:\n%s", name, code, errOut, ExitError, want, out)
		}
	}
	lake := t.TempDir()
	addr := strings.TrimPrefix(closed, "http://")
	f("closed port", "trailsql: cannot reach s3://trail at "+closed+": connection refused (dial tcp "+addr+")",
		[]string{"ingest", "s3://trail", "--lake", lake}, "AWS_ENDPOINT_URL", closed)
	f("sync, closed port", "trailsql: cannot reach s3://trail at "+closed+": connection refused (dial tcp "+addr+")",
		[]string{"sync", "s3://trail", "--lake", lake, "--every", "0"}, "AWS_ENDPOINT_URL", closed)
	f("unknown access key", "trailsql: ingest stopped after storing 0 objects (the next run reads the rest): cannot reach s3://trail at "+m.Endpoint+
		": the credentials are rejected: InvalidAccessKeyId: The Access Key Id you provided does not exist in our records (HTTP 403)",
		[]string{"ingest", "s3://trail", "--lake", lake}, "AWS_ACCESS_KEY_ID", "AKIDNOSUCHKEY")
	f("wrong secret", "trailsql: ingest stopped after storing 0 objects (the next run reads the rest): cannot reach s3://trail at "+m.Endpoint+
		": the credentials are rejected: SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method (HTTP 403)",
		[]string{"ingest", "s3://trail", "--lake", lake}, "AWS_SECRET_ACCESS_KEY", "wrong")
}
