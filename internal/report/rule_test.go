package report_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/report"
	"github.com/trailsql/trailsql/internal/sigma"
)

// TestReportRules checks that a report sharing its selection with
// detection rules (`-- rule:`) lists the events those rules find: over the
// test lake, the event times of its rows are the times of the rules'
// findings (detect.Run), and there are some.
func TestReportRules(t *testing.T) {
	all, err := pack.Rules()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*sigma.Rule{}
	for _, r := range all {
		byName[r.Name] = r
	}
	linked := 0
	for _, r := range loadLib(t).Reports() {
		if len(r.Rules) == 0 {
			continue
		}
		linked++
		t.Run(r.Name, func(t *testing.T) {
			var rules []*sigma.Rule
			for _, n := range r.Rules {
				rules = append(rules, byName[n])
			}
			compiled, err := detect.Compile(rules)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := detect.Run(context.Background(), testLake.eng, compiled, detect.Range{})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, f := range fs {
				want = append(want, f.First.UTC().Format(time.RFC3339))
			}
			var got []string
			for _, row := range runReport(t, r.Name, nil, report.Inputs{}) {
				got = append(got, row["eventtime"])
			}
			slices.Sort(want)
			slices.Sort(got)
			want, got = slices.Compact(want), slices.Compact(got)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("report rows at %v, rule findings at %v", got, want)
			}
		})
	}
	if linked < 7 {
		t.Errorf("%d reports share their selection with rules, want 7", linked)
	}
}

func TestReportRuleHeader(t *testing.T) {
	const head = "-- title: T\n-- question: Q?\n"
	lib, err := report.LoadFS(fstest.MapFS{
		"keys.sql": {Data: []byte(head + "-- rule: kms-key-disabled, kms-key-deletion-scheduled\n" +
			"WITH k AS (SELECT eventid FROM cloudtrail WHERE :account = '') SELECT * FROM k ORDER BY 1")},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := lib.Lookup("keys")
	if !slices.Equal(r.Rules, []string{"kms-key-disabled", "kms-key-deletion-scheduled"}) {
		t.Errorf("rules %q", r.Rules)
	}
	sql, args, _, err := r.Bind(report.Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	low := strings.ToLower(sql)
	if len(args) != 1 || !strings.Contains(low, "'disablekey'") || !strings.Contains(low, "'schedulekeydeletion'") ||
		!strings.Contains(sql, "WHERE ? = ''") {
		t.Errorf("bound SQL %s (args %v)", sql, args)
	}

	for _, c := range []struct{ sql, want string }{
		{head + "-- rule: no-such-rule\nSELECT eventid FROM cloudtrail", `rule "no-such-rule" is not a plain rule of the built-in pack`},
		{head + "-- rule: console-login-brute-force\nSELECT eventid FROM cloudtrail", `rule "console-login-brute-force" is not a plain rule`},
		{head + "-- rule: kms-key-disabled\nSELECT 1", "no SELECT reads the cloudtrail table"},
	} {
		_, err := report.LoadFS(fstest.MapFS{"r.sql": {Data: []byte(c.sql)}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.sql, err, c.want)
		}
	}
}
