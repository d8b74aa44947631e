package detect_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
)

func sampleFindings() []detect.Finding {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	return []detect.Finding{
		{RuleID: "r1", Title: "One", Level: "high", Tactics: []string{"defense-evasion"}, Techniques: []string{"T1562.008"},
			First: t0, Last: t0, Account: "111122223333", Region: "us-east-1", Principal: "arn:aws:iam::111122223333:user/a",
			SourceIP: "203.0.113.5", EventIDs: []string{"e1"}, Events: 1, Key: detect.FindingKey("r1", "e1", "")},
		{RuleID: "r2", Title: "Two", Level: "medium", First: t0, Last: t0.Add(time.Minute), Account: "111122223333",
			Region: "eu-west-1", EventIDs: []string{"e2", "e3"}, Events: 2, Group: "sourceIPAddress=1.2.3.4",
			Key: detect.FindingKey("r2", "sourceIPAddress=1.2.3.4", "2024-03-01T10:00:00Z")},
	}
}

func TestStoreAddTwice(t *testing.T) {
	ctx := context.Background()
	s := detect.OpenStore(t.TempDir(), fixedNow)
	fs := sampleFindings()
	added, err := s.Add(ctx, fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 || !added[0].Detected.Equal(fixedNow()) {
		t.Fatalf("first Add added %d findings (detected %v), want 2", len(added), added)
	}
	again, err := s.Add(ctx, append(fs, fs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second Add added %d findings, want 0", len(again))
	}
	files, _ := s.Files()
	if len(files) != 1 {
		t.Errorf("%d findings files, want 1 (an Add that adds nothing writes nothing)", len(files))
	}
	list, err := s.List(ctx, detect.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Key != fs[0].Key || list[1].Group != fs[1].Group || !slices.Equal(list[1].EventIDs, fs[1].EventIDs) {
		t.Errorf("List = %+v", list)
	}
	only, _ := s.List(ctx, detect.Filter{Region: "eu-west-1"})
	if len(only) != 1 || only[0].RuleID != "r2" {
		t.Errorf("List(region) = %+v", only)
	}
}

// TestStoreCrash: a crash while writing leaves a partial temporary file;
// readers ignore it, and the next Add removes it and stores everything.
func TestStoreCrash(t *testing.T) {
	ctx := context.Background()
	lakeDir := t.TempDir()
	s := detect.OpenStore(lakeDir, fixedNow)
	fs := sampleFindings()
	if _, err := s.Add(ctx, fs[:1]); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(s.Dir(), ".tmp-findings-x.jsonl-123")
	if err := os.WriteFile(partial, []byte(`{"rule_id":"r2","key":"`), 0o644); err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx, detect.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("List with a partial file = %d findings, %v; want 1", len(list), err)
	}
	added, err := s.Add(ctx, fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0].RuleID != "r2" {
		t.Fatalf("Add after the crash added %+v, want r2 only", added)
	}
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Errorf("the partial file is still there: %v", err)
	}
	list, _ = s.List(ctx, detect.Filter{})
	if len(list) != 2 {
		t.Errorf("%d findings stored, want 2", len(list))
	}
}

// TestFindingsTable reads the stored findings through the query engine.
func TestFindingsTable(t *testing.T) {
	ctx := context.Background()
	lakeDir := filepath.Join(t.TempDir(), "lake")
	lk, err := lake.Open(ctx, lakeDir, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	lk.Close()
	eng, err := query.Open(ctx, lakeDir, query.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Query(ctx, "SELECT count(*) FROM findings")
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[0][0] != int64(0) {
		t.Errorf("findings before any = %v", res.Rows[0][0])
	}
	if _, err := detect.OpenStore(lakeDir, fixedNow).Add(ctx, sampleFindings()); err != nil {
		t.Fatal(err)
	}
	// The same engine sees the new findings.
	res, err = eng.Query(ctx, "SELECT rule_id, cardinality(event_ids), events, grp, element_at(tactics, 1), to_iso8601(last), detected FROM findings ORDER BY rule_id")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 {
		t.Fatalf("rows = %v", res.Rows)
	}
	r := res.Rows[1]
	if r[0] != "r2" || r[1] != int64(2) || r[2] != int64(2) || r[3] != "sourceIPAddress=1.2.3.4" || r[5] != "2024-03-01T10:01:00.000Z" {
		t.Errorf("row = %v", r)
	}
	if res.Rows[0][4] != "defense-evasion" {
		t.Errorf("element_at(tactics, 1) = %v", res.Rows[0][4])
	}
	if d, ok := r[6].(time.Time); !ok || !d.Equal(fixedNow()) {
		t.Errorf("detected = %v", r[6])
	}
}
