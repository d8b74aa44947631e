package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestQueryS3Lake queries a lake in S3 through its local copy, the one
// folder that readers and writers of the lake share: a reader where the
// writer ran finds the copy up to date; a reader elsewhere downloads it
// first, then finds it up to date, and after another ingest only what
// changed comes down. $TRAILSQL_CACHE, the S3 flags and --cache work as
// they do for ingest.
func TestQueryS3Lake(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "lake")
	cacheHome := t.TempDir()
	now := func() time.Time { return syncClock }
	f, out, errOut := s3Factory(t, m, now, "TRAILSQL_CACHE", "", "XDG_CACHE_HOME", cacheHome)

	src := t.TempDir()
	events := trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1", "eu-west-1"},
		Start: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Days: 2, Files: 2, Events: 5, Seed: 31})
	runCmd(t, f, ExitOK, "ingest", src, "--lake", "s3://lake/q")

	count := func(t *testing.T, f *Factory, args ...string) int {
		t.Helper()
		runCmd(t, f, ExitOK, append([]string{"query", "--lake", "s3://lake/q", "SELECT count(*) AS n FROM cloudtrail"}, args...)...)
		lines := strings.Fields(f.IO.Out.(*bytes.Buffer).String())
		n, err := strconv.Atoi(lines[len(lines)-1])
		if len(lines) != 2 || lines[0] != "n" || err != nil {
			t.Fatalf("query printed %q", f.IO.Out)
		}
		return n
	}
	pulled := func(t *testing.T, f *Factory) (dir string, files int) {
		t.Helper()
		m := regexp.MustCompile(`^pulled s3://lake/q/ into (.+): (?:up to date, )?(\d+) files downloaded`).FindStringSubmatch(f.IO.ErrOut.(*bytes.Buffer).String())
		if m == nil {
			t.Fatalf("no pull line on standard error: %q", f.IO.ErrOut)
		}
		n, _ := strconv.Atoi(m[2])
		return m[1], n
	}

	// The writer's copy, in the user cache folder, serves its readers.
	def := filepath.Join(cacheHome, "trailsql", "s3", "lake", "q")
	if _, err := os.Stat(filepath.Join(def, "cloudtrail")); err != nil {
		t.Fatalf("ingest did not keep its copy in the user cache folder: %v", err)
	}
	if n := count(t, f, "--stats"); n != events {
		t.Fatalf("query of the S3 lake counted %d events, want %d", n, events)
	}
	if dir, n := pulled(t, f); dir != def || n != 0 || !strings.Contains(errOut.String(), "up to date") {
		t.Fatalf("query where the writer ran: %s", errOut)
	}
	// tables reads the same copy.
	runCmd(t, f, ExitOK, "tables", "--lake", "s3://lake/q")
	if !strings.Contains(out.String(), "Lake "+def+":") || !strings.Contains(out.String(), "cloudtrail_111111111111") {
		t.Fatalf("tables of the S3 lake printed %q", out.String())
	}

	// A reader elsewhere ($TRAILSQL_CACHE) downloads the lake, then finds
	// it up to date.
	elsewhere := t.TempDir()
	g, _, errOutG := s3Factory(t, m, now, "TRAILSQL_CACHE", elsewhere, "XDG_CACHE_HOME", cacheHome)
	if n := count(t, g, "--stats"); n != events {
		t.Fatalf("query of a fresh copy counted %d events, want %d", n, events)
	}
	if dir, n := pulled(t, g); dir != filepath.Join(elsewhere, "lake", "q") || n == 0 {
		t.Fatalf("first query of a fresh copy: %s", errOutG)
	}
	if count(t, g, "--stats"); !strings.Contains(errOutG.String(), "up to date, 0 files downloaded") {
		t.Fatalf("second query: %s", errOutG)
	}
	// Standard error is not a terminal and --stats is off: no pull line.
	count(t, g)
	if strings.Contains(errOutG.String(), "pulled") {
		t.Fatalf("pull line without --stats on a pipe: %q", errOutG)
	}
	g.IO.SetTTY(false, true)
	count(t, g)
	if _, n := pulled(t, g); n != 0 {
		t.Fatalf("pull line on a terminal: %q", errOutG)
	}
	g.IO.SetTTY(false, false)

	// More data: the writer's copy has it at once, the other copy brings
	// down only the new files.
	more := t.TempDir()
	moreEvents := trailtest.WriteTrail(t, more, trailtest.Trail{Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"},
		Start: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC), Days: 1, Files: 1, Events: 4, Seed: 32})
	runCmd(t, f, ExitOK, "ingest", more, "--lake", "s3://lake/q", "--no-compact")
	if n := count(t, f, "--stats"); n != events+moreEvents {
		t.Fatalf("query after another ingest counted %d events, want %d", n, events+moreEvents)
	}
	if _, n := pulled(t, f); n != 0 {
		t.Fatalf("the writer's copy was not current: %s", errOut)
	}
	if n := count(t, g, "--stats"); n != events+moreEvents {
		t.Fatalf("query of the other copy after another ingest counted %d events, want %d", n, events+moreEvents)
	}
	if _, d := pulled(t, g); d == 0 || d > 3 {
		t.Fatalf("query after another ingest downloaded %d files, want the new partition's few: %s", d, errOutG)
	}

	// --cache, and the S3 flags instead of the environment.
	h, out2, errOut2 := s3Factory(t, m, now, "AWS_ENDPOINT_URL", "", "XDG_CACHE_HOME", cacheHome)
	cache := filepath.Join(t.TempDir(), "copy")
	runCmd(t, h, ExitOK, "query", "--lake", "s3://lake/q", "--endpoint-url", m.Endpoint, "--cache", cache, "--stats", "SELECT count(*) AS n FROM cloudtrail")
	if want := fmt.Sprintf("n\r\n%d\r\n", events+moreEvents); out2.String() != want || !strings.Contains(errOut2.String(), " into "+cache+":") {
		t.Fatalf("query with --cache: %q, %s", out2, errOut2)
	}

	// A prefix where nothing is published.
	runCmd(t, f, ExitError, "query", "--lake", "s3://lake/none", "SELECT 1")
	if !strings.Contains(errOut.String(), "nothing is published there") {
		t.Fatalf("query of an empty S3 prefix: %s", errOut)
	}
}
