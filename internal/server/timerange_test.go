package server

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
