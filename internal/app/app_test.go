package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/gaps"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/report"
	"github.com/trailsql/trailsql/internal/tampering"
)

var testNow = time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC)

// genLogs writes events with internal/gen into a fresh folder and returns
// it with what gen says it wrote.
func genLogs(t *testing.T, events int64) (string, gen.Stats) {
	t.Helper()
	src := t.TempDir()
	st, err := gen.Generate(context.Background(), gen.Options{Dir: src, Events: events, Accounts: 2, Regions: 2, Days: 3, Seed: 1,
		Start: time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC), Org: gen.DefaultOrg, Workers: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return src, st
}

// rawEvents reads every CloudTrail log file under dir (gzip JSON; not
// digests) in Go,
// apart from the lake, and returns its distinct records (as JSON text)
// with the number of events per eventName.
func rawEvents(t *testing.T, dir string) (map[string]bool, map[string]int) {
	t.Helper()
	ids, names := map[string]bool{}, map[string]int{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		slash := filepath.ToSlash(p)
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") ||
			strings.Contains(slash, "/CloudTrail-Digest/") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.NewDecoder(zr).Decode(&doc); err != nil {
			return err
		}
		for _, raw := range doc.Records {
			// A record delivered twice is stored once.
			if ids[string(raw)] {
				continue
			}
			ids[string(raw)] = true
			var r struct {
				EventName string `json:"eventName"`
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				return err
			}
			names[r.EventName]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids, names
}

// ingestLocal opens dir for writing and ingests src into it with Ingest.
func ingestLocal(t *testing.T, src, dir string) IngestResult {
	t.Helper()
	ctx := context.Background()
	w, err := Open(ctx, Config{Lake: dir, Write: true, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, err := w.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Ingest(ctx, ingest.Options{Sources: []ingest.Source{s}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Published != nil {
		t.Errorf("a local lake was published: %+v", res.Published)
	}
	return res
}

func TestLocalLake(t *testing.T) {
	ctx := context.Background()
	src, _ := genLogs(t, 6000)
	ids, names := rawEvents(t, src)
	dir := filepath.Join(t.TempDir(), "lake")
	res := ingestLocal(t, src, dir)
	if res.Written != len(ids) {
		t.Errorf("ingest wrote %d events, the files hold %d distinct ones", res.Written, len(ids))
	}

	a, err := Open(ctx, Config{Lake: dir, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Dir() != dir || a.Name() != dir || a.Writable() {
		t.Errorf("Dir %q Name %q Writable %v", a.Dir(), a.Name(), a.Writable())
	}
	e1, err := a.Engine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e2, _ := a.Engine(ctx)
	if e1 != e2 {
		t.Error("Engine started a second engine")
	}

	// Query and Stream agree with the files read in Go.
	r, err := a.Query(ctx, "SELECT count(*) FROM cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Rows[0][0].(int64); got != int64(len(ids)) {
		t.Errorf("count(*) = %d, want %d", got, len(ids))
	}
	rows, err := a.Stream(ctx, "SELECT eventname, count(*) FROM cloudtrail GROUP BY 1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for rows.Next() {
		row := rows.Row()
		name, _ := row[0].(string) // NULL: a record without eventName
		got[name] = int(row[1].(int64))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(got) != len(names) {
		t.Errorf("Stream: %d event names, want %d", len(got), len(names))
	}
	for n, c := range names {
		if got[n] != c {
			t.Errorf("Stream: %s has %d events, want %d", n, got[n], c)
		}
	}

	cat, err := a.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var events int64
	for _, reg := range cat.Regions {
		events += reg.Events
	}
	if events != int64(len(ids)) || len(cat.Tables) < 3 {
		t.Errorf("Tables: %d events in %d tables, want %d events", events, len(cat.Tables), len(ids))
	}

	// Reports: a report runs with its declared parameters; an unknown
	// report or a bad parameter is the caller's error.
	reps, err := a.Reports()
	if err != nil || len(reps) == 0 {
		t.Fatalf("Reports: %d, %v", len(reps), err)
	}
	if _, err := a.RunReport(ctx, "no-such-report", report.Inputs{}); !IsInput(err) {
		t.Errorf("RunReport(unknown) = %v, want an input error", err)
	}
	var withParam *report.Report
	for _, r := range reps {
		for _, p := range r.Params {
			if p.Required {
				withParam = r
			}
		}
	}
	if withParam == nil {
		t.Fatal("no report has a required parameter")
	}
	if _, err := a.RunReport(ctx, withParam.Name, report.Inputs{}); !IsInput(err) {
		t.Errorf("RunReport(%s) without its parameters = %v, want an input error", withParam.Name, err)
	}
	run, err := a.RunReport(ctx, "top-errors", report.Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Result.Rows) == 0 {
		t.Error("top-errors: no rows")
	}

	// Timeline of an address: every event from it, in time order.
	ipr, err := a.Query(ctx, "SELECT sourceipaddress, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	ip, n := ipr.Rows[0][0].(string), ipr.Rows[0][1].(int64)
	evs, err := a.Timeline(ctx, report.TimelineQuery{IP: ip, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(evs)) != n {
		t.Errorf("Timeline(%s): %d events, want %d", ip, len(evs), n)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Time.Before(evs[i-1].Time) {
			t.Fatalf("Timeline: event %d before event %d", i, i-1)
		}
	}
	if _, err := a.Timeline(ctx, report.TimelineQuery{}); !IsInput(err) {
		t.Errorf("Timeline of nothing = %v, want an input error", err)
	}

	if _, err := a.Whois(ctx, "AKIAEXAMPLENOTINLAKE"); err != nil && !IsInput(err) {
		t.Logf("Whois: %v", err)
	}
	g, err := a.Gaps(ctx, gaps.Options{MinHours: 1})
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := a.Query(ctx, "SELECT count(*) FROM (SELECT DISTINCT account, region FROM cloudtrail)")
	if err != nil {
		t.Fatal(err)
	}
	if want := pairs.Rows[0][0].(int64); int64(len(g.Series)) != want {
		t.Errorf("Gaps: %d series, want one per account and region, %d", len(g.Series), want)
	}
	if _, err := a.Tampering(ctx, tampering.Options{}); err != nil {
		t.Fatal(err)
	}

	// Writes need a lake opened for writing.
	if _, err := a.Ingest(ctx, ingest.Options{}); !errors.Is(err, errReadOnly) {
		t.Errorf("Ingest on a read-only App = %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no lake", Config{Getenv: env(nil)}, "no lake given"},
		{"no bucket", Config{Lake: "s3://", Getenv: env(nil)}, "names no bucket"},
		{"no cache folder", Config{Lake: "s3://b/p", Getenv: env(nil)}, "no cache folder for s3://b/p"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(ctx, tc.cfg)
			if !IsInput(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open = %v, want an input error with %q", err, tc.want)
			}
		})
	}
	a, err := Open(ctx, Config{Lake: filepath.Join(t.TempDir(), "none")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Query(ctx, "SELECT 1"); err == nil || !strings.Contains(err.Error(), "no such folder") {
		t.Errorf("Query over a missing lake = %v", err)
	}
}

func TestCacheDir(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		url  string
		env  func(string) string
		want string
	}{
		{"s3://b/p/q/", env("TRAILSQL_CACHE", "/c", "HOME", "/h"), "/c/b/p/q"},
		{"s3://b", env("TRAILSQL_CACHE", "/c"), "/c/b"},
		{"s3://b/p", env("XDG_CACHE_HOME", "/x", "HOME", "/h"), "/x/trailsql/s3/b/p"},
		{"s3://b/p", env("HOME", "/h"), "/h/.cache/trailsql/s3/b/p"},
	} {
		got, err := CacheDir(tc.env, tc.url)
		if err != nil || got != tc.want {
			t.Errorf("CacheDir(%s) = %q, %v, want %q", tc.url, got, err, tc.want)
		}
	}
	if _, err := CacheDir(env(), "s3://b"); err == nil {
		t.Error("CacheDir without any variable: no error")
	}
}

func TestBuildVersion(t *testing.T) {
	v, err := BuildVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.DuckDB, "v1.") || v.Commit == "" || v.Version == "" {
		t.Errorf("BuildVersion = %+v", v)
	}
	var b bytes.Buffer
	io.WriteString(&b, v.String())
	if !strings.Contains(b.String(), "DuckDB "+v.DuckDB) {
		t.Errorf("String = %q", b.String())
	}
}

func TestParseLookback(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "2d", want: 48 * time.Hour},
		{in: "0d", want: 0},
		{in: "36h", want: 36 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "", bad: true},
		{in: "d", bad: true},
		{in: "-1d", bad: true},
		{in: "-3h", bad: true},
		{in: "2w", bad: true},
		{in: "1.5d", bad: true},
	} {
		got, err := ParseLookback(tc.in)
		if tc.bad {
			if !IsInput(err) {
				t.Errorf("ParseLookback(%q) = %v, %v; want an input error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseLookback(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// TestClose: a closed App answers no query and writes nothing; Close
// releases the lake's lock.
func TestClose(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lake")
	w, err := Open(ctx, Config{Lake: dir, Write: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Query(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	src, err := w.OpenSource(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Query(ctx, "SELECT 1"); !errors.Is(err, errClosed) {
		t.Errorf("Query after Close = %v", err)
	}
	if _, err := w.Ingest(ctx, ingest.Options{Sources: []ingest.Source{src}}); !errors.Is(err, errClosed) {
		t.Errorf("Ingest after Close = %v", err)
	}
	if err := w.Sync(ctx, SyncOptions{Sources: []string{t.TempDir()}}); !errors.Is(err, errClosed) {
		t.Errorf("Sync after Close = %v", err)
	}
	w2, err := Open(ctx, Config{Lake: dir, Write: true})
	if err != nil {
		t.Fatalf("the lake is still locked after Close: %v", err)
	}
	w2.Close()
}

// TestConcurrentUse asks one App many questions at once, as the server
// does: every answer is the one asked alone, and one engine serves them.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	src, _ := genLogs(t, 3000)
	dir := filepath.Join(t.TempDir(), "lake")
	ingestLocal(t, src, dir)
	a, err := Open(ctx, Config{Lake: dir, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	want := count(t, a)
	eng, _ := a.Engine(ctx)
	var g errgroup.Group
	for i := range 8 {
		g.Go(func() error {
			if e, err := a.Engine(ctx); err != nil || e != eng {
				return fmt.Errorf("goroutine %d: another engine (%v)", i, err)
			}
			switch i % 3 {
			case 0:
				r, err := a.Query(ctx, "SELECT count(*) FROM cloudtrail")
				if err != nil {
					return err
				}
				if n := int(r.Rows[0][0].(int64)); n != want {
					return fmt.Errorf("goroutine %d: count %d, want %d", i, n, want)
				}
			case 1:
				rows, err := a.Stream(ctx, "SELECT eventid FROM cloudtrail")
				if err != nil {
					return err
				}
				n := 0
				for rows.Next() {
					n++
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				if n != want {
					return fmt.Errorf("goroutine %d: streamed %d rows, want %d", i, n, want)
				}
			case 2:
				if _, err := a.Tables(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}
