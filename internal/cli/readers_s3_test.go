package cli

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestReadersOfS3Lake runs every command that reads a lake over an
// s3:// lake (through a reader's own copy, in $TRAILSQL_CACHE) and over a
// local lake of the same logs: each prints the same.
func TestReadersOfS3Lake(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "lake")
	now := func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }

	src, local := t.TempDir(), filepath.Join(t.TempDir(), "lake")
	g, _, _ := genFactory()
	runCmd(t, g, ExitOK, "gen", "--out", src, "--events", "3000", "--accounts", "2", "--regions", "2")
	w, _, _ := s3Factory(t, m, now)
	runCmd(t, w, ExitOK, "ingest", src, "--lake", local)
	runCmd(t, w, ExitOK, "ingest", src, "--lake", "s3://lake/r")

	// A key, an address and a principal to ask about, from the local lake.
	eng, err := query.Open(context.Background(), local, query.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Query(context.Background(), `SELECT useridentity.accesskeyid, sourceipaddress, useridentity.username
FROM cloudtrail WHERE useridentity.accesskeyid LIKE 'ASIA%' AND useridentity.username IS NOT NULL
ORDER BY eventtime, eventid LIMIT 1`)
	eng.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) == 0 {
		t.Fatal("the generated logs hold no temporary key of a named user")
	}
	key, ip, principal := res.Rows[0][0].(string), res.Rows[0][1].(string), res.Rows[0][2].(string)

	reader := t.TempDir()
	r, out, errOut := s3Factory(t, m, now, "TRAILSQL_CACHE", reader)
	for _, args := range [][]string{
		{"report", "run", "top-errors", "--format", "csv"},
		{"report", "run", "principal-api-calls", "--param", "principal=" + principal, "--format", "json"},
		{"whois", key},
		{"whois", key, "--format", "csv"},
		{"timeline", "--ip", ip, "--format", "csv"},
		{"timeline", "--principal", principal},
		{"gaps", "--format", "json"},
		{"tampering", "--format", "csv"},
	} {
		t.Run(strings.Join(args[:min(2, len(args))], " "), func(t *testing.T) {
			runCmd(t, r, ExitOK, append(args, "--lake", local)...)
			want := out.String()
			runCmd(t, r, ExitOK, append(args, "--lake", "s3://lake/r")...)
			if got := out.String(); got != want || len(strings.TrimSpace(got)) == 0 {
				t.Errorf("trailsql %s over S3 printed\n%s\nover the local lake\n%s\n%s", strings.Join(args, " "), got, want, errOut)
			}
		})
	}
	// The reader's copy is in $TRAILSQL_CACHE.
	runCmd(t, r, ExitOK, "tables", "--lake", "s3://lake/r")
	if want := "Lake " + filepath.Join(reader, "lake", "r") + ":"; !strings.Contains(out.String(), want) {
		t.Errorf("tables: %q lacks %q", out.String(), want)
	}
}

// TestCompactS3Lake compacts an s3:// lake: its copy is merged and what
// changed is published, so that a reader elsewhere sees the merged files
// and the same events.
func TestCompactS3Lake(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "lake")
	now := func() time.Time { return syncClock }
	w, out, _ := s3Factory(t, m, now)
	events := 0
	for i, day := range []int{1, 2} {
		src := t.TempDir()
		events += trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"},
			Start: time.Date(2024, 5, day, 0, 0, 0, 0, time.UTC), Days: 1, Files: 1, Events: 5, Seed: uint64(51 + i)})
		runCmd(t, w, ExitOK, "ingest", src, "--lake", "s3://lake/c", "--no-compact")
	}
	runCmd(t, w, ExitOK, "compact", "--lake", "s3://lake/c")
	if !strings.Contains(out.String(), "compacted 1 of 1 buckets: 2 files into 1") || !strings.Contains(out.String(), "published s3://lake/c/: ") {
		t.Fatalf("compact printed %q", out)
	}
	r, out, _ := s3Factory(t, m, now)
	runCmd(t, r, ExitOK, "query", "--lake", "s3://lake/c", "--stats", "--format", "csv", "SELECT count(*) AS n FROM cloudtrail")
	if want := fmt.Sprintf("n\r\n%d\r\n", events); out.String() != want {
		t.Errorf("query after compact: %q, want %q", out, want)
	}
	var parquet []string
	filepath.WalkDir(filepath.Join(r.Getenv("TRAILSQL_CACHE"), "lake", "c", "cloudtrail"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".parquet") {
			parquet = append(parquet, p)
		}
		return err
	})
	if len(parquet) != 1 {
		t.Errorf("the reader's copy holds %d data files, want the merged one: %q", len(parquet), parquet)
	}
}
