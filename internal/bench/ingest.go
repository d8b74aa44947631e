package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
)

// IngestOptions configure the ingest benchmark.
type IngestOptions struct {
	Dir    string // work folder: generated logs are cached here between runs
	Events int64
	Seed   uint64
	// Exe is the trailsql binary that runs each side as a child process.
	Exe string
	// SkipDuckDB leaves out the DuckDB baseline.
	SkipDuckDB bool
}

// Measure is one side's figures.
type Measure struct {
	Wall    time.Duration
	MaxRSS  int64 // bytes
	OutSize int64 // bytes written
}

// IngestResult is what the ingest benchmark measured.
type IngestResult struct {
	Events    int64
	JSONBytes int64
	GzipBytes int64
	Files     int64
	Trailsql  Measure
	DuckDB    *Measure
}

// Ingest generates (or reuses) opts.Events events under opts.Dir, ingests
// them into a fresh lake, converts them with DuckDB, and reports both.
func Ingest(ctx context.Context, opts IngestOptions, log io.Writer) (IngestResult, error) {
	var res IngestResult
	src := filepath.Join(opts.Dir, fmt.Sprintf("logs-%d-%d", opts.Events, opts.Seed))
	st, err := ensureLogs(ctx, src, opts, log)
	if err != nil {
		return res, err
	}
	res.Events, res.JSONBytes, res.GzipBytes, res.Files = st.Events, st.JSONBytes, st.GzipBytes, st.Files

	lakeDir := filepath.Join(opts.Dir, "lake")
	if err := os.RemoveAll(lakeDir); err != nil {
		return res, fmt.Errorf("cannot clear %s: %w", lakeDir, err)
	}
	fmt.Fprintf(log, "ingesting %d events with trailsql...\n", res.Events)
	m, err := runChild(ctx, opts.Exe, "ingest", src, "--lake", lakeDir)
	if err != nil {
		return res, err
	}
	m.OutSize = dirSize(filepath.Join(lakeDir, "cloudtrail"))
	res.Trailsql = m

	if !opts.SkipDuckDB {
		out := filepath.Join(opts.Dir, "duckdb.parquet")
		os.Remove(out)
		fmt.Fprintf(log, "converting the same files with DuckDB read_json...\n")
		m, err := runChild(ctx, opts.Exe, "bench", "duckdb-convert", src, out)
		if err != nil {
			return res, err
		}
		m.OutSize = dirSize(out)
		res.DuckDB = &m
	}
	return res, nil
}

// Print writes the figures and the ratios.
func (r IngestResult) Print(w io.Writer) {
	secs := r.Trailsql.Wall.Seconds()
	fmt.Fprintf(w, "input      %d events in %d files: %.1f MB of JSON, %.1f MB gzip\n", r.Events, r.Files, mb(r.JSONBytes), mb(r.GzipBytes))
	fmt.Fprintf(w, "trailsql   %.2f s  %.0f events/s  %.1f MB/s of JSON  peak RSS %.0f MB  lake %.1f MB (%.2fx the gzip input)\n",
		secs, float64(r.Events)/secs, mb(r.JSONBytes)/secs, mb(r.Trailsql.MaxRSS), mb(r.Trailsql.OutSize), float64(r.Trailsql.OutSize)/float64(r.GzipBytes))
	if d := r.DuckDB; d != nil {
		ds := d.Wall.Seconds()
		fmt.Fprintf(w, "duckdb     %.2f s  %.0f events/s  %.1f MB/s of JSON  peak RSS %.0f MB  parquet %.1f MB (%.2fx the gzip input)\n",
			ds, float64(r.Events)/ds, mb(r.JSONBytes)/ds, mb(d.MaxRSS), mb(d.OutSize), float64(d.OutSize)/float64(r.GzipBytes))
		fmt.Fprintf(w, "ratio      trailsql is %.2fx faster than DuckDB read_json → Parquet (target ≥ 2.5x)\n", ds/secs)
	}
}

func mb(n int64) float64 { return float64(n) / 1e6 }

type genMarker struct {
	Events int64
	Seed   uint64
	Stats  gen.Stats
}

// IngestSet is the generated data set that ingest is measured on: events
// of 3 accounts in 4 regions over 7 days of an organization trail, written
// to dir. The S3 benchmark reads the same set from MinIO.
func IngestSet(dir string, events int64, seed uint64) gen.Options {
	return gen.Options{Dir: dir, Events: events, Seed: seed, Accounts: 3, Regions: 4, Days: 7, Org: "o-a1b2c3d4e5"}
}

// ensureLogs generates the logs unless a previous run left them complete.
func ensureLogs(ctx context.Context, dir string, opts IngestOptions, log io.Writer) (gen.Stats, error) {
	marker := filepath.Join(dir, ".generated.json")
	if b, err := os.ReadFile(marker); err == nil {
		var m genMarker
		if json.Unmarshal(b, &m) == nil && m.Events == opts.Events && m.Seed == opts.Seed {
			fmt.Fprintf(log, "reusing %d generated events in %s\n", m.Stats.Events, dir)
			return m.Stats, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return gen.Stats{}, fmt.Errorf("cannot clear %s: %w", dir, err)
	}
	fmt.Fprintf(log, "generating %d events in %s...\n", opts.Events, dir)
	start := time.Now()
	st, err := gen.Generate(ctx, IngestSet(dir, opts.Events, opts.Seed), nil)
	if err != nil {
		return st, fmt.Errorf("cannot generate logs: %w", err)
	}
	fmt.Fprintf(log, "generated in %s\n", time.Since(start).Round(time.Millisecond))
	b, _ := json.Marshal(genMarker{Events: opts.Events, Seed: opts.Seed, Stats: st})
	if err := os.WriteFile(marker, b, 0o644); err != nil {
		return st, fmt.Errorf("cannot write %s: %w", marker, err)
	}
	return st, nil
}

// runChild runs exe with args and measures its wall time and peak RSS.
func runChild(ctx context.Context, exe string, args ...string) (Measure, error) {
	cmd := exec.CommandContext(ctx, exe, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Measure{}, fmt.Errorf("cannot run %s %s: %w: %s", filepath.Base(exe), strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	m := Measure{Wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.MaxRSS = ru.Maxrss * 1024
	}
	return m, nil
}

func dirSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
