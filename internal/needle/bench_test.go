package needle_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// BenchmarkAddRecord indexes every event of the corpus's delivery files
// into one Builder, as a data file's writer does; ns/event and allocs per
// op are for all of them.
func BenchmarkAddRecord(b *testing.B) {
	dir := trailtest.CorpusDir(b)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "converted", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	var evs []*cloudtrail.Event
	var size int64
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) {
			if e, err := cloudtrail.DecodeEvent(r.Data); err == nil {
				if _, err := cloudtrail.PartitionOf(e, cloudtrail.Key{}); err == nil {
					evs = append(evs, e)
					size += int64(len(r.Data))
				}
			}
		}, func(cloudtrail.Problem) {})
	}
	if len(evs) == 0 {
		b.Fatal("no corpus events")
	}
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		ix := needle.NewBuilder(len(evs))
		for _, e := range evs {
			ix.AddRecord(e, "us-east-1", "01")
		}
		_ = ix.Encode()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(evs)), "ns/event")
}
