package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestEventCorpus rebuilds every event of a lake of the shared corpus of
// real (and odd) CloudTrail records through the query layer, and compares
// each with the rebuild of the same event read from the lake's Parquet
// files directly (lake.PartitionEvents): keys without a column, null
// members and records kept whole included.
func TestEventCorpus(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lake")
	w, err := app.Open(ctx, app.Config{Lake: dir, Write: true})
	if err != nil {
		t.Fatal(err)
	}
	src, err := w.OpenSource(ctx, trailtest.CorpusDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Ingest(ctx, ingest.Options{Sources: []ingest.Source{src}}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	a, err := app.Open(ctx, app.Config{Lake: dir, Query: query.Options{Conns: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv, err := New(a, Config{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	parts, err := lake.Partitions(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The events whose id is unique in the lake (copies of a record in
	// several sources share ids): those with keys without a column or
	// kept whole (20 of each), and every 50th of the others.
	count := map[string]int{}
	var all []*cloudtrail.Event
	for _, p := range parts {
		evs, err := lake.PartitionEvents(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.EventID != nil {
				count[*e.EventID]++
				all = append(all, e)
			}
		}
	}
	n, extra, nulls, raw := 0, 0, 0, 0
	for i, e := range all {
		id := *e.EventID
		if count[id] != 1 || !reEventID.MatchString(id) || e.Extra == nil && e.Raw == nil && i%50 != 0 ||
			e.Extra != nil && extra >= 20 || e.Raw != nil && raw >= 20 {
			continue
		}
		want := cloudtrail.Rebuild(e)
		got, err := srv.eventRecord(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		var g, w any
		json.Unmarshal(got, &g)
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s through the query layer:\n%s\nfrom the Parquet files:\n%s", id, got, want)
		}
		n++
		if e.Extra != nil {
			extra++
		}
		if e.Nulls != nil {
			nulls++
		}
		if e.Raw != nil {
			raw++
		}
	}
	if extra == 0 || nulls == 0 || raw == 0 {
		t.Errorf("%d events compared: %d with extra keys, %d with nulls, %d kept whole; want some of each", n, extra, nulls, raw)
	}
	t.Logf("%d events rebuilt alike (%d with extra keys, %d with nulls, %d kept whole)", n, extra, nulls, raw)
}
