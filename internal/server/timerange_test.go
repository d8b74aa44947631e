package server

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/sqltree"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestWithTimeRangeGolden keeps the rewritten text of queries with a time
// range in testdata/timerange.golden (go test -update rewrites it): which
// tables are restricted, with which partition and eventtime bounds.
func TestWithTimeRangeGolden(t *testing.T) {
	tr := timeRange{From: time.Date(2019, 9, 28, 17, 30, 0, 0, time.UTC), To: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)}
	queries := []string{
		"SELECT count(*) FROM cloudtrail",
		"SELECT c.eventname FROM awsdatacatalog.default.cloudtrail AS c WHERE c.errorcode IS NOT NULL",
		"SELECT * FROM cloudtrail_123456789012 TABLESAMPLE BERNOULLI (10)",
		"WITH cloudtrail AS (SELECT * FROM cloudtrail WHERE readonly = 'false') SELECT count(*) FROM cloudtrail",
		"WITH a AS (SELECT eventid FROM cloudtrail_logs) SELECT * FROM a JOIN cloudtrail b ON a.eventid = b.eventid",
		"SELECT (SELECT count(*) FROM cloudtrail) AS n, EXISTS (SELECT 1 FROM cloudtrail WHERE eventname = 'x')",
		"SELECT eventname FROM cloudtrail UNION ALL SELECT eventname FROM cloudtrail_logs ORDER BY 1",
		"EXPLAIN SELECT count(*) FROM cloudtrail",
		"SELECT x.eventname FROM (cloudtrail) AS x, (cloudtrail_logs l)",
		"SELECT max(eventtimestamp), count(DISTINCT c._object) FROM cloudtrail c",
		"SELECT 1",
		"SELECT * FROM other_table",
	}
	var b strings.Builder
	for _, q := range queries {
		out, err := withTimeRange(q, tr)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		b.WriteString("-- " + q + "\n" + out + "\n\n")
	}
	onlyFrom, err := withTimeRange("SELECT count(*) FROM cloudtrail", timeRange{From: tr.From})
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("-- from only\n" + onlyFrom + "\n")
	golden := filepath.Join("testdata", "timerange.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("rewritten queries differ from %s (go test -update):\n%s", golden, b.String())
	}
}

// TestWithTimeRangeEmpty checks that no range leaves the text alone.
func TestWithTimeRangeEmpty(t *testing.T) {
	q := "SELECT  count(*)\nFROM cloudtrail -- as written"
	if out, err := withTimeRange(q, timeRange{}); err != nil || out != q {
		t.Errorf("%q, %v", out, err)
	}
}

// FuzzWithTimeRange feeds any text to the time-range rewrite: it never
// panics, and the text of a statement that parses comes out parsing.
func FuzzWithTimeRange(f *testing.F) {
	for _, q := range []string{
		"SELECT count(*) FROM cloudtrail",
		"WITH cloudtrail AS (SELECT * FROM cloudtrail) SELECT * FROM cloudtrail c JOIN cloudtrail_logs l ON c.eventid = l.eventid",
		"SELECT (SELECT 1 FROM cloudtrail_111122223333 TABLESAMPLE SYSTEM (1)) FROM (cloudtrail) AS x",
		"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r, cloudtrail",
		"EXPLAIN SELECT * FROM cloudtrail ORDER BY (SELECT max(eventtime) FROM cloudtrail) LIMIT 1",
		"SELECT * FROM logs CROSS JOIN UNNEST(records) AS t(r)",
		"SHOW TABLES",
		"SELECT 'unterminated",
	} {
		f.Add(q)
	}
	tr := timeRange{From: time.Date(2024, 1, 31, 23, 0, 0, 0, time.UTC), To: time.Date(2024, 2, 1, 1, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, q string) {
		out, err := withTimeRange(q, tr)
		if err != nil {
			return
		}
		if _, perr := sqltree.Parse(q); perr != nil {
			if out != q {
				t.Fatalf("text that does not parse was rewritten:\n%s\n%s", q, out)
			}
			return
		}
		if _, perr := sqltree.Parse(out); perr != nil {
			t.Fatalf("%s\nbecame\n%s\nwhich does not parse: %v", q, out, perr)
		}
	})
}
