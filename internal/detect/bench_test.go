package detect_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/query"
)

// benchDays is how many days the benchmark's events cover: the
// incremental batch is the last day's events (a tenth of them).
const benchDays = 10

// benchLake returns a lake of TRAILSQL_BENCH_EVENTS generated events
// (default 1,000,000) over benchDays days. With TRAILSQL_BENCH_DIR it is
// kept there and reused by later runs; otherwise it is made in a
// temporary folder.
func benchLake(b *testing.B) (string, time.Time) {
	b.Helper()
	n := int64(1_000_000)
	if s := os.Getenv("TRAILSQL_BENCH_EVENTS"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v <= 0 {
			b.Fatalf("TRAILSQL_BENCH_EVENTS=%q is not a positive number", s)
		}
		n = v
	}
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	root := os.Getenv("TRAILSQL_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	}
	root = filepath.Join(root, "detect-"+strconv.FormatInt(n, 10))
	dir := filepath.Join(root, "lake")
	if _, err := os.Stat(filepath.Join(root, "done")); err == nil {
		return dir, start
	}
	os.RemoveAll(root)
	src := filepath.Join(root, "logs")
	if _, err := gen.Generate(context.Background(), gen.Options{Dir: src, Events: n, Accounts: 4, Regions: 4, Days: benchDays, Seed: 7,
		Start: start, Window: time.Hour}, nil); err != nil {
		b.Fatal(err)
	}
	buildLakeAt(b, src, dir)
	os.RemoveAll(src)
	if err := os.WriteFile(filepath.Join(root, "done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir, start
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchRules compiles the built-in pack and SigmaHQ's rules (their old
// count() rules and the pack's correlations are the correlation family).
func benchRules(b *testing.B) []*detect.Rule {
	builtin, err := pack.Rules()
	if err != nil {
		b.Fatal(err)
	}
	rules, err := detect.Compile(append(loadRules(b), builtin...))
	if len(rules) < 100 {
		b.Fatalf("%d rules compile: %v", len(rules), err)
	}
	return rules
}

// BenchmarkDetect runs every rule over the whole lake (full) and over
// the last day (incremental, a tenth of the events), and reports the
// seconds of the plain rules' one scan and of all correlations together,
// wall and CPU.
//
//	go test -run '^$' -bench Detect -benchtime 3x ./internal/detect/
//	TRAILSQL_BENCH_EVENTS=10000000 TRAILSQL_BENCH_DIR=/tmp/bench go test -run '^$' -bench Detect -benchtime 1x -timeout 2h ./internal/detect/
func BenchmarkDetect(b *testing.B) {
	dir, start := benchLake(b)
	rules := benchRules(b)
	var plain, corr []*detect.Rule
	for _, r := range rules {
		if r.IsCorrelation() {
			corr = append(corr, r)
		} else if !r.Quiet() {
			plain = append(plain, r)
		}
	}
	ctx := context.Background()
	eng, err := query.Open(ctx, dir, query.Options{MaxRows: -1, Timeout: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	for _, c := range []struct {
		name string
		r    detect.Range
	}{
		{"full", detect.Range{}},
		{"incremental", detect.Range{Since: start.AddDate(0, 0, benchDays-1), Until: start.AddDate(0, 0, benchDays)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var found int
			for b.Loop() {
				for _, fam := range []struct {
					name  string
					rules []*detect.Rule
				}{{"plain", plain}, {"correlation", corr}} {
					t0, c0 := time.Now(), cpuTime()
					fs, err := detect.Run(ctx, eng, fam.rules, c.r)
					if err != nil {
						b.Fatal(err)
					}
					found += len(fs)
					b.ReportMetric(time.Since(t0).Seconds(), fam.name+"-s")
					b.ReportMetric((cpuTime() - c0).Seconds(), fam.name+"-cpu-s")
				}
			}
			b.ReportMetric(float64(found)/float64(b.N), "findings")
		})
	}
}
