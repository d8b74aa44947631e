package query

import (
	"reflect"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/sqltree"
	"github.com/trailsql/trailsql/internal/trailtest/legacy"
)

// analyseSQL returns the lake tables of sql as pruning sees them.
func analyseSQL(t testing.TB, sql string) []*lakeRef {
	t.Helper()
	p, err := parseSQL(sql)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := sqltree.Parse(p.text)
	if err != nil {
		t.Fatal(err)
	}
	a := analysis{}
	a.statement(stmt)
	return a.refs
}

func TestPruneAnalysis(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want string // per reference: view, then its pred; "-" for a table pruning leaves alone
	}{
		{"SELECT * FROM cloudtrail WHERE requestparameters LIKE '%sg-1%' AND eventtime > '2019'",
			"cloudtrail: and(requestparameters like [%sg-1%], eventtime > [2019])"},
		{"SELECT * FROM cloudtrail c WHERE c.useridentity.accesskeyid = 'AKIA1' AND '1.2.3.4' = sourceipaddress",
			"cloudtrail(c): and(useridentity.accesskeyid = [AKIA1], sourceipaddress = [1.2.3.4])"},
		{"SELECT * FROM cloudtrail_logs AS l WHERE l.eventid IN ('a', 'b') AND year = '2019'",
			"cloudtrail_logs(l): and(eventid in [a b], year = [2019])"},
		{"SELECT * FROM cloudtrail WHERE json_extract_scalar(requestparameters, '$.groupId') = 'sg-1' LIMIT 3",
			"cloudtrail: requestparameters json= [sg-1]"},
		{"SELECT * FROM cloudtrail WHERE eventid = 'a' OR eventid = 'b'", "cloudtrail: or(eventid = [a], eventid = [b])"},
		{"SELECT * FROM cloudtrail WHERE NOT eventid = 'a'", "cloudtrail: not(eventid = [a])"},
		{"SELECT * FROM cloudtrail WHERE NOT (account = 'a' OR lower(eventid) = 'x')", "cloudtrail: not(or(account = [a], *))"},
		{"SELECT * FROM cloudtrail WHERE CASE WHEN errorcode = 'x' AND eventid = 'a' THEN true ELSE true END", "cloudtrail: *"},
		{"SELECT * FROM cloudtrail WHERE (eventid = 'a') IS NOT NULL AND (sourceipaddress = 'b')", "cloudtrail: and(*, sourceipaddress = [b])"},
		{"SELECT * FROM cloudtrail WHERE eventtime BETWEEN 'a' AND 'b' AND eventid = 'x'", "cloudtrail: and(and(eventtime >= [a], eventtime <= [b]), eventid = [x])"},
		{"SELECT * FROM cloudtrail WHERE '2019-10' <= eventtime OR eventtime = 'x' OR from_iso8601_timestamp(eventtime) > from_iso8601_timestamp('2019')", "cloudtrail: or(or(eventtime >= [2019-10], eventtime = [x]), *)"},
		{"SELECT * FROM cloudtrail WHERE lower(eventid) = 'x' AND eventid LIKE 'x' ESCAPE '!'", "cloudtrail: and(*, *)"},
		{"SELECT * FROM cloudtrail WHERE eventid NOT IN ('a') AND requestparameters NOT LIKE '%sg-1%'", "cloudtrail: and(not(eventid in [a]), not(requestparameters like [%sg-1%]))"},
		{"SELECT * FROM cloudtrail WHERE timestamp BETWEEN '2019/09/01' AND '2019/09/30' AND date_partition >= '2019/09/02' AND account_partition = 'a' AND region_partition IN ('r')",
			"cloudtrail: and(and(and(and(timestamp >= [2019/09/01], timestamp <= [2019/09/30]), date_partition >= [2019/09/02]), account_partition = [a]), region_partition in [r])"},
		{"SELECT * FROM cloudtrail WHERE '2019/09/01' < timestamp AND year > '2018'", "cloudtrail: and(timestamp > [2019/09/01], year > [2018])"},
		{"SELECT * FROM cloudtrail_111122223333", "cloudtrail_111122223333: none"},
		{"SELECT * FROM cloudtrail JOIN cloudtrail_logs USING (eventid) WHERE eventid = 'x'", "cloudtrail - | cloudtrail_logs -"},
		{"WITH cloudtrail AS (SELECT 1) SELECT * FROM cloudtrail WHERE eventid = 'x'", "cloudtrail -"},
		{"WITH x AS (SELECT * FROM cloudtrail WHERE eventid = 'y') SELECT * FROM x WHERE eventid = 'x'", "cloudtrail: eventid = [y]"},
		{"SELECT * FROM (SELECT * FROM cloudtrail WHERE eventid = 'x') t WHERE sourceipaddress = 'y'", "cloudtrail: eventid = [x]"},
		{"SELECT * FROM cloudtrail WHERE eventid = 'x' UNION ALL SELECT * FROM cloudtrail_logs WHERE (eventid = 'y' OR eventid IN (SELECT eventid FROM cloudtrail c))",
			"cloudtrail: eventid = [x] | cloudtrail_logs: or(eventid = [y], *) | cloudtrail(c): none"},
		{"SELECT * FROM cloudtrail WHERE eventid = ? AND sourceipaddress = 'y'", "cloudtrail: and(*, sourceipaddress = [y]) param"},
		{"SELECT * FROM cloudtrail AS t (a, b) WHERE a = 'x'", "cloudtrail(t) -"},
		{"SELECT * FROM cloudtrail TABLESAMPLE BERNOULLI (10) WHERE eventid = 'x'", "cloudtrail -"},
		{"SELECT * FROM other WHERE eventid = 'x'", ""},
	} {
		var got []string
		for _, r := range analyseSQL(t, tc.sql) {
			s := r.view
			if r.alias != "" {
				s += "(" + r.alias + ")"
			}
			switch {
			case !r.use:
				s += " -"
			case r.where == nil:
				s += ": none"
			default:
				s += ": " + r.where.String()
			}
			if r.param {
				s += " param"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " | "); g != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.sql, g, tc.want)
		}
	}
}

// TestPruneSameAnswers runs questions that pruning answers from the
// partition folders and the token index, with and without it: the rows
// must be the same, and the pruned run must read fewer files.
func TestPruneSameAnswers(t *testing.T) {
	for _, layout := range layouts {
		t.Run(layout, func(t *testing.T) {
			pruned, full, total := prunedAndFull(t, layout)
			for _, tc := range []struct {
				sql   string
				fewer bool // pruning must leave files out
			}{
				{"SELECT eventid FROM cloudtrail WHERE requestparameters LIKE '%" + sgOpen + "%' ORDER BY 1", true},
				{"SELECT eventid FROM cloudtrail_logs WHERE requestparameters like '%" + sgOpen + "%' and requestparameters like '%:23%' ORDER BY 1", true},
				{"SELECT eventid FROM cloudtrail WHERE json_extract_scalar(requestparameters, '$.groupId') = '" + sgOpen + "' ORDER BY 1", true},
				{"SELECT eventid FROM cloudtrail WHERE sourceipaddress = '1.2.3.4' ORDER BY 1", true},
				{"SELECT eventid FROM cloudtrail t WHERE t.sourceipaddress IN ('1.2.3.4', '203.0.113.99') ORDER BY 1", true},
				{"SELECT count(*) FROM cloudtrail_logs WHERE requestparameters LIKE '%" + bucketPub + "%'", true},
				{"SELECT count(*) FROM cloudtrail WHERE eventid = 'no-such-event-id-at-all'", true},
				{"SELECT count(*) FROM cloudtrail WHERE requestparameters LIKE '%sg-ffffffffffffffff0%'", true},
				{"SELECT useridentity.arn, count(*) FROM cloudtrail_111122223333 WHERE useridentity.arn LIKE '%user/mallory%' GROUP BY 1 ORDER BY 1", true},
				{"SELECT count(*) FROM cloudtrail WHERE account = '444455556666' AND day IN ('29', '30')", true},
				// eventtime compared with a string: the files' time ranges.
				{"SELECT eventid FROM cloudtrail WHERE eventtime >= '2019-10-01' ORDER BY 1", true},
				{"SELECT eventid FROM cloudtrail WHERE eventtime < '2019-09-30T10:20:00Z' ORDER BY 1", true},
				{"SELECT count(*) FROM cloudtrail WHERE eventtime = '2019-10-01T01:00:00Z' OR eventtime BETWEEN '2019-09-30T10:20:00Z' AND '2019-09-30T11:00:00Z'", false},
				{"SELECT count(*) FROM cloudtrail WHERE NOT (eventtime BETWEEN '2019-09-01' AND '2019-09-30T23:59:59Z')", false},
				{"SELECT count(*) FROM cloudtrail WHERE eventtime <> '2019-10-01T01:00:00Z' AND eventtime > '2019-09-30T11'", false},
				{"SELECT count(*) FROM cloudtrail WHERE sourceipaddress = '1.2.3.4' OR eventname = 'GetObject'", false},
				{"SELECT count(*) FROM cloudtrail WHERE requestparameters LIKE '%ANONYMOUS%'", false},
				{"SELECT count(*) FROM cloudtrail WHERE CASE WHEN eventname = 'x' AND sourceipaddress = '1.2.3.4' AND 1 = 1 THEN false ELSE true END", false},
				{"SELECT count(*) FROM cloudtrail WHERE (eventid = 'no-such-event-id-at-all') IS DISTINCT FROM true", false},
				{"SELECT a.eventid FROM cloudtrail a WHERE a.eventid IN (SELECT eventid FROM cloudtrail_logs WHERE sourceipaddress = '1.2.3.4') ORDER BY 1", false},
				{"SELECT count(*) FROM (SELECT * FROM cloudtrail WHERE sourceipaddress = '1.2.3.4') x, cloudtrail_logs y WHERE x.eventid = y.eventid", false},
			} {
				want := mustQuery(t, full, tc.sql)
				got := mustQuery(t, pruned, tc.sql)
				if !reflect.DeepEqual(got.Rows, want.Rows) {
					t.Errorf("%s\npruned: %v\n  full: %v", tc.sql, got.Rows, want.Rows)
				}
				if tc.fewer && got.Stats.Files >= total {
					t.Errorf("%s: pruning read %d of %d files", tc.sql, got.Stats.Files, total)
				}
				if got.Stats.FilesTotal < total && got.Stats.FilesTotal != 0 {
					t.Errorf("%s: stats say the lake has %d files, want %d", tc.sql, got.Stats.FilesTotal, total)
				}
			}
		})
	}
}

// layouts are the lakes that differential tests run on: buckets (the
// current layout), the older layout of one folder per account, region and
// day, and a lake half converted from one to the other.
var layouts = []string{"buckets", "older layout", "half converted"}

// prunedAndFull opens one lake of several files per partition twice: with
// pruning, and without (every query reads every file). total is the
// number of its files.
func prunedAndFull(t *testing.T, layout string) (pruned, full *Engine, total int) {
	t.Helper()
	dir, _ := splitFixtureLake(t)
	switch layout {
	case "older layout":
		legacy.Rewrite(t, dir)
	case "half converted":
		legacy.Rewrite(t, dir, acctDev)
	}
	pruned = openLake(t, dir, Options{})
	full = openLake(t, dir, Options{})
	full.noPrune = true
	return pruned, full, len(pruned.snapshot().files)
}
