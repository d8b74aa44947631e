package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
)

// splitFixtureLake ingests the fixture in two runs (every other log file
// each), without compaction, so that partitions hold two files.
func splitFixtureLake(t *testing.T) (string, []*fxEvent) {
	t.Helper()
	evs := fixtureEvents()
	all := t.TempDir()
	writeFixtureLogs(t, all, evs)
	var files []string
	filepath.WalkDir(all, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	dir := t.TempDir()
	for half := 0; half < 2; half++ {
		src := t.TempDir()
		for i, f := range files {
			if i%2 != half {
				continue
			}
			rel, _ := filepath.Rel(all, f)
			dst := filepath.Join(src, rel)
			os.MkdirAll(filepath.Dir(dst), 0o755)
			b, _ := os.ReadFile(f)
			os.WriteFile(dst, b, 0o644)
		}
		ingestDir(t, src, dir, -1)
	}
	return dir, evs
}

func openLake(t *testing.T, dir string, opts Options) *Engine {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixtureNow }
	}
	e, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func mustQuery(t *testing.T, e *Engine, q string, args ...any) *Result {
	t.Helper()
	r, err := e.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%v\nquery: %s", err, q)
	}
	return r
}

// TestPruning checks that partition predicates prune files before they
// are opened: a query on one day of one account and region reads only the
// files of that partition, on the table and on a per-account view.
func TestPruning(t *testing.T) {
	dir, evs := splitFixtureLake(t)
	e := openLake(t, dir, Options{})
	st := e.snapshot()
	dayFiles := 0
	target := cloudtrail.Partition{Account: acctProd, Region: "us-east-1", Year: "2019", Month: "09", Day: "30"}
	for _, f := range st.files {
		if slices.Contains(f.parts, target) {
			dayFiles++
		}
	}
	if dayFiles < 2 || len(st.files) < 2*dayFiles {
		t.Fatalf("lake has %d files, %d in the partition: want a partition of several files among many", len(st.files), dayFiles)
	}
	want := len(where(evs, func(e *fxEvent) bool {
		return e.Account == acctProd && e.Region == "us-east-1" && e.Time.Format(time.DateOnly) == "2019-09-30"
	}))
	for _, q := range []string{
		"SELECT count(*) FROM cloudtrail WHERE account = '111122223333' AND region = 'us-east-1' AND year = '2019' AND month = '09' AND day = '30'",
		"SELECT count(*) FROM cloudtrail_111122223333 WHERE region = 'us-east-1' AND year = '2019' AND month = '09' AND day = '30'",
	} {
		r := mustQuery(t, e, q)
		if got := r.Rows[0][0]; got != int64(want) {
			t.Errorf("%s = %v, want %d", q, got, want)
		}
		s := r.Stats
		if s.Files != dayFiles || s.FilesTotal != len(st.files) || s.Partitions != 1 || s.PartitionsTotal != st.partitions {
			t.Errorf("%s: stats %+v, want %d of %d files, 1 of %d partitions", q, s, dayFiles, len(st.files), st.partitions)
		}
		if s.Bytes <= 0 || s.Rows != 1 || s.Wall <= 0 {
			t.Errorf("%s: stats %+v: want bytes, rows and time", q, s)
		}
	}
	// A partition predicate pruning does not understand still gives the
	// right answer; DuckDB skips row groups by the region and day columns.
	q := "SELECT count(eventname) FROM cloudtrail_logs WHERE region = 'us-east-1' AND account = '111122223333' AND concat(year, month, day) = '20190930'"
	if r := mustQuery(t, e, q); r.Rows[0][0] != int64(want) {
		t.Errorf("%s = %v, want %d", q, r.Rows[0][0], want)
	}
	// A month of one account: several partitions, none of the other account.
	r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail WHERE account = '444455556666' AND year = '2019' AND month = '09'")
	wantParts := map[string]bool{}
	for _, f := range st.files {
		if f.dir.Account == acctDev && f.dir.Month == "09" {
			for _, p := range f.parts {
				wantParts[p.Path()] = true
			}
		}
	}
	if r.Stats.Partitions != len(wantParts) {
		t.Errorf("month query read %d partitions, want %d", r.Stats.Partitions, len(wantParts))
	}
	// Without a partition predicate every file is read.
	r = mustQuery(t, e, "SELECT count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin'")
	if r.Stats.Files != len(st.files) || r.Stats.Partitions != st.partitions {
		t.Errorf("full scan stats %+v", r.Stats)
	}
}

// TestCompactionJournal checks that the files an unfinished compaction is
// replacing are left out, so that no event is counted twice.
func TestCompactionJournal(t *testing.T) {
	dir, evs := splitFixtureLake(t)
	// Merge the two files of one bucket by hand into two new files and
	// journal it as an interrupted compaction would.
	bdir := filepath.Join(dir, lake.Table, "account=111122223333", "year=2019", "month=09")
	old, _ := filepath.Glob(filepath.Join(bdir, "*.parquet"))
	if len(old) != 2 {
		t.Fatalf("bucket has %d files, want 2", len(old))
	}
	var merged []lake.Row
	for _, f := range old {
		got, err := lake.ReadRows(f)
		if err != nil {
			t.Fatal(err)
		}
		merged = append(merged, got...)
	}
	var news []string
	for i, rows := range [][]lake.Row{merged[:len(merged)/2], merged[len(merged)/2:]} {
		newFile := filepath.Join(bdir, fmt.Sprintf("c-merged%d.parquet", i))
		out, err := os.Create(newFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := lake.WriteRows(out, rows); err != nil {
			t.Fatal(err)
		}
		out.Close()
		news = append(news, newFile)
	}
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return r }
	j, _ := json.Marshal(map[string]any{"news": []string{rel(news[0]), rel(news[1])}, "old": []string{rel(old[0]), rel(old[1])}})
	if err := os.WriteFile(filepath.Join(dir, lake.MetaDir, "compact.journal"), j, 0o644); err != nil {
		t.Fatal(err)
	}
	if left, err := lake.CompactionJournal(dir); err != nil || len(left) != 2 || left[0] != old[0] {
		t.Fatalf("lake.CompactionJournal = %v, %v: the test's journal is not understood", left, err)
	}
	e := openLake(t, dir, Options{})
	count := func(stage string) {
		t.Helper()
		r := mustQuery(t, e, "SELECT count(*), count(DISTINCT eventid) FROM cloudtrail")
		if r.Rows[0][0] != int64(len(evs)) || r.Rows[0][1] != int64(len(evs)) {
			t.Errorf("%s: count = %v, want %d events once each", stage, r.Rows[0], len(evs))
		}
	}
	count("all new files in place")
	// While the new files are being moved in, readers skip those in place.
	hidden := news[1] + ".moving"
	if err := os.Rename(news[1], hidden); err != nil {
		t.Fatal(err)
	}
	if left, _ := lake.CompactionJournal(dir); len(left) != 1 || left[0] != news[0] {
		t.Fatalf("with one new file missing, CompactionJournal = %v, want the one in place", left)
	}
	count("one new file in place")
	os.Rename(hidden, news[1])
	// The compaction finishes: the old files go, the journal too.
	os.Remove(old[0])
	os.Remove(old[1])
	os.Remove(filepath.Join(dir, lake.MetaDir, "compact.journal"))
	count("after compaction")
}

// TestRefresh checks that events ingested while an engine is open are
// seen by its next query, new accounts with their views.
func TestRefresh(t *testing.T) {
	evs := fixtureEvents()
	var first, second []*fxEvent
	for _, ev := range evs {
		if ev.Account == acctProd {
			first = append(first, ev)
		} else {
			second = append(second, ev)
		}
	}
	dir := t.TempDir()
	src1 := t.TempDir()
	writeFixtureLogs(t, src1, first)
	ingestDir(t, src1, dir, 0)
	e := openLake(t, dir, Options{})
	if r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail"); r.Rows[0][0] != int64(len(first)) {
		t.Fatalf("count = %v, want %d", r.Rows[0][0], len(first))
	}
	if _, err := e.Query(context.Background(), "SELECT count(*) FROM cloudtrail_444455556666"); err == nil {
		t.Fatal("the second account's view exists before its events")
	}
	src2 := t.TempDir()
	writeFixtureLogs(t, src2, second)
	ingestDir(t, src2, dir, 0)
	if r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail"); r.Rows[0][0] != int64(len(evs)) {
		t.Errorf("after a second ingest count = %v, want %d", r.Rows[0][0], len(evs))
	}
	if r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail_444455556666"); r.Rows[0][0] != int64(len(second)) {
		t.Errorf("new account view count = %v, want %d", r.Rows[0][0], len(second))
	}
}

func TestEmptyLake(t *testing.T) {
	empty := openLake(t, t.TempDir(), Options{})
	r := mustQuery(t, empty, "SELECT count(*) FROM cloudtrail")
	if r.Rows[0][0] != int64(0) {
		t.Errorf("count on an empty lake = %v", r.Rows[0][0])
	}
	mustQuery(t, empty, "SELECT record.eventName FROM logs CROSS JOIN UNNEST(records) AS t(record)")
	// The empty views have the same columns and types as a real lake's.
	full, _, _ := openFixture(t)
	ctx := context.Background()
	d1, err := empty.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := full.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"cloudtrail", "cloudtrail_logs", "logs"} {
		a, b := d1.Tables[i], d2.Tables[i]
		if a.Name != name || b.Name != name {
			t.Fatalf("tables %s, %s; want %s", a.Name, b.Name, name)
		}
		if len(a.Columns) != len(b.Columns) {
			t.Fatalf("%s: %d columns on an empty lake, %d on a real one", name, len(a.Columns), len(b.Columns))
		}
		for j := range a.Columns {
			if a.Columns[j] != b.Columns[j] {
				t.Errorf("%s column %d: empty lake %v, real lake %v", name, j, a.Columns[j], b.Columns[j])
			}
		}
	}
	if len(d1.Regions) != 0 || d1.Files != 0 {
		t.Errorf("empty lake catalog %+v", d1)
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "nope"), Options{}); err == nil || !strings.Contains(err.Error(), "no such folder") {
		t.Errorf("Open of a missing lake = %v", err)
	}
}

func TestCatalog(t *testing.T) {
	e, evs, _ := openFixture(t)
	cat, err := e.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range cat.Tables {
		names = append(names, tb.Name)
	}
	if got := strings.Join(names, ","); got != "cloudtrail,cloudtrail_logs,logs,cloudtrail_111122223333,cloudtrail_444455556666" {
		t.Errorf("tables = %s", got)
	}
	counts := map[string]int64{}
	for _, r := range cat.Regions {
		counts[r.Account+"/"+r.Region] = r.Events
		var first, last time.Time
		for _, ev := range evs {
			if ev.Account == r.Account && ev.Region == r.Region {
				if first.IsZero() || ev.Time.Before(first) {
					first = ev.Time
				}
				if ev.Time.After(last) {
					last = ev.Time
				}
			}
		}
		if !r.First.Equal(first) || !r.Last.Equal(last) {
			t.Errorf("%s/%s: time range %v..%v, want %v..%v", r.Account, r.Region, r.First, r.Last, first, last)
		}
	}
	for _, ev := range evs {
		counts[ev.Account+"/"+ev.Region]--
	}
	for k, n := range counts {
		if n != 0 {
			t.Errorf("%s: event count off by %d", k, n)
		}
	}
}

// TestAccountViews checks which accounts get a cloudtrail_<id> view.
func TestAccountViews(t *testing.T) {
	evs := fixtureEvents()[:6]
	for i, ev := range evs {
		ev.Account = []string{"123456789012", "team-a", "REDACTED", "redacted", "logs", "unknown"}[i]
	}
	src := t.TempDir()
	writeFixtureLogs(t, src, evs)
	dir := t.TempDir()
	ingestDir(t, src, dir, 0)
	e := openLake(t, dir, Options{})
	for _, v := range []string{"cloudtrail_123456789012", "cloudtrail_unknown"} {
		if r := mustQuery(t, e, "SELECT count(*) FROM "+v); r.Rows[0][0] != int64(1) {
			t.Errorf("%s count = %v", v, r.Rows[0][0])
		}
	}
	cat, err := e.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"team-a", "REDACTED", "redacted", "logs"} {
		if cat.NoView[a] == "" {
			t.Errorf("account %q: no reason given for having no view (%v)", a, cat.NoView)
		}
		if r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail WHERE account = ?", a); r.Rows[0][0] != int64(1) {
			t.Errorf("account %q: %v events in cloudtrail", a, r.Rows[0][0])
		}
	}
	// cloudtrail_logs is still every event.
	if r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail_logs"); r.Rows[0][0] != int64(6) {
		t.Errorf("cloudtrail_logs count = %v", r.Rows[0][0])
	}
}

func TestParameters(t *testing.T) {
	e, evs, _ := openFixture(t)
	want := len(where(evs, func(e *fxEvent) bool { return e.Name == "ConsoleLogin" && e.IP == "203.0.113.9" }))
	r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail WHERE eventname = ? AND sourceipaddress = ?", "ConsoleLogin", "203.0.113.9")
	if r.Rows[0][0] != int64(want) {
		t.Errorf("count = %v, want %d", r.Rows[0][0], want)
	}
	// A parameter is a value, never SQL.
	r = mustQuery(t, e, "SELECT count(*) FROM cloudtrail WHERE eventname = ?", "x' OR '1'='1")
	if r.Rows[0][0] != int64(0) {
		t.Errorf("injected parameter matched %v rows", r.Rows[0][0])
	}
	r = mustQuery(t, e, "SELECT eventname FROM cloudtrail WHERE eventtimestamp = ?", evs[0].Time)
	if len(r.Rows) != 1 || r.Rows[0][0] != evs[0].Name {
		t.Errorf("time parameter: %v", r.Rows)
	}
}

func TestResultValues(t *testing.T) {
	e, _, _ := openFixture(t)
	r := mustQuery(t, e, `SELECT 1 AS i, 2.5 AS f, true AS b, NULL AS n, 'x' AS s, ARRAY[1, 2] AS l, CAST(ROW(1, ARRAY[true]) AS ROW("B" INTEGER, a ARRAY(BOOLEAN))) AS st,
		from_iso8601_timestamp('2019-09-30T10:15:00Z') AS tz, TIMESTAMP '2019-09-30 10:15:00' AS ts, DATE '2019-09-30' AS d,
		sum(10) AS h, INTERVAL '7' DAY AS iv, CAST('{"k": [1]}' AS JSON) AS j, CAST(1.25 AS DECIMAL(5,2)) AS dec, map(ARRAY['a'], ARRAY[1]) AS m, 5 / 2 AS div`)
	row := r.Rows[0]
	want := []any{int64(1), 2.5, true, nil, "x", json.RawMessage(`[1,2]`), json.RawMessage(`{"B":1,"a":[true]}`),
		time.Date(2019, 9, 30, 10, 15, 0, 0, time.UTC), time.Date(2019, 9, 30, 10, 15, 0, 0, time.UTC), time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC),
		int64(10), "7 days", json.RawMessage(`{"k": [1]}`), 1.25, json.RawMessage(`{"a":1}`), int64(2)}
	for i := range want {
		g, w := row[i], want[i]
		if gr, ok := g.(json.RawMessage); ok {
			g = string(gr)
			w = string(w.(json.RawMessage))
		}
		if gt, ok := g.(time.Time); ok {
			if !gt.Equal(w.(time.Time)) {
				t.Errorf("%s = %v, want %v", r.Columns[i].Name, g, w)
			}
			continue
		}
		if g != w {
			t.Errorf("%s = %#v (%s), want %#v", r.Columns[i].Name, row[i], r.Columns[i].Type, want[i])
		}
	}
	types := []string{"INTEGER", "DECIMAL(2,1)", "BOOLEAN", "INTEGER", "VARCHAR", "INTEGER[]", "STRUCT(B INTEGER, a BOOLEAN[])",
		"TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "DATE", "HUGEINT", "INTERVAL", "JSON", "DECIMAL(5,2)", "MAP(VARCHAR, INTEGER)", "INTEGER"}
	for i, ty := range types {
		if r.Columns[i].Type != ty {
			t.Errorf("column %s type %q, want %q", r.Columns[i].Name, r.Columns[i].Type, ty)
		}
	}
	// Unnamed expressions are _col<i>, as in Athena.
	r = mustQuery(t, e, "SELECT count(*), eventname, useridentity.arn, 1 + 1 FROM cloudtrail GROUP BY 2, 3 LIMIT 1")
	if got := r.Columns[0].Name + "," + r.Columns[1].Name + "," + r.Columns[2].Name + "," + r.Columns[3].Name; got != "_col0,eventname,arn,_col3" {
		t.Errorf("column names %s", got)
	}
}

func TestMaxRows(t *testing.T) {
	dir, _ := fixtureLake(t)
	e := openLake(t, dir, Options{MaxRows: 10})
	r := mustQuery(t, e, "SELECT eventid FROM cloudtrail")
	if len(r.Rows) != 10 || !r.Truncated {
		t.Errorf("got %d rows, truncated %v; want 10, true", len(r.Rows), r.Truncated)
	}
	r = mustQuery(t, e, "SELECT eventid FROM cloudtrail LIMIT 10")
	if len(r.Rows) != 10 || r.Truncated {
		t.Errorf("got %d rows, truncated %v; want 10, false", len(r.Rows), r.Truncated)
	}
}

func TestErrors(t *testing.T) {
	e, _, _ := openFixture(t)
	f := func(q, want string) {
		t.Helper()
		_, err := e.Query(context.Background(), q)
		if err == nil {
			t.Errorf("%s: no error, want %q", q, want)
			return
		}
		if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "athena_") {
			t.Errorf("%s: error %q, want one line with %q", q, err, want)
		}
	}
	f("SELECT eventnam FROM cloudtrail", `unknown column "eventnam" (close matches: eventname`)
	f("SELECT useridentity.usernam FROM cloudtrail", `unknown field "usernam" (close matches: username`)
	f("SELECT * FROM cloudtrail_logs_mybucket", "unknown table cloudtrail_logs_mybucket (did you mean cloudtrail_logs?")
	f("SELECT frobnicate(eventname) FROM cloudtrail", "unknown function frobnicate()")
	f("SELECT json_extract_scalar(eventname) FROM cloudtrail", "json_extract_scalar takes 2 arguments")
	f("SELECT eventname FROM cloudtrail WHERE eventtime > 5", "Cannot compare values")
	f("SELECT count(*) FROM cloudtrail GROUP BY", "syntax error")
	f("SELECT date_add('fortnight', 1, eventtimestamp) FROM cloudtrail", "date_add: unknown unit 'fortnight'")
	f("SHOW PARTITIONS logs", "only cloudtrail, cloudtrail_logs and cloudtrail_<account> have partitions")
	// The logs rewrite falls back to whole records when a key is reached
	// through another name.
	r := mustQuery(t, e, "SELECT r.eventName FROM (SELECT record AS r FROM logs CROSS JOIN UNNEST(records) AS t(record)) WHERE r.eventName = 'StopLogging'")
	if len(r.Rows) != 1 {
		t.Errorf("renamed record: %v", r.Rows)
	}
	// from_iso8601_timestamp(eventtime) on a column named eventtime that is
	// not the table's.
	r = mustQuery(t, e, "SELECT from_iso8601_timestamp(eventtime) FROM (SELECT '2019-01-01T00:00:00Z' AS eventtime)")
	if tm, ok := r.Rows[0][0].(time.Time); !ok || tm.Year() != 2019 {
		t.Errorf("eventtime alias: %v", r.Rows)
	}
}

func TestTimeoutAndMemoryLimit(t *testing.T) {
	dir, _ := fixtureLake(t)
	e := openLake(t, dir, Options{Timeout: 200 * time.Millisecond, MemoryLimit: "200MB", Threads: 2})
	start := time.Now()
	_, err := e.Query(context.Background(), "SELECT count(*) FROM cloudtrail a, cloudtrail b, cloudtrail c, cloudtrail d WHERE a.eventid || b.eventid || c.eventid || d.eventid = 'x'")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 200ms") {
		t.Errorf("slow query: %v, want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the timeout took %v to stop the query", d)
	}
	r := mustQuery(t, e, "SELECT current_setting('memory_limit'), current_setting('threads')")
	if lim := r.Rows[0][0].(string); !strings.HasPrefix(lim, "190") {
		t.Errorf("memory_limit = %q, want about 200MB", lim)
	}
	e2 := openLake(t, dir, Options{MemoryLimit: "64MB", Threads: 1})
	_, err = e2.Query(context.Background(), "SELECT array_agg(CAST(x AS varchar) || 'padding-padding-padding') FROM UNNEST(sequence(1, 20000000)) AS t(x)")
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "memory") {
		t.Errorf("a query over the memory limit: %v, want an out-of-memory error", err)
	}
	// The engine still answers after both.
	mustQuery(t, e, "SELECT count(*) FROM cloudtrail")
	if err := (Options{MemoryLimit: "lots"}).Validate(); err == nil {
		t.Error("Options{MemoryLimit: lots} is valid")
	}
}

func TestConcurrentQueries(t *testing.T) {
	e, evs, _ := openFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := e.Query(context.Background(), "SELECT count(*) FROM cloudtrail WHERE eventname <> ?", "none"+string(rune('a'+i)))
			if err != nil {
				errs <- err
				return
			}
			if r.Rows[0][0] != int64(len(evs)) {
				errs <- errors.New("wrong count")
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestShowDescribeExplain(t *testing.T) {
	e, _, _ := openFixture(t)
	r := mustQuery(t, e, "SHOW TABLES")
	var names []string
	for _, row := range r.Rows {
		names = append(names, row[0].(string))
	}
	if got := strings.Join(names, ","); got != "cloudtrail,cloudtrail_111122223333,cloudtrail_444455556666,cloudtrail_lake_events,cloudtrail_logs,findings,logs" {
		t.Errorf("SHOW TABLES = %s", got)
	}
	r = mustQuery(t, e, "DESCRIBE cloudtrail_logs")
	if len(r.Rows) != len(lakeSchema())+len(partitionColumns) || r.Columns[0].Name != "col_name" || r.Rows[1][0] != "useridentity" || !strings.HasPrefix(r.Rows[1][1].(string), "STRUCT(") {
		t.Errorf("DESCRIBE: %v %v", r.Columns, r.Rows[:2])
	}
	r = mustQuery(t, e, "EXPLAIN SELECT count(*) FROM cloudtrail WHERE year = '2019' AND json_extract_scalar(requestparameters, '$.userName') = 'ghost-admin'")
	if len(r.Rows) == 0 || !strings.Contains(fmt.Sprint(r.Rows), "READ_PARQUET") {
		t.Errorf("EXPLAIN: %v", r.Rows)
	}
	r = mustQuery(t, e, "SHOW DATABASES")
	if len(r.Rows) != 1 || r.Rows[0][0] != "default" {
		t.Errorf("SHOW DATABASES: %v", r.Rows)
	}
}

// TestFilesTableOnDemand checks that the table of files is made when a
// statement first needs it (SHOW PARTITIONS here), not at start-up, and
// that it lists every partition of the lake.
func TestFilesTableOnDemand(t *testing.T) {
	e, _, _ := openFixture(t)
	mustQuery(t, e, "SELECT 1")
	e.mu.Lock()
	made := e.made[filesTable]
	e.mu.Unlock()
	if made {
		t.Errorf("the files table was made for SELECT 1")
	}
	r := mustQuery(t, e, "SHOW PARTITIONS cloudtrail")
	if st := e.snapshot(); len(r.Rows) != st.partitions || st.partitions == 0 {
		t.Errorf("SHOW PARTITIONS: %d rows, the lake has %d partitions", len(r.Rows), st.partitions)
	}
	if err := e.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r2 := mustQuery(t, e, "SHOW PARTITIONS cloudtrail"); !reflect.DeepEqual(r2.Rows, r.Rows) {
		t.Errorf("SHOW PARTITIONS after a refresh: %v, want %v", r2.Rows, r.Rows)
	}
}
