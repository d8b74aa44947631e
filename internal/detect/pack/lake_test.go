package pack

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// ingestSet ingests the log files of set into a new lake and opens an
// engine on it.
func ingestSet(t testing.TB, set *genSet) *query.Engine {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lake")
	lk, err := lake.Open(ctx, dir, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	src, err := source.NewLocal(set.dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{src}, Now: fixedNow})
	lk.Close()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := query.Open(ctx, dir, query.Options{Now: fixedNow, MaxRows: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// TestPlantedLake checks the same through the lake: the pack compiled to
// SQL by package detect and run over the generated set finds, per rule,
// exactly the events the Go evaluator finds, which are the events
// wantFires gives.
func TestPlantedLake(t *testing.T) {
	rules := loadPack(t)
	compiled, err := detect.Compile(rules)
	if err != nil {
		t.Fatalf("the pack does not compile: %v", err)
	}
	if len(compiled) != len(rules) {
		t.Fatalf("%d of %d rules compiled", len(compiled), len(rules))
	}
	set := generate(t, 5000)
	eng := ingestSet(t, set)
	fs, err := detect.Run(context.Background(), eng, compiled, detect.Range{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, r := range rules {
		names[r.ID] = r.Name
	}
	byRule := map[string][]string{}
	for _, f := range fs {
		if int64(len(f.EventIDs)) != f.Events {
			t.Errorf("%s: %d events, %d ids", names[f.RuleID], f.Events, len(f.EventIDs))
		}
		byRule[names[f.RuleID]] = append(byRule[names[f.RuleID]], f.EventIDs...)
	}
	want := fired(t, rules, set.records)
	for _, name := range slices.Sorted(mapKeys(want)) {
		ids := byRule[name]
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if g := set.eventIDs(want[name]); !slices.Equal(ids, g) {
			t.Errorf("%s: the lake finds %d events, the Go evaluator %d", name, len(ids), len(g))
		}
		checkFired(t, set, name, ids)
	}
	for name := range byRule {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: findings from a rule that does not run on its own", name)
		}
	}
}
