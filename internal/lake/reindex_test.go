package lake_test

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/needle"
)

// TestReindex checks that Reindex rebuilds missing and damaged sidecars
// with the summary of the file's rows, and leaves current ones alone.
func TestReindex(t *testing.T) {
	lk, err := lake.Open(context.Background(), t.TempDir(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	str := func(s string) *string { return &s }
	p := cloudtrail.Partition{Account: "111122223333", Region: "us-east-1", Year: "2019", Month: "09", Day: "30"}
	var events []*cloudtrail.Event
	for i, tm := range []string{"2019-09-30T10:00:00Z", "2019-09-30T08:00:00Z", "2019-09-30T23:59:59Z"} {
		ts := int64(i)
		events = append(events, &cloudtrail.Event{EventID: str("e" + tm), EventTime: str(tm), EventTimestamp: &ts, FP: int64(i + 1)})
	}
	events = append(events, &cloudtrail.Event{EventID: str("no-time"), FP: 9})
	b := lake.BucketOf(p)
	path, _, err := lk.AddEvents(b, map[cloudtrail.Partition][]*cloudtrail.Event{p: events})
	if err != nil {
		t.Fatal(err)
	}
	want := needle.Summary{Rows: 4, Timed: 3, Ranged: true, MinTime: "2019-09-30T08:00:00Z", MaxTime: "2019-09-30T23:59:59Z", Stamped: 3, MinStamp: 0, MaxStamp: 2,
		Parts: []needle.Part{{Region: "us-east-1", Day: "30", Rows: 4, MinStamp: 0, MaxStamp: 2}}}
	check := func(stage string) {
		t.Helper()
		b, err := os.ReadFile(needle.SidecarPath(path))
		if err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		if err := needle.Verify(b); err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		sc, _ := needle.Open(bytes.NewReader(b), int64(len(b)))
		if got, ok := sc.Summary(); !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: summary %+v, want %+v", stage, got, want)
		}
		if !sc.MayHave(needle.EqualProbe("e2019-09-30T10:00:00Z")) {
			t.Errorf("%s: the index lost an event id", stage)
		}
	}
	check("ingest")
	for _, tc := range []struct {
		name   string
		damage func() error
		want   int
	}{
		{"current", func() error { return nil }, 0},
		{"missing", func() error { return os.Remove(needle.SidecarPath(path)) }, 1},
		{"damaged", func() error { return os.WriteFile(needle.SidecarPath(path), []byte("TSQLTOK4 broken"), 0o644) }, 1},
	} {
		if err := tc.damage(); err != nil {
			t.Fatal(err)
		}
		n, err := lk.Reindex(b)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n != tc.want {
			t.Errorf("%s: rebuilt %d sidecars, want %d", tc.name, n, tc.want)
		}
		check(tc.name)
	}
}
