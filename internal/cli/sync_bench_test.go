package cli

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/bench"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// BenchmarkIngestS3VsLocal ingests the same generated trail from a local
// folder and from MinIO on loopback, with the CLI's defaults, and reports
// events/s for each. $TRAILSQL_BENCH_EVENTS sets the size (default
// 200,000; the figure is for 1,000,000):
//
//	TRAILSQL_BENCH_EVENTS=1000000 go test ./internal/cli -run '^$' -bench IngestS3VsLocal -benchtime 1x
func BenchmarkIngestS3VsLocal(b *testing.B) {
	events := int64(200_000)
	if v := os.Getenv("TRAILSQL_BENCH_EVENTS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		events = n
	}
	dir := b.TempDir()
	// The data set of `trailsql bench ingest`.
	if _, err := gen.Generate(context.Background(), bench.IngestSet(dir, events, gen.DefaultSeed), nil); err != nil {
		b.Fatal(err)
	}
	m := trailtest.StartMinIO(b)
	m.CreateBucket(b, "bench")
	objects := m.PutDir(b, "bench", "", dir)
	b.Logf("%d events in %d objects", events, objects)

	rate := map[string]float64{}
	clientCPU := map[string]time.Duration{} // this process's CPU per run
	for _, src := range []string{"local", "s3"} {
		b.Run(src, func(b *testing.B) {
			arg := dir
			if src == "s3" {
				arg = "s3://bench"
			}
			var total, cpu, server time.Duration
			for range b.N {
				f, _, errOut := s3Factory(b, m, time.Now)
				start, cpu0, server0 := time.Now(), processCPU(), m.CPUTime()
				if code := Run(context.Background(), f, []string{"ingest", arg, "--lake", b.TempDir()}); code != ExitOK {
					b.Fatalf("exit %d: %s", code, errOut)
				}
				total += time.Since(start)
				cpu += processCPU() - cpu0
				server += m.CPUTime() - server0
			}
			r := float64(events) * float64(b.N) / total.Seconds()
			rate[src] = r
			clientCPU[src] = cpu / time.Duration(b.N)
			b.ReportMetric(r, "events/s")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "client-cpu-s")
			b.ReportMetric(server.Seconds()/float64(b.N), "server-cpu-s")
		})
	}
	// The same ingest into an S3 lake: the cost of publishing, and of a
	// run with nothing new.
	m.CreateBucket(b, "lake")
	b.Run("local-to-s3-lake", func(b *testing.B) {
		for i := range b.N {
			f, out, errOut := s3Factory(b, m, time.Now)
			lakeURL := "s3://lake/run" + strconv.Itoa(i)
			for _, run := range []string{"first", "again"} {
				start := time.Now()
				out.Reset()
				if code := Run(context.Background(), f, []string{"ingest", dir, "--lake", lakeURL}); code != ExitOK {
					b.Fatalf("exit %d: %s", code, errOut)
				}
				b.Logf("%s run into %s: %s\n%s", run, lakeURL, time.Since(start).Round(time.Millisecond), out)
			}
		}
	})
	if rate["local"] > 0 {
		b.Logf("S3 (MinIO on loopback) ingest runs at %.0f%% of local-folder ingest (%.0f vs %.0f events/s)",
			100*rate["s3"]/rate["local"], rate["s3"], rate["local"])
	}
	if clientCPU["s3"] > 0 {
		// MinIO shares the machine's cores here; with the server elsewhere,
		// ingest (CPU-bound on both sides) would be limited by its own CPU.
		b.Logf("client CPU per run: local %s, S3 %s: from a server on another machine, S3 ingest would run at about %.0f%% of local",
			clientCPU["local"].Round(time.Millisecond), clientCPU["s3"].Round(time.Millisecond),
			100*clientCPU["local"].Seconds()/clientCPU["s3"].Seconds())
	}
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
