package lake_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/needle"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// corpusBucket decodes the corpus's delivery files and returns the events
// of the bucket that holds the most, with their partitions.
func corpusBucket(t testing.TB) (lake.Bucket, []*cloudtrail.Event, []cloudtrail.Partition) {
	t.Helper()
	dir := trailtest.CorpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "converted", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	evs := map[lake.Bucket][]*cloudtrail.Event{}
	parts := map[lake.Bucket][]cloudtrail.Partition{}
	for _, f := range files {
		data := gunzip(t, f)
		_, err := cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) {
			e, err := cloudtrail.DecodeEvent(r.Data)
			if err != nil {
				return
			}
			p, err := cloudtrail.PartitionOf(e, cloudtrail.Key{})
			if err != nil {
				return
			}
			obj := filepath.Base(f)
			e.Object = &obj
			b := lake.BucketOf(p)
			evs[b] = append(evs[b], e)
			parts[b] = append(parts[b], p)
		}, func(cloudtrail.Problem) {})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	var best lake.Bucket
	for b := range evs {
		if len(evs[b]) > len(evs[best]) || len(evs[b]) == len(evs[best]) && b.Path() < best.Path() {
			best = b
		}
	}
	return best, evs[best], parts[best]
}

func gunzip(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data
}

// TestAddCompactEqualsAddEvents writes one bucket's corpus events once
// from Events (AddEvents) and once from their compact form (AddCompact):
// the two data files must hold the same rows in the same order, and the
// two sidecars (token index and summary) must be the same bytes.
func TestAddCompactEqualsAddEvents(t *testing.T) {
	b, evs, parts := corpusBucket(t)
	if len(evs) < 100 {
		t.Fatalf("the largest corpus bucket has only %d events", len(evs))
	}
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	l1, err := lake.Open(context.Background(), t.TempDir(), now)
	if err != nil {
		t.Fatal(err)
	}
	defer l1.Close()
	l2, err := lake.Open(context.Background(), t.TempDir(), now)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()

	// The same events, in the same order, through both paths.
	groups := map[cloudtrail.Partition][]*cloudtrail.Event{}
	var c lake.Compact
	var refs []lake.CompactRef
	places := map[lake.Place]uint32{}
	var arena []byte
	for i, e := range evs {
		groups[parts[i]] = append(groups[parts[i]], e)
		pl := lake.Place{Region: parts[i].Region, Day: parts[i].Day}
		k, ok := places[pl]
		if !ok {
			k = uint32(len(c.Places))
			places[pl] = k
			c.Places = append(c.Places, pl)
		}
		if len(arena) > 64<<10 { // several arenas
			c.Arenas = append(c.Arenas, arena)
			arena = nil
		}
		refs = append(refs, lake.CompactRef{TS: *e.EventTimestamp, Arena: uint32(len(c.Arenas)), Off: uint32(len(arena)), Place: k})
		arena = cloudtrail.AppendCompact(arena, e)
	}
	c.Arenas = append(c.Arenas, arena)
	p1, _, err := l1.AddEvents(b, groups)
	if err != nil {
		t.Fatal(err)
	}
	p2, _, err := l2.AddCompact(b, &c, refs)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := lake.ReadRows(p1)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := lake.ReadRows(p2)
	if err != nil {
		t.Fatal(err)
	}
	if len(r1) != len(evs) || len(r2) != len(evs) {
		t.Fatalf("AddEvents wrote %d rows, AddCompact %d, of %d events", len(r1), len(r2), len(evs))
	}
	for i := range r1 {
		if !reflect.DeepEqual(r1[i], r2[i]) {
			t.Fatalf("row %d differs:\nAddEvents  %s\nAddCompact %s", i, cloudtrail.Rebuild(&r1[i].Event), cloudtrail.Rebuild(&r2[i].Event))
		}
	}
	s1, err := os.ReadFile(needle.SidecarPath(p1))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := os.ReadFile(needle.SidecarPath(p2))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s1, s2) {
		t.Fatalf("the sidecars differ (%d and %d bytes)", len(s1), len(s2))
	}
	t.Logf("%d events of %s", len(evs), b.Path())
}

// BenchmarkAddCompact writes the corpus's largest bucket, repeated to
// about 20,000 events, as one data file from compact form (as ingest
// does): ns/event, allocs/op and the file's bytes per event are reported.
func BenchmarkAddCompact(b *testing.B) {
	bk, evs, parts := corpusBucket(b)
	var c lake.Compact
	var refs []lake.CompactRef
	var arena []byte
	var size int64
	for len(refs) < 20_000 {
		for i, e := range evs {
			refs = append(refs, lake.CompactRef{TS: *e.EventTimestamp + int64(len(refs)), Off: uint32(len(arena)), Place: uint32(len(c.Places))})
			c.Places = append(c.Places, lake.Place{Region: parts[i].Region, Day: parts[i].Day})
			arena = cloudtrail.AppendCompact(arena, e)
			size += int64(len(cloudtrail.Rebuild(e)))
		}
	}
	c.Arenas = [][]byte{arena}
	l, err := lake.Open(context.Background(), b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ReportAllocs()
	b.SetBytes(size)
	var out int64
	for b.Loop() {
		path, n, err := l.AddCompact(bk, &c, slices.Clone(refs))
		if err != nil {
			b.Fatal(err)
		}
		out = n
		b.StopTimer()
		os.Remove(path)
		os.Remove(needle.SidecarPath(path))
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(refs)), "ns/event")
	b.ReportMetric(float64(out)/float64(len(refs)), "file-bytes/event")
}
