package query

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/needle"
)

// BenchmarkStartup measures what a query costs before DuckDB reads any
// data: opening the engine on a lake of N data files (listing them,
// reading their summaries, building the views and the file list) and
// answering SELECT 1. The lake is the fixture's bucket files copied into N
// buckets, one file each (the worst case: as many folders as files),
// whose folders last changed an hour ago, with a warm listing cache. N is 1,000 and 10,000; TRAILSQL_BENCH_FILES adds a size (such
// as 100000).
//
//	go test -run '^$' -bench Startup -benchtime 5x ./internal/query/
func BenchmarkStartup(b *testing.B) {
	sizes := []int{1000, 10000}
	if v, err := strconv.Atoi(os.Getenv("TRAILSQL_BENCH_FILES")); err == nil && v > 0 {
		sizes = append(sizes, v)
	}
	src, _ := fixtureLake(b)
	files, err := lake.ListFiles(src)
	if err != nil || len(files) == 0 {
		b.Fatalf("fixture lake: %d files (%v)", len(files), err)
	}
	one := files[0].Path
	data, err := os.ReadFile(one)
	if err != nil {
		b.Fatal(err)
	}
	side, err := os.ReadFile(needle.SidecarPath(one))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			for i := range n {
				// 1,000 accounts × months of years: every file its own bucket.
				bdir := filepath.Join(dir, lake.Table, fmt.Sprintf("account=%012d", i%1000), fmt.Sprintf("year=%d", 2000+i/1000/12), fmt.Sprintf("month=%02d", 1+i/1000%12))
				if err := os.MkdirAll(bdir, 0o755); err != nil {
					b.Fatal(err)
				}
				path := filepath.Join(bdir, "part-1.parquet")
				if err := os.WriteFile(path, data, 0o644); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(needle.SidecarPath(path), side, 0o644); err != nil {
					b.Fatal(err)
				}
			}
			// Folders last changed an hour ago, as in a lake between two
			// syncs: the listing cache trusts them (see
			// lake.ListFilesCached); the first Open below builds it.
			past := time.Now().Add(-time.Hour)
			if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					err = os.Chtimes(p, past, past)
				}
				return err
			}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			e, err := Open(ctx, dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			e.Close()
			cpu0 := processCPU()
			b.ResetTimer()
			for b.Loop() {
				e, err := Open(ctx, dir, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Query(ctx, "SELECT 1"); err != nil {
					b.Fatal(err)
				}
				e.Close()
			}
			// CPU time is what a shared machine does not disturb.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
