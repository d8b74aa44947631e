package query

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/needle"
)

func TestReadTop(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want string // the spec of the first reference; "" for none
	}{
		{"SELECT * FROM cloudtrail ORDER BY eventtime DESC LIMIT 10", "n=10 order desc"},
		{"SELECT * FROM cloudtrail c WHERE c.eventname = 'x' ORDER BY c.eventtime LIMIT 5 OFFSET 2", "n=7 order asc"},
		{"SELECT eventid, useridentity.arn AS who, t.* FROM cloudtrail_logs t WHERE year = '2019' AND day IN ('01', '02') ORDER BY \"eventtime\" DESC NULLS LAST, eventid LIMIT 3",
			"n=3 order desc"},
		{"SELECT * FROM cloudtrail WHERE year = '2019' OR eventname = 'x' LIMIT 5", "n=5"},
		{"SELECT * FROM cloudtrail WHERE eventname = ? ORDER BY eventtime DESC LIMIT 5", "n=5 order desc"},
		{"SELECT * FROM (SELECT * FROM cloudtrail WHERE eventsource = 's3' ORDER BY eventtime DESC LIMIT 100) x", "n=100 order desc"},
		{"SELECT eventid FROM cloudtrail t ORDER BY t.eventtimestamp DESC LIMIT 4", "n=4 order desc stamp"},
		{"SELECT eventid FROM cloudtrail ORDER BY from_iso8601_timestamp(eventtime) LIMIT 4", "n=4 order asc stamp iso"},
		{"SELECT eventid FROM cloudtrail ORDER BY eventtime FETCH FIRST 4 ROWS ONLY", "n=4 order asc"},
		{"SELECT eventid AS x, eventtime AS eventtime FROM cloudtrail ORDER BY eventtime LIMIT 2", "n=2 order asc"},
		{"SELECT * FROM other UNION ALL (SELECT * FROM cloudtrail LIMIT 5)", "n=5"},
		// Not served.
		{"SELECT * FROM cloudtrail ORDER BY eventtime DESC NULLS FIRST LIMIT 10", ""},
		{"SELECT * FROM cloudtrail ORDER BY eventid DESC LIMIT 10", ""},
		{"SELECT * FROM cloudtrail ORDER BY eventtime DESC", ""},
		{"SELECT * FROM cloudtrail ORDER BY lower(eventtime) DESC LIMIT 1", ""},
		{"SELECT * FROM cloudtrail x ORDER BY y.eventtime DESC LIMIT 1", ""},
		{"SELECT eventid FROM cloudtrail t ORDER BY from_iso8601_timestamp(t.eventtime) LIMIT 4", ""},
		{"SELECT count(*) FROM cloudtrail ORDER BY eventtime LIMIT 1", ""},
		{"SELECT DISTINCT eventname FROM cloudtrail LIMIT 3", ""},
		{"SELECT eventname FROM cloudtrail GROUP BY eventname LIMIT 3", ""},
		{"SELECT eventtime FROM cloudtrail GROUP BY eventtime ORDER BY eventtime LIMIT 3", ""},
		{"SELECT sourceipaddress AS eventtime FROM cloudtrail ORDER BY eventtime LIMIT 2", ""},
		{"SELECT * FROM cloudtrail ORDER BY eventtime DESC LIMIT 10000000", ""},
		{"SELECT * FROM cloudtrail ORDER BY eventtime FETCH FIRST 3 ROWS WITH TIES", ""},
		{"SELECT * FROM cloudtrail LIMIT ?", ""},
		{"SELECT * FROM other UNION SELECT * FROM cloudtrail ORDER BY eventtime LIMIT 5", ""},
		{"SELECT * FROM other UNION ALL SELECT * FROM cloudtrail LIMIT 5", ""},
	} {
		got := ""
		if refs := analyseSQL(t, tc.sql); len(refs) > 0 && refs[0].top != nil {
			s := refs[0].top
			got = fmt.Sprintf("n=%d", s.n)
			if s.order {
				dir := "asc"
				if s.desc {
					dir = "desc"
				}
				got += " order " + dir
				if s.stamp {
					got += " stamp"
				}
				if refs[0].iso {
					got += " iso"
				}
			}
		}
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.sql, got, tc.want)
		}
	}
}

// TestTopNSameAnswers runs questions for the first rows by time, and
// LIMIT alone, with and without pruning: the rows must be the same, and
// the pruned run must read fewer files where the summaries allow it.
func TestTopNSameAnswers(t *testing.T) {
	for _, layout := range layouts {
		t.Run(layout, func(t *testing.T) {
			pruned, full, total := prunedAndFull(t, layout)
			pruned.topBatch = 1
			for _, tc := range []struct {
				sql   string
				fewer any  // true: pruning must leave files out; false: it must read all; maybe: either
				count bool // compare the number of rows only (LIMIT alone: any rows)
			}{
				{"SELECT eventid, eventtime FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 3", true, false},
				{"SELECT eventid, eventtime FROM cloudtrail ORDER BY eventtime, eventid LIMIT 3", true, false},
				{"SELECT eventid, eventtime FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 2 OFFSET 2", true, false},
				// The newest GetObject events are in every file of this lake.
				{"SELECT t.eventid, t.eventtime AS at FROM cloudtrail_logs t WHERE t.eventname = 'GetObject' ORDER BY t.eventtime DESC, t.eventid LIMIT 2", maybe, false},
				{"SELECT eventid FROM cloudtrail WHERE errorcode IS NOT NULL ORDER BY eventtime ASC, eventid LIMIT 1", true, false},
				{"SELECT eventid FROM cloudtrail_111122223333 WHERE eventsource = 'ec2.amazonaws.com' ORDER BY eventtime DESC, eventid LIMIT 4", true, false},
				{"SELECT eventid FROM cloudtrail WHERE year = '2019' ORDER BY eventtime DESC, eventid LIMIT 3", true, false},
				{"SELECT eventid, eventtime FROM cloudtrail ORDER BY from_iso8601_timestamp(eventtime) DESC, eventid LIMIT 3", true, false},
				// The oldest events (2019-09-28) are not GetObject: the probes
				// may give up.
				{"SELECT eventid FROM cloudtrail_logs WHERE eventname = 'GetObject' ORDER BY from_iso8601_timestamp(eventtime), eventid LIMIT 2", maybe, false},
				{"SELECT eventid, eventtime FROM cloudtrail WHERE timestamp >= '2019/09/30' OR region_partition = 'eu-west-1' ORDER BY eventtime, eventid LIMIT 3", true, false},
				{"SELECT eventid FROM cloudtrail WHERE date_partition BETWEEN '2019/09/29' AND '2019/09/30' ORDER BY eventtime DESC, eventid LIMIT 3", true, false},
				{"SELECT eventid FROM cloudtrail WHERE eventname = 'no such event' ORDER BY eventtime DESC LIMIT 3", false, false},
				{"SELECT eventid FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 100000", false, false},
				{"SELECT eventid FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 0", false, false},
				{"SELECT record.eventID FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) AS records WHERE record.eventSource = 's3.amazonaws.com' ORDER BY record.eventTime DESC, record.eventID LIMIT 3", true, false},
				{"SELECT useridentity.arn, eventname, sourceipaddress, eventtime FROM cloudtrail_logs LIMIT 3", true, true},
				{"SELECT * FROM cloudtrail WHERE region = 'us-east-1' LIMIT 2", true, true},
				{"SELECT count(*) FROM (SELECT * FROM cloudtrail LIMIT 5)", true, false},
				{"SELECT count(*) FROM (SELECT * FROM cloudtrail WHERE eventname = 'GetObject' LIMIT 5)", false, false},
			} {
				want := mustQuery(t, full, tc.sql)
				got := mustQuery(t, pruned, tc.sql)
				if tc.count {
					if len(got.Rows) != len(want.Rows) {
						t.Errorf("%s: pruned %d rows, full %d", tc.sql, len(got.Rows), len(want.Rows))
					}
				} else if !reflect.DeepEqual(got.Rows, want.Rows) {
					t.Errorf("%s\npruned: %v\n  full: %v", tc.sql, got.Rows, want.Rows)
				}
				if tc.fewer == true && got.Stats.Files >= total {
					t.Errorf("%s: pruning read %d of %d files", tc.sql, got.Stats.Files, total)
				}
				if tc.fewer == false && got.Stats.Files < total && got.Stats.Files != 0 {
					t.Errorf("%s: pruning read %d of %d files, want all", tc.sql, got.Stats.Files, total)
				}
			}
		})
	}
}

// maybe marks a top-N case whose files the fixture does not settle.
const maybe = "maybe"

// TestTopFiles checks which files top-N pruning keeps, on summaries made
// up for the purpose: files without a summary are always kept, files
// without times are left out once n timed rows are certain.
func TestTopFiles(t *testing.T) {
	sum := func(rows, timed int64, lo, hi string) fileSummary {
		return fileSummary{s: needle.Summary{Rows: rows, Timed: timed, Ranged: true, MinTime: lo, MaxTime: hi}, has: true, ok: true}
	}
	// Parsed times, for ORDER BY eventtimestamp: garbage has none, and
	// the others are made up so that the order differs from the text's.
	stamps := map[string][3]int64{"day1": {10, -5, 3}, "day2": {10, 0, 1}, "day2b": {5, 2, 40}, "day3": {8, 30, 50}}
	files := map[string]fileSummary{
		"day1":    sum(10, 10, "2019-09-01T00:00:00Z", "2019-09-01T23:00:00Z"),
		"day2":    sum(10, 10, "2019-09-02T00:00:00Z", "2019-09-02T23:00:00Z"),
		"day2b":   sum(5, 5, "2019-09-02T12:00:00Z", "2019-09-02T13:00:00Z"),
		"day3":    sum(10, 8, "2019-09-03T00:00:00Z", "2019-09-03T23:00:00Z"),
		"garbage": sum(1, 1, "zzz", "zzz"),
		"nulls":   sum(4, 0, "", ""),
		"old":     {}, // no summary
	}
	var cands []dataFile
	sums := &summaries{m: map[string]fileSummary{}}
	for _, name := range []string{"day1", "day2", "day2b", "day3", "garbage", "nulls", "old"} {
		cands = append(cands, dataFile{path: name})
		fs := files[name]
		if st, ok := stamps[name]; ok {
			fs.s.Stamped, fs.s.MinStamp, fs.s.MaxStamp = st[0], st[1], st[2]
		}
		sums.m[name] = fs
	}
	names := func(fs []dataFile) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.path)
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	// The probe answers as if the WHERE clause kept every row whose time
	// is in the batch: its bound is the nth time of the batch's files,
	// taken as their least (greatest) bound, which is what a real probe
	// could return at worst.
	for _, tc := range []struct {
		name string
		spec topSpec
		want string
	}{
		{"newest 9, no where", topSpec{n: 9, order: true, desc: true, exact: true}, "day3 garbage old"},
		{"newest 20, no where", topSpec{n: 20, order: true, desc: true, exact: true}, "day2 day2b day3 garbage old"},
		{"oldest 10, no where", topSpec{n: 10, order: true, exact: true}, "day1 old"},
		{"oldest 11, no where", topSpec{n: 11, order: true, exact: true}, "day1 day2 day2b old"},
		{"more than all", topSpec{n: 1000, order: true, desc: true, exact: true}, "day1 day2 day2b day3 garbage nulls old"},
		{"limit alone", topSpec{n: 15, exact: true}, "day1 day2"},
		{"limit alone, where", topSpec{n: 15, where: "x = 1"}, "day1 day2 day2b day3 garbage nulls old"},
		{"parameter", topSpec{n: 1, order: true, desc: true, where: "x = ?", param: true}, "day1 day2 day2b day3 garbage nulls old"},
		{"probe", topSpec{n: 2, order: true, desc: true, where: "x = 1"}, "day2 day3 garbage old"},
		{"parsed times", topSpec{n: 3, order: true, desc: true, exact: true, stamp: true}, "day2b day3 old"},
		{"parsed times, oldest", topSpec{n: 3, order: true, exact: true, stamp: true}, "day1 day2 day2b old"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probe := func(ctx context.Context, q string) (int64, sql.NullString, error) {
				return 2, sql.NullString{String: "2019-09-02T23:00:00Z", Valid: true}, nil
			}
			got := names(topFiles(context.Background(), &tc.spec, cands, sums, probe, 1))
			if got != tc.want {
				t.Errorf("kept %s, want %s", got, tc.want)
			}
		})
	}
}

// TestCatalogSummaries checks that the events per account and region that
// the sidecar summaries give are those that a scan of the data gives (the
// catalog scans when a file has no summary).
func TestCatalogSummaries(t *testing.T) {
	dir, _ := splitFixtureLake(t)
	fromSums, err := openLake(t, dir, Options{}).Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st, err := listLake(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := regionSummaries(st); !ok {
		t.Fatal("a new lake's files have no summaries")
	}
	if err := os.Remove(needle.SidecarPath(st.files[0].path)); err != nil {
		t.Fatal(err)
	}
	fromScan, err := openLake(t, dir, Options{}).Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(fromSums.Regions) != len(fromScan.Regions) || len(fromScan.Regions) < 3 {
		t.Fatalf("summaries give %d regions, a scan %d", len(fromSums.Regions), len(fromScan.Regions))
	}
	for i, a := range fromSums.Regions {
		b := fromScan.Regions[i]
		if a.Account != b.Account || a.Region != b.Region || a.Events != b.Events || !a.First.Equal(b.First) || !a.Last.Equal(b.Last) {
			t.Errorf("summaries give %+v, a scan %+v", a, b)
		}
	}
}

func TestStampKey(t *testing.T) {
	vals := []int64{math.MinInt64, -1_000_000, -1, 0, 1, 1_569_801_600_000_000, math.MaxInt64}
	for i := 1; i < len(vals); i++ {
		if a, b := stampKey(vals[i-1]), stampKey(vals[i]); a >= b {
			t.Errorf("stampKey(%d) = %s is not below stampKey(%d) = %s", vals[i-1], a, vals[i], b)
		}
	}
}
