package cloudtrail_test

import (
	"path/filepath"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// corpusRecords returns the records of the corpus's delivery files, split
// as ingest splits them, and their total size in bytes.
func corpusRecords(b *testing.B) ([][]byte, int64) {
	b.Helper()
	dir := trailtest.CorpusDir(b)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "converted", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	var recs [][]byte
	var n int64
	for _, f := range files {
		data := readMaybeGzip(b, f)
		_, err := cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) {
			recs = append(recs, r.Data)
			n += int64(len(r.Data))
		}, func(cloudtrail.Problem) {})
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
	}
	if len(recs) == 0 {
		b.Fatal("no corpus records")
	}
	return recs, n
}

// BenchmarkDecode decodes every record of the corpus as ingest does
// (DecodeEventShared); ns/record and allocs/record are per record.
func BenchmarkDecode(b *testing.B) {
	recs, size := corpusRecords(b)
	b.ReportAllocs()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, r := range recs {
			if _, err := cloudtrail.DecodeEventShared(r); err != nil && err != cloudtrail.ErrNotEvent {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(recs)), "ns/record")
}

// BenchmarkDecoder is BenchmarkDecode with one reused Decoder, each event
// then appended in compact form to a reused arena, as ingest does.
func BenchmarkDecoder(b *testing.B) {
	recs, size := corpusRecords(b)
	var dec cloudtrail.Decoder
	var arena []byte
	b.ReportAllocs()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		arena = arena[:0]
		for _, r := range recs {
			e, err := dec.Decode(r)
			if err == cloudtrail.ErrNotEvent {
				continue
			}
			if err != nil {
				b.Fatal(err)
			}
			arena = cloudtrail.AppendCompact(arena, e)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(recs)), "ns/record")
	b.ReportMetric(float64(testing.AllocsPerRun(1, func() {
		for _, r := range recs {
			if e, err := dec.Decode(r); err == nil {
				arena = cloudtrail.AppendCompact(arena[:0], e)
			}
		}
	}))/float64(len(recs)), "allocs/record")
}
