package query

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/trailtest/legacy"
)

func TestFindTableRefs(t *testing.T) {
	tables := map[string]string{"cloudtrail": "", "cloudtrail_logs": "", "cloudtrail_111122223333": "111122223333"}
	for _, tc := range []struct {
		sql  string
		want string // per reference: view, then its conditions; "" for none
	}{
		{"SELECT * FROM cloudtrail WHERE requestparameters LIKE '%sg-1%' AND eventtime > '2019'",
			"cloudtrail: requestparameters like [%sg-1%]"},
		{"SELECT * FROM cloudtrail c WHERE c.useridentity.accesskeyid = 'AKIA1' AND '1.2.3.4' = sourceipaddress",
			"cloudtrail(alias): useridentity.accesskeyid = [AKIA1]; sourceipaddress = [1.2.3.4]"},
		{"SELECT * FROM cloudtrail_logs AS l WHERE l.eventid IN ('a', 'b') AND year = '2019'",
			"cloudtrail_logs(alias): eventid in [a b]; year = [2019]"},
		{"SELECT * FROM cloudtrail WHERE athena_json_extract_scalar(requestparameters, '$.groupId') = 'sg-1' LIMIT 3",
			"cloudtrail: requestparameters json= [sg-1]"},
		{"SELECT * FROM cloudtrail WHERE eventid = 'a' OR eventid = 'b'", "cloudtrail: OR"},
		{"SELECT * FROM cloudtrail WHERE NOT eventid = 'a'", "cloudtrail:"},
		{"SELECT * FROM cloudtrail WHERE CASE WHEN errorcode = 'x' AND eventid = 'a' AND 1 = 1 THEN true ELSE true END", "cloudtrail: OR"},
		{"SELECT * FROM cloudtrail WHERE eventid = 'a' IS NOT TRUE AND (sourceipaddress = 'b')", "cloudtrail:"},
		{"SELECT * FROM cloudtrail WHERE eventtime BETWEEN 'a' AND 'b' AND eventid = 'x'", "cloudtrail: eventid = [x]"},
		{"SELECT * FROM cloudtrail WHERE lower(eventid) = 'x' AND eventid LIKE 'x' ESCAPE '!'", "cloudtrail:"},
		{"SELECT * FROM cloudtrail_111122223333", "cloudtrail_111122223333:"},
		{"SELECT * FROM cloudtrail JOIN cloudtrail_logs USING (eventid) WHERE eventid = 'x'", ""},
		{"WITH cloudtrail AS (SELECT 1) SELECT * FROM cloudtrail WHERE eventid = 'x'", ""},
		{"SELECT * FROM (SELECT * FROM cloudtrail WHERE eventid = 'x') t WHERE sourceipaddress = 'y'", "cloudtrail: eventid = [x]"},
		{"SELECT * FROM cloudtrail WHERE eventid = 'x' UNION ALL SELECT * FROM cloudtrail_logs WHERE (eventid = 'y')",
			"cloudtrail: eventid = [x] | cloudtrail_logs:"},
		{"SELECT * FROM cloudtrail WHERE eventid = ? AND sourceipaddress = 'y'", "cloudtrail: sourceipaddress = [y]"},
		{"SELECT * FROM other WHERE eventid = 'x'", ""},
	} {
		toks, err := lex(tc.sql)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range findTableRefs(toks, tables) {
			s := r.view
			if r.alias {
				s += "(alias)"
			}
			s += ":"
			if r.orTop {
				s += " OR"
			}
			var cs []string
			for _, c := range r.conds {
				cs = append(cs, fmt.Sprintf("%s %s %v", c.column, c.op, c.values))
			}
			if len(cs) > 0 {
				s += " " + strings.Join(cs, "; ")
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

// FuzzFindTableRefs checks that any query text is analysed without
// panics, and that whatever it finds names a lake table.
func FuzzFindTableRefs(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM cloudtrail WHERE requestparameters LIKE '%sg-1%' AND year = '2019'",
		"SELECT * FROM cloudtrail_logs l WHERE l.eventid IN ('a', 'b') AND athena_json_extract_scalar(requestparameters, '$.x') = 'y'",
		"SELECT * FROM cloudtrail WHERE CASE WHEN a AND b THEN c END AND x BETWEEN 1 AND 2",
		"SELECT * FROM (SELECT * FROM cloudtrail WHERE (eventid = 'x')) WHERE",
	} {
		f.Add(s)
	}
	tables := map[string]string{"cloudtrail": "", "cloudtrail_logs": ""}
	f.Fuzz(func(t *testing.T, sql string) {
		toks, err := lex(sql)
		if err != nil {
			return
		}
		for _, r := range findTableRefs(toks, tables) {
			if _, ok := tables[r.view]; !ok || r.name < 0 || r.name >= len(toks) {
				t.Fatalf("reference %+v is not a lake table of %q", r, sql)
			}
		}
	})
}
