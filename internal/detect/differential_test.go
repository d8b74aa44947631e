package detect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/sigma"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// buildLake ingests the log files under src into a new lake.
func buildLake(t testing.TB, src string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "lake")
	buildLakeAt(t, src, dir)
	return dir
}

// buildLakeAt ingests the log files under src into the lake at dir.
func buildLakeAt(t testing.TB, src, dir string) {
	t.Helper()
	ctx := context.Background()
	lk, err := lake.Open(ctx, dir, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	s, err := source.NewLocal(src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{s}, Now: fixedNow})
	lk.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// storedRecord is one record of a lake as the oracle sees it: the
// source record (rebuilt byte for byte from the lake's columns, which the
// lake's round-trip tests prove equal to the source), decoded.
type storedRecord struct {
	rec   map[string]any
	group string // the finding group of a plain rule: event id, or fp:<fp>
}

// lakeRecords reads every record of the lake.
func lakeRecords(t testing.TB, dir string) []storedRecord {
	t.Helper()
	files, err := lake.ListFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []storedRecord
	for _, f := range files {
		evs, err := lake.ReadEvents(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			dec := json.NewDecoder(bytes.NewReader(cloudtrail.Rebuild(e)))
			dec.UseNumber()
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				t.Fatalf("%s: cannot decode a rebuilt record: %v", f.Path, err)
			}
			g := ""
			if e.EventID != nil {
				g = *e.EventID
			}
			if g == "" {
				g = fmt.Sprintf("fp:%d", e.FP)
			}
			out = append(out, storedRecord{rec: m, group: g})
		}
	}
	return out
}

// loadRules reads SigmaHQ's CloudTrail rules (the placeholder rule left
// out).
func loadRules(t testing.TB) []*sigma.Rule {
	t.Helper()
	dir := trailtest.SigmaDir(t)
	rules, err := sigma.Load(filepath.Join(dir, "rules"), filepath.Join(dir, "unsupported"))
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// oracleKeys computes, in Go, the keys of the findings of each rule.
func oracleKeys(t testing.TB, rules []*detect.Rule, all []*sigma.Rule, recs []storedRecord) map[string]map[string]int64 {
	t.Helper()
	base := sigma.Index(all)
	maps := make([]map[string]any, len(recs))
	for i, r := range recs {
		maps[i] = r.rec
	}
	out := map[string]map[string]int64{}
	for _, r := range rules {
		keys := map[string]int64{}
		out[r.ID()] = keys
		if r.Quiet() {
			continue // only its correlations report it
		}
		if !r.IsCorrelation() {
			for _, rec := range recs {
				ok, err := sigma.Match(r.Sigma, rec.rec)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					keys[detect.FindingKey(r.ID(), rec.group, "")] = 1
				}
			}
			continue
		}
		groups, err := sigma.Correlate(r.Sigma, base, maps)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			keys[detect.FindingKey(r.ID(), detect.GroupText(groupNames(r.Sigma), g.Key), windowText(g.Start))] = int64(len(g.Records))
		}
	}
	return out
}

func groupNames(r *sigma.Rule) []string {
	if r.Correlation != nil {
		return r.Correlation.GroupBy
	}
	return r.Detection.Aggregation.GroupBy
}

func windowText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// compare runs the rules over the lake and checks the findings against
// the oracle's, rule by rule.
func compare(t *testing.T, dir string, rules []*detect.Rule, all []*sigma.Rule) map[string]map[string]int64 {
	t.Helper()
	ctx := context.Background()
	eng, err := query.Open(ctx, dir, query.Options{Now: fixedNow, MaxRows: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	fs, err := detect.Run(ctx, eng, rules, detect.Range{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]int64{}
	for _, f := range fs {
		if got[f.RuleID] == nil {
			got[f.RuleID] = map[string]int64{}
		}
		got[f.RuleID][f.Key] = f.Events
	}
	want := oracleKeys(t, rules, all, lakeRecords(t, dir))
	fired := 0
	for _, r := range rules {
		g, w := got[r.ID()], want[r.ID()]
		if len(w) > 0 {
			fired++
		}
		var missing, extra, counts []string
		for k, n := range w {
			if m, ok := g[k]; !ok {
				missing = append(missing, k)
			} else if m != n {
				counts = append(counts, fmt.Sprintf("%s: %d events, want %d", k, m, n))
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		missing, extra = missing[:min(len(missing), 10)], extra[:min(len(extra), 10)]
		if len(missing)+len(extra)+len(counts) > 0 {
			t.Errorf("rule %s (%s): SQL and Go disagree: %d missing, %d extra, counts %v\nmissing %v\nextra %v\nSQL:\n%s",
				r.ID(), r.Sigma.File, len(missing), len(extra), counts, missing, extra, ruleSQL(r))
		}
	}
	t.Logf("%d rules, %d fire, %d findings", len(rules), fired, len(fs))
	if fired == 0 {
		t.Error("no rule fires: the comparison proves nothing")
	}
	return want
}

func ruleSQL(r *detect.Rule) string {
	if r.IsCorrelation() {
		return detect.CorrelationSQL(r, detect.Range{})
	}
	return detect.PlainSQL([]*detect.Rule{r}, detect.Range{})
}

// TestSigmaHQDifferential runs every SigmaHQ rule that compiles over the
// corpus, in SQL, and checks that it finds exactly what sigma's Go
// evaluator finds over the same records.
func TestSigmaHQDifferential(t *testing.T) {
	all := loadRules(t)
	extra, err := sigma.Load(filepath.Join("testdata", "rules"))
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := pack.Rules()
	if err != nil {
		t.Fatal(err)
	}
	all = append(append(all, extra...), builtin...)
	rules, _ := detect.Compile(all)
	if len(rules) < 50 {
		t.Fatalf("only %d SigmaHQ rules compile", len(rules))
	}
	dir := buildLake(t, trailtest.CorpusDir(t))
	compare(t, dir, rules, all)
}

// TestGeneratedDifferential does the same over a generated set, with the
// SigmaHQ rules and correlations of every type.
func TestGeneratedDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and ingests events")
	}
	src := t.TempDir()
	if _, err := gen.Generate(context.Background(), gen.Options{Dir: src, Events: 20000, Accounts: 2, Regions: 2, Days: 2, Seed: 3}, nil); err != nil {
		t.Fatal(err)
	}
	all := loadRules(t)
	extra, err := sigma.Load(filepath.Join("testdata", "rules"))
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := pack.Rules()
	if err != nil {
		t.Fatal(err)
	}
	all = append(append(all, extra...), builtin...)
	rules, _ := detect.Compile(all)
	dir := buildLake(t, src)
	want := compare(t, dir, rules, all)
	checkRanges(t, dir, rules)
	// Every correlation type is exercised: each test correlation fires.
	for _, r := range rules {
		if r.IsCorrelation() && strings.Contains(r.Sigma.File, "testdata") && len(want[r.ID()]) == 0 {
			t.Errorf("correlation %s (%s) does not fire on the generated set", r.ID(), r.Sigma.Title)
		}
	}
}

// checkRanges runs the rules over time, account and region ranges, where
// the engine prunes partitions and files, and checks that each finds
// what the run over everything finds in that range: every plain finding
// whose event is in the range, and every correlation finding whose
// window lies inside it.
func checkRanges(t *testing.T, dir string, rules []*detect.Rule) {
	t.Helper()
	ctx := context.Background()
	eng, err := query.Open(ctx, dir, query.Options{Now: fixedNow, MaxRows: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	everything, err := detect.Run(ctx, eng, rules, detect.Range{})
	if err != nil {
		t.Fatal(err)
	}
	if len(everything) == 0 {
		t.Fatal("no findings")
	}
	first, last := everything[0].First, everything[len(everything)-1].First
	mid := first.Add(last.Sub(first) / 2).Truncate(time.Hour)
	acct := everything[len(everything)/2].Account
	region := everything[len(everything)/3].Region
	for _, r := range []detect.Range{
		{Since: mid, Until: mid.Add(7 * time.Hour)},
		{Since: mid.Add(-90 * time.Minute)},
		{Until: mid.Add(17 * time.Minute)},
		{Accounts: []string{acct}},
		{Regions: []string{region}, Since: mid},
		{Accounts: []string{acct, "000000000000"}, Regions: []string{region}, Until: mid},
	} {
		got, err := detect.Run(ctx, eng, rules, r)
		if err != nil {
			t.Fatal(err)
		}
		gotKeys := map[string]bool{}
		for _, f := range got {
			gotKeys[f.Key] = true
		}
		byKey := map[string]detect.Finding{}
		for _, f := range everything {
			byKey[f.Key] = f
		}
		n := 0
		for _, f := range everything {
			if !inRange(f, r, rules) {
				continue
			}
			n++
			if !gotKeys[f.Key] {
				t.Errorf("range %+v: finding %s of rule %s (%s, %s %s) is missing", r, f.Key, f.RuleID, f.First, f.Account, f.Region)
			}
		}
		for _, f := range got {
			w, ok := byKey[f.Key]
			if !ok && !isCorrelation(f.RuleID, rules) {
				t.Errorf("range %+v: finding %s of rule %s is not among all findings", r, f.Key, f.RuleID)
			}
			if ok && !isCorrelation(f.RuleID, rules) && (!w.First.Equal(f.First) || w.Account != f.Account) {
				t.Errorf("range %+v: finding %s differs", r, f.Key)
			}
		}
		if n == 0 {
			t.Errorf("range %+v holds no finding: it tests nothing", r)
		}
	}
}

func isCorrelation(id string, rules []*detect.Rule) bool {
	for _, r := range rules {
		if r.ID() == id {
			return r.IsCorrelation()
		}
	}
	return false
}

// inRange reports whether the run over r must find f: a plain finding
// whose event is in r; a correlation finding whose events are all in r's
// time range and whose window starts at or after r.Since (without account
// or region bounds, which a correlation's group may straddle).
func inRange(f detect.Finding, r detect.Range, rules []*detect.Rule) bool {
	if isCorrelation(f.RuleID, rules) {
		if len(r.Accounts) > 0 || len(r.Regions) > 0 {
			return false
		}
		return (r.Since.IsZero() || !f.First.Before(r.Since)) && (r.Until.IsZero() || f.Last.Before(r.Until.Add(-24*time.Hour)))
	}
	if !r.Since.IsZero() && f.First.Before(r.Since) || !r.Until.IsZero() && !f.First.Before(r.Until) {
		return false
	}
	if len(r.Accounts) > 0 && !slices.Contains(r.Accounts, f.Account) || len(r.Regions) > 0 && !slices.Contains(r.Regions, f.Region) {
		return false
	}
	return true
}
