package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// BenchmarkIngest ingests 100k synthetic events into a fresh lake per
// iteration. The full-size benchmark (1M realistic events, compared with
// DuckDB's own read_json conversion) is `go run ./cmd/trailsql bench`.
func BenchmarkIngest(b *testing.B) {
	src := b.TempDir()
	n := trailtest.WriteTrail(b, src, trailtest.Trail{Org: "o-bench", Accounts: []string{"111111111111", "222222222222"},
		Regions: []string{"us-east-1", "eu-west-1"}, Start: day, Days: 5, Files: 10, Events: 500, Seed: 3})
	var size int64
	filepath.Walk(src, func(_ string, fi os.FileInfo, _ error) error {
		if fi != nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	b.ReportAllocs()
	b.ResetTimer()
	var plain int64
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		lk, err := lake.Open(context.Background(), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		s, _ := source.NewLocal(src)
		sum, err := ingest.Run(context.Background(), lk, ingest.Options{Sources: []ingest.Source{s}})
		lk.Close()
		if err != nil || sum.Written != n {
			b.Fatalf("written %d of %d: %v", sum.Written, n, err)
		}
		plain = sum.UncompressedBytes
	}
	b.SetBytes(plain)
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
	_ = size
}
