package lake_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/needle"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
	"github.com/trailsql/trailsql/internal/trailtest/legacy"
)

var start = time.Date(2019, 9, 29, 0, 0, 0, 0, time.UTC)

// ingestTrail ingests a synthetic trail of 2 accounts × 2 regions × 4 days
// (across a month's end) into a new lake and returns the lake's folder.
func ingestTrail(t *testing.T, compact int) string {
	t.Helper()
	src, dir := t.TempDir(), t.TempDir()
	trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111111111111", "222222222222"},
		Regions: []string{"us-east-1", "eu-west-1"}, Start: start, Days: 4, Files: 3, Events: 7, Seed: 3})
	lk, err := lake.Open(context.Background(), dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	s, err := source.NewLocal(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(context.Background(), lk, ingest.Options{Sources: []ingest.Source{s}, CompactFiles: compact, FlushEvents: 15}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// stored is what a lake holds of one event: its partition and its record
// rebuilt as JSON.
type stored struct {
	part   cloudtrail.Partition
	record string
}

// contents reads every event of the lake by eventID, failing on doubles.
func contents(t *testing.T, dir string) map[string]stored {
	t.Helper()
	parts, err := lake.Partitions(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]stored{}
	for _, p := range parts {
		evs, err := lake.PartitionEvents(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if _, dup := out[*e.EventID]; dup {
				t.Fatalf("event %s stored twice", *e.EventID)
			}
			out[*e.EventID] = stored{part: p, record: string(cloudtrail.Rebuild(e))}
		}
	}
	return out
}

// TestConvert checks that a lake of the older layout, whole or in part,
// becomes a lake of buckets with the same events in the same partitions,
// records equal to their source, sidecars that list each file's parts,
// and no folder of the older layout left.
func TestConvert(t *testing.T) {
	for _, tc := range []struct {
		name     string
		accounts []string // accounts rewritten in the older layout (all: none named)
	}{
		{"whole lake", nil},
		{"half converted", []string{"222222222222"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := ingestTrail(t, -1)
			want := contents(t, dir)
			legacy.Rewrite(t, dir, tc.accounts...)
			old, err := lake.LegacyPartitions(dir)
			if err != nil || len(old) == 0 {
				t.Fatalf("no partitions of the older layout (%v)", err)
			}
			if got := contents(t, dir); !reflect.DeepEqual(got, want) {
				t.Fatalf("the older layout holds other events than the buckets did")
			}
			lk, err := lake.Open(context.Background(), dir, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			defer lk.Close()
			st, err := lk.Tidy(context.Background(), 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.Converted.Partitions != len(old) || st.Converted.Events == 0 {
				t.Errorf("converted %+v, want %d partitions", st.Converted, len(old))
			}
			if left, _ := lake.LegacyPartitions(dir); len(left) != 0 {
				t.Errorf("partitions of the older layout left: %v", left)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, lake.Table, "*", "region=*")); len(left) != 0 {
				t.Errorf("folders of the older layout left: %v", left)
			}
			if got := contents(t, dir); !reflect.DeepEqual(got, want) {
				t.Errorf("conversion changed the lake's events")
			}
			checkBuckets(t, dir)
		})
	}
}

// checkBuckets checks that every data file is a bucket's, sorted by time,
// with a sidecar whose parts count its rows.
func checkBuckets(t *testing.T, dir string) {
	t.Helper()
	files, err := lake.ListFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Bucket == nil {
			t.Errorf("%s is not in a bucket", f.Path)
			continue
		}
		rows, err := lake.ReadRows(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[[2]string]int64{}
		for i, r := range rows {
			if r.Region == nil || r.Day == nil {
				t.Fatalf("%s: row %d has no region or day", f.Path, i)
			}
			counts[[2]string{*r.Region, *r.Day}]++
			if i > 0 && *r.EventTimestamp < *rows[i-1].EventTimestamp {
				t.Fatalf("%s is not sorted by time at row %d", f.Path, i)
			}
		}
		sc, done, err := needle.OpenFile(f.Path)
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		s, ok := sc.Summary()
		done()
		if !ok || s.Rows != int64(len(rows)) {
			t.Fatalf("%s: summary %+v for %d rows", f.Path, s, len(rows))
		}
		got := map[[2]string]int64{}
		for _, p := range s.Parts {
			got[[2]string{p.Region, p.Day}] = p.Rows
		}
		if !reflect.DeepEqual(got, counts) {
			t.Errorf("%s: parts %v, rows %v", f.Path, got, counts)
		}
	}
}

// TestCompactSplits checks that compaction merges a bucket's small files
// into full files of the target size and a last smaller one, leaves full
// files alone afterwards, and keeps every event once.
func TestCompactSplits(t *testing.T) {
	dir := ingestTrail(t, -1)
	want := contents(t, dir)
	lk, err := lake.Open(context.Background(), dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	lake.SetTargetRows(lk, 50)
	b := lake.Bucket{Account: "111111111111", Year: "2019", Month: "09"}
	before, _ := lk.BucketFiles(b)
	if len(before) < 3 {
		t.Fatalf("bucket has %d files, want several small ones", len(before))
	}
	rows := 0
	for _, f := range before {
		r, err := lake.ReadRows(f)
		if err != nil {
			t.Fatal(err)
		}
		rows += len(r)
	}
	st, err := lk.Compact(b, 1)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := lk.BucketFiles(b)
	wantFiles := (rows + 49) / 50
	if len(after) != wantFiles || st.Events != rows {
		t.Fatalf("compacted %d rows of %d files into %d files (%+v), want %d", rows, len(before), len(after), st, wantFiles)
	}
	short := 0
	for _, f := range after {
		if r, _ := lake.ReadRows(f); len(r) != 50 {
			short++
		}
	}
	if short > 1 {
		t.Errorf("%d of %d files are not full, want at most one", short, len(after))
	}
	if got := contents(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("compaction changed the lake's events")
	}
	checkBuckets(t, dir)
	// The full files are left alone; only the last, small one could be
	// merged, and one small file is not.
	st, err = lk.Compact(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := lk.BucketFiles(b); !reflect.DeepEqual(again, after) || st.Events != 0 {
		t.Errorf("a second compaction rewrote files: %v -> %v (%+v)", after, again, st)
	}
}

// TestCompactCrash checks that a compaction interrupted after its journal
// is written, with some of its new files in place, is undone by the next
// writer, and after the last one is in place, finished: either way every
// event is there once.
func TestCompactCrash(t *testing.T) {
	for _, placed := range []int{0, 1, 2} {
		t.Run(fmt.Sprint(placed, " of 2 new files placed"), func(t *testing.T) {
			dir := ingestTrail(t, -1)
			want := contents(t, dir)
			b := lake.Bucket{Account: "111111111111", Year: "2019", Month: "09"}
			bdir := filepath.Join(dir, lake.Table, filepath.FromSlash(b.Path()))
			old, _ := filepath.Glob(filepath.Join(bdir, "*.parquet"))
			var rows []lake.Row
			for _, f := range old {
				r, err := lake.ReadRows(f)
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, r...)
			}
			var news []string
			for i, part := range [][]lake.Row{rows[:len(rows)/2], rows[len(rows)/2:]} {
				path := filepath.Join(bdir, fmt.Sprintf("c-crash%d.parquet", i))
				if i < placed {
					f, err := os.Create(path)
					if err != nil {
						t.Fatal(err)
					}
					if err := lake.WriteRows(f, part); err != nil {
						t.Fatal(err)
					}
					f.Close()
				}
				rel, _ := filepath.Rel(dir, path)
				news = append(news, rel)
			}
			var olds []string
			for _, f := range old {
				rel, _ := filepath.Rel(dir, f)
				olds = append(olds, fmt.Sprintf("%q", rel))
			}
			j := fmt.Sprintf(`{"news": [%q, %q], "old": [%s]}`, news[0], news[1], joinComma(olds))
			if err := os.WriteFile(filepath.Join(dir, lake.MetaDir, "compact.journal"), []byte(j), 0o644); err != nil {
				t.Fatal(err)
			}
			lk, err := lake.Open(context.Background(), dir, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			lk.Close()
			if _, err := os.Stat(filepath.Join(dir, lake.MetaDir, "compact.journal")); !os.IsNotExist(err) {
				t.Errorf("the journal is still there (%v)", err)
			}
			got := map[string]stored{}
			for id, s := range contents(t, dir) {
				got[id] = s
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("recovery lost or doubled events: %d events, want %d", len(got), len(want))
			}
		})
	}
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// TestRawMerge checks that merging a bucket's files as Parquet rows writes
// the same rows and the same sidecar as decoding every row into Go values.
func TestRawMerge(t *testing.T) {
	var got [2]struct {
		rows     []lake.Row
		sidecars [][]byte
	}
	for i, typed := range []bool{true, false} {
		dir := ingestTrail(t, -1)
		lk, err := lake.Open(context.Background(), dir, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		lake.SetTypedMerge(lk, typed)
		lake.SetTargetRows(lk, 60)
		b := lake.Bucket{Account: "111111111111", Year: "2019", Month: "09"}
		if _, err := lk.Compact(b, 1); err != nil {
			t.Fatal(err)
		}
		lk.Close()
		files, _ := lk.BucketFiles(b)
		for _, f := range files {
			rows, err := lake.ReadRows(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				r.Object = nil // the source folder differs between the two lakes
				got[i].rows = append(got[i].rows, r)
			}
			side, err := os.ReadFile(needle.SidecarPath(f))
			if err != nil {
				t.Fatal(err)
			}
			got[i].sidecars = append(got[i].sidecars, side)
		}
	}
	if len(got[0].rows) == 0 || len(got[0].sidecars) < 2 {
		t.Fatalf("merged %d rows into %d files: want several files", len(got[0].rows), len(got[0].sidecars))
	}
	// Files are named by time and chance: compare as sets.
	slices.SortFunc(got[0].rows, compareRows)
	slices.SortFunc(got[1].rows, compareRows)
	if !reflect.DeepEqual(got[0].rows, got[1].rows) {
		t.Errorf("raw merge wrote other rows than the typed merge")
	}
	for i := range got {
		slices.SortFunc(got[i].sidecars, bytes.Compare)
	}
	if !reflect.DeepEqual(got[0].sidecars, got[1].sidecars) {
		t.Errorf("raw merge wrote other sidecars than the typed merge")
	}
}

func compareRows(a, b lake.Row) int { return strings.Compare(*a.EventID, *b.EventID) }

// TestCompactTiered checks that tiered compaction merges only the files of
// a size tier that has more than the fan-out, and leaves other tiers'
// files as they are.
func TestCompactTiered(t *testing.T) {
	lk, err := lake.Open(context.Background(), t.TempDir(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	lake.SetTargetRows(lk, 640) // tiers: under 10, 40, 160 and 640 rows
	p := cloudtrail.Partition{Account: "111111111111", Region: "us-east-1", Year: "2019", Month: "09", Day: "30"}
	b := lake.BucketOf(p)
	id := 0
	add := func(n int) string {
		var evs []*cloudtrail.Event
		for range n {
			id++
			s, ts := fmt.Sprintf("e%06d", id), int64(id)
			evs = append(evs, &cloudtrail.Event{EventID: &s, EventTime: &s, EventTimestamp: &ts, FP: int64(id)})
		}
		path, _, err := lk.AddEvents(b, map[cloudtrail.Partition][]*cloudtrail.Event{p: evs})
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	var tiny, medium []string
	for range 5 {
		tiny = append(tiny, add(3))
	}
	for range 2 {
		medium = append(medium, add(50))
	}
	for range 16 {
		medium = append(medium, add(200)) // upper tier: merged past 16 files
	}
	st, err := lk.CompactTiered(b, 4)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := lk.BucketFiles(b)
	if st.Events != 15 || len(files) != 19 {
		t.Fatalf("tiered compaction of 5 tiny, 2 medium and 16 large files: %+v, %d files; want the 15 tiny rows merged into 1 file, 19 files", st, len(files))
	}
	for _, m := range medium {
		if !slices.Contains(files, m) {
			t.Errorf("medium file %s was rewritten", m)
		}
	}
	for _, f := range tiny {
		if slices.Contains(files, f) {
			t.Errorf("tiny file %s was not merged", f)
		}
	}
	// Two medium and 16 large files are not more than their fan-outs.
	if st, err := lk.CompactTiered(b, 4); err != nil || st.Events != 0 {
		t.Errorf("second tiered compaction: %+v, %v", st, err)
	}
	// A 17th large file is.
	add(200)
	if st, err := lk.CompactTiered(b, 4); err != nil || st.Events != 17*200 {
		t.Errorf("tiered compaction of 17 large files: %+v, %v; want 3400 events", st, err)
	}
	// Compact (not tiered) merges every small file.
	if st, err := lk.Compact(b, 1); err != nil || st.Events != 15+100+17*200-5*640 {
		files, _ := lk.BucketFiles(b)
		t.Errorf("compaction of all small files: %+v, %v (%d files)", st, err, len(files))
	}
}

func TestTierOf(t *testing.T) {
	for _, tc := range []struct {
		rows int64
		want int
	}{{0, 0}, {16383, 0}, {16384, 1}, {65535, 1}, {65536, 2}, {262143, 2}, {262144, 3}, {1<<20 - 1, 3}, {1 << 20, 3}} {
		if got := lake.TierOf(tc.rows, lake.TargetRows); got != tc.want {
			t.Errorf("tierOf(%d) = %d, want %d", tc.rows, got, tc.want)
		}
	}
}

// TestConvertEmptyPartition checks that the folders of the older layout
// that a killed conversion emptied (their files moved, the folders left)
// are removed by the next conversion.
func TestConvertEmptyPartition(t *testing.T) {
	dir := ingestTrail(t, -1)
	want := contents(t, dir)
	empty := filepath.Join(dir, lake.Table, "account=111111111111", "region=us-east-1", "year=2019", "month=09", "day=28")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	lk, err := lake.Open(context.Background(), dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	if _, err := lk.Tidy(context.Background(), 1, nil); err != nil {
		t.Fatal(err)
	}
	if old, err := lake.LegacyPartitions(dir); err != nil || len(old) != 0 {
		t.Errorf("partitions of the older layout left: %v (%v)", old, err)
	}
	if _, err := os.Stat(filepath.Join(dir, lake.Table, "account=111111111111", "region=us-east-1")); !os.IsNotExist(err) {
		t.Errorf("the empty region folder is left: %v", err)
	}
	if got := contents(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("the lake's events changed")
	}
}
