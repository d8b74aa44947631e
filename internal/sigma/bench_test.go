package sigma

import (
	"testing"

	"github.com/trailsql/trailsql/internal/trailtest"
)

// BenchmarkMatch matches every evaluable SigmaHQ rule against every
// Stratus detonation record.
func BenchmarkMatch(b *testing.B) {
	byFile, names := loadSigmaHQ(b)
	var rules []*Rule
	for _, n := range names {
		if r := byFile[n]; Evaluable(r) == nil {
			rules = append(rules, r)
		}
	}
	var recs []map[string]any
	for _, d := range trailtest.Detonations(b) {
		recs = append(recs, d.Records...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range rules {
			for _, rec := range recs {
				if _, err := Match(r, rec); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rules)*len(recs)), "ns/match")
}
