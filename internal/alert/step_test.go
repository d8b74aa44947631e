package alert

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/lake"
)

// fakeDetector returns, for a range, the findings whose first event is in
// it, and records the ranges asked.
type fakeDetector struct {
	findings []detect.Finding
	ranges   []Range
	err      error
}

func (d *fakeDetector) Detect(_ context.Context, r Range) ([]detect.Finding, error) {
	d.ranges = append(d.ranges, r)
	if d.err != nil {
		return nil, d.err
	}
	var out []detect.Finding
	for _, f := range d.findings {
		if (r.Since.IsZero() || !f.First.Before(r.Since)) && (r.Until.IsZero() || f.First.Before(r.Until)) {
			out = append(out, f)
		}
	}
	return out, nil
}

// memStore keeps findings by key, as detect.Store does; it fails its
// first n Adds (a crash before the findings are stored).
type memStore struct {
	n    int
	keys map[string]bool
}

func (s *memStore) Add(_ context.Context, fs []detect.Finding) ([]detect.Finding, error) {
	if s.n > 0 {
		s.n--
		return nil, errors.New("crash")
	}
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	var added []detect.Finding
	for _, f := range fs {
		if !s.keys[f.Key] {
			s.keys[f.Key] = true
			added = append(added, f)
		}
	}
	return added, nil
}

// ingested appends manifest entries for objects of these days, as ingest
// does once their events are stored.
func ingested(t *testing.T, dir string, days ...time.Time) {
	t.Helper()
	os.MkdirAll(filepath.Join(dir, lake.MetaDir), 0o755)
	m, err := lake.LoadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	var es []lake.Entry
	for i, d := range days {
		key := "AWSLogs/111111111111/CloudTrail/us-east-1/" + d.Format("2006/01/02") + "/111111111111_CloudTrail_us-east-1_" +
			d.Format("20060102T1504Z") + "_" + string(rune('a'+i)) + ".json.gz"
		es = append(es, lake.Entry{Key: key, Size: 10, Outcome: lake.Outcome("ok"), Events: 3, Written: 3, Run: "r", At: time.Now()})
	}
	if err := m.Append(es); err != nil {
		t.Fatal(err)
	}
}

func day(d int) time.Time { return time.Date(2019, 9, d, 12, 0, 0, 0, time.UTC) }

func TestStep(t *testing.T) {
	dir := t.TempDir()
	// History already in the lake when sync --detect first runs.
	ingested(t, dir, day(1))
	det := &fakeDetector{findings: []detect.Finding{
		finding("old", "e0", "high", day(1)),
		finding("r1", "e1", "high", day(10)), finding("r1", "e2", "low", day(10).Add(time.Hour)),
		finding("r2", "e3", "critical", day(20)),
	}}
	store := &memStore{n: 1}
	sink := &countingSink{name: "count"}
	opts := StepOptions{Detector: det, Store: store, Sinks: []Sink{sink}, MinLevel: "high", Backoff: fastBackoff}
	s, err := NewStep(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	run := func(want StepStats) {
		t.Helper()
		st, err := s.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		st.Range, st.Detecting, st.Delivering = Range{}, 0, 0
		if st != want {
			t.Fatalf("step = %+v, want %+v", st, want)
		}
	}
	run(StepStats{}) // nothing new
	if len(det.ranges) != 0 {
		t.Fatalf("detector asked %v with nothing new", det.ranges)
	}

	ingested(t, dir, day(10))
	// The store fails (as a crash would) after the entries are written:
	// the step fails, the cursor stays, the entries were delivered.
	st, err := s.Run(context.Background())
	if err == nil || st.Enqueued != 1 || st.Sent != 1 {
		t.Fatalf("step with a failing store = %+v, %v", st, err)
	}
	if want := (Range{Since: time.Date(2019, 9, 9, 0, 0, 0, 0, time.UTC), Until: time.Date(2019, 9, 12, 0, 0, 0, 0, time.UTC)}); det.ranges[0] != want {
		t.Fatalf("range = %+v, want %+v", det.ranges[0], want)
	}
	// The next run evaluates the same objects again: the findings are
	// stored now, nothing is enqueued or sent twice.
	run(StepStats{Objects: 1, Findings: 2, New: 2})
	run(StepStats{})

	ingested(t, dir, day(20), day(21))
	run(StepStats{Objects: 2, Findings: 1, New: 1, Enqueued: 1, DeliverStats: DeliverStats{Sent: 1}})
	if want := (Range{Since: day(19).Truncate(24 * time.Hour), Until: day(23).Truncate(24 * time.Hour)}); det.ranges[len(det.ranges)-1] != want {
		t.Fatalf("range = %+v, want %+v", det.ranges[len(det.ranges)-1], want)
	}

	// Each finding of level high or above was sent once; the history and
	// the low one were not.
	want := map[string]int{det.findings[1].Key: 1, det.findings[3].Key: 1}
	if len(sink.got) != len(want) || sink.got[det.findings[1].Key] != 1 || sink.got[det.findings[3].Key] != 1 {
		t.Fatalf("sent %v, want %v", sink.got, want)
	}
	if len(store.keys) != 3 {
		t.Fatalf("stored %d findings, want 3", len(store.keys))
	}

	// A new step over the same lake (a restart) keeps the cursor.
	s, err = NewStep(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	run(StepStats{})
}

// TestStepDetectorFails: the cursor stays when the rules cannot run, and
// what is pending is delivered all the same.
func TestStepDetectorFails(t *testing.T) {
	dir := t.TempDir()
	det := &fakeDetector{findings: []detect.Finding{finding("r1", "e1", "high", day(10))}}
	sink := &countingSink{name: "count"}
	s, err := NewStep(dir, StepOptions{Detector: det, Sinks: []Sink{sink}})
	if err != nil {
		t.Fatal(err)
	}
	ingested(t, dir, day(10))
	det.err = errors.New("engine gone")
	if _, err := s.Run(context.Background()); err == nil {
		t.Fatal("no error")
	}
	det.err = nil
	st, err := s.Run(context.Background())
	if err != nil || st.Objects != 1 || st.Sent != 1 {
		t.Fatalf("step = %+v, %v", st, err)
	}
}

func TestObjectsRange(t *testing.T) {
	es := []lake.Entry{
		{Key: "AWSLogs/1/CloudTrail/us-east-1/2019/09/10/x.json.gz", Written: 1},
		{Key: "AWSLogs/1/CloudTrail/us-east-1/2019/09/12/x.json.gz", Duplicates: 1},
		{Key: "AWSLogs/1/CloudTrail/us-east-1/2018/01/01/quarantined.json.gz"},
	}
	r, n := objectsRange(es)
	if n != 2 || r != (Range{Since: time.Date(2019, 9, 9, 0, 0, 0, 0, time.UTC), Until: time.Date(2019, 9, 14, 0, 0, 0, 0, time.UTC)}) {
		t.Fatalf("range %+v of %d", r, n)
	}
	// A file outside the layout opens the range.
	r, n = objectsRange(append(es, lake.Entry{Key: "/tmp/trail.json", Written: 2}))
	if n != 3 || r != (Range{}) {
		t.Fatalf("range %+v of %d", r, n)
	}
}

// TestReadManifestFrom: whole lines only; a line cut short is left for
// later.
func TestReadManifestFrom(t *testing.T) {
	dir := t.TempDir()
	ingested(t, dir, day(1), day(2))
	path := lake.ManifestPath(dir)
	b, _ := os.ReadFile(path)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"key":"cut`)
	f.Close()
	es, end, err := readManifestFrom(dir, 0)
	if err != nil || len(es) != 2 || end != int64(len(b)) {
		t.Fatalf("entries %d, end %d (want %d), %v", len(es), end, len(b), err)
	}
	if e, err := manifestEnd(dir); err != nil || e != end {
		t.Fatalf("manifestEnd = %d, %v", e, err)
	}
	ingested(t, dir, day(3)) // repairs the cut line, adds one
	es, _, err = readManifestFrom(dir, end)
	if err != nil || len(es) != 1 {
		t.Fatalf("entries after %d: %d, %v", end, len(es), err)
	}
}

// TestStepManifestReplaced: a manifest replaced by another history (an
// s3:// lake another machine wrote) restarts detection at its end; what
// is appended after is evaluated.
func TestStepManifestReplaced(t *testing.T) {
	for _, shorter := range []bool{false, true} {
		dir := t.TempDir()
		det := &fakeDetector{findings: []detect.Finding{finding("r1", "e1", "high", day(10)), finding("r2", "e2", "high", day(20))}}
		sink := &countingSink{name: "count"}
		s, err := NewStep(dir, StepOptions{Detector: det, Sinks: []Sink{sink}})
		if err != nil {
			t.Fatal(err)
		}
		ingested(t, dir, day(1), day(2), day(3))
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Another history: as long or longer, or shorter.
		os.Remove(lake.ManifestPath(dir))
		if shorter {
			ingested(t, dir, day(10))
		} else {
			ingested(t, dir, day(10), day(10), day(10), day(10))
		}
		st, err := s.Run(context.Background())
		if err != nil || st.Objects != 0 || len(sink.got) != 0 {
			t.Fatalf("shorter %v: step over a replaced manifest = %+v, %v; sent %v", shorter, st, err, sink.got)
		}
		ingested(t, dir, day(20))
		st, err = s.Run(context.Background())
		if err != nil || st.Objects != 1 || len(sink.got) != 1 || sink.got[det.findings[1].Key] != 1 {
			t.Fatalf("shorter %v: step after = %+v, %v; sent %v", shorter, st, err, sink.got)
		}
	}
}
