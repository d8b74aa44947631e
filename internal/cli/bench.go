package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/bench"
)

// BenchOptions are the settings of `trailsql bench ingest`.
type BenchOptions struct {
	Dir           string
	Shapes        []string
	Events        int64
	SparseEvents  int64
	Seed          uint64
	SkipDuckDB    bool
	DuckDBColumns bool
	DuckDBTimeout time.Duration
}

// ingestOptions returns the benchmark's options for the binary exe.
func (o *BenchOptions) ingestOptions(exe string) bench.IngestOptions {
	return bench.IngestOptions{
		Dir:           o.Dir,
		Shapes:        o.Shapes,
		Events:        o.Events,
		SparseEvents:  o.SparseEvents,
		Seed:          o.Seed,
		Exe:           exe,
		SkipDuckDB:    o.SkipDuckDB,
		DuckDBColumns: o.DuckDBColumns,
		DuckDBTimeout: o.DuckDBTimeout,
	}
}

func newBenchCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure trailsql against its baselines on generated data",
	}
	cmd.AddCommand(newBenchIngestCmd(f, nil), newBenchConvertCmd())
	return cmd
}

func newBenchIngestCmd(f *Factory, runF func(context.Context, *Factory, *BenchOptions) error) *cobra.Command {
	opts := &BenchOptions{}
	cmd := &cobra.Command{
		Use:   "ingest [--shapes dense,sparse] [--events N] [--sparse-events N] [--dir DIR]",
		Short: "Ingest throughput, CPU, peak RSS and lake size, against DuckDB's read_json",
		Long: `Generate two shapes of logs (cached in DIR between runs):

  dense   a busy account's trail: 1 account, 1 region, 90 days, one file
          an hour (--events, about 500 events per file for 1M events)
  sparse  an organization of quiet partitions: 5 accounts, 17 regions,
          60 days, five-minute files (--sparse-events, about 218,000 tiny
          files for 300,000 events)

For each shape, ingest the files into a fresh lake, convert the same files
with DuckDB's plain read_json to one Parquet file (retried with
union_by_name = true if DuckDB refuses the records; killed after
--duckdb-timeout), each in its own process and with the same number of
threads, and print a table: wall time, events/s, MB/s of JSON, CPU seconds,
peak RSS, files written, bytes written, and the ratios of the two.`,
		Example: `  trailsql bench ingest --dir /tmp/bench-ingest
  trailsql bench ingest --shapes dense --events 200000 --skip-duckdb`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runBenchIngest(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dir, "dir", filepath.Join(os.TempDir(), "trailsql-bench"), "work folder (generated logs are kept here)")
	fl.StringSliceVar(&opts.Shapes, "shapes", bench.Shapes, "shapes to run: dense, sparse")
	fl.Int64Var(&opts.Events, "events", bench.DefaultEvents, "events of the dense shape")
	fl.Int64Var(&opts.SparseEvents, "sparse-events", bench.DefaultSparseEvents, "events of the sparse shape")
	fl.Uint64Var(&opts.Seed, "seed", 1, "generator seed")
	fl.BoolVar(&opts.SkipDuckDB, "skip-duckdb", false, "leave out the DuckDB baseline")
	fl.BoolVar(&opts.DuckDBColumns, "duckdb-columns", false, "convert with the Records' columns declared (the Athena DDL) instead of plain read_json")
	fl.DurationVar(&opts.DuckDBTimeout, "duckdb-timeout", bench.DefaultDuckDBTimeout, "kill a DuckDB conversion that runs longer")
	return cmd
}

func runBenchIngest(ctx context.Context, f *Factory, opts *BenchOptions) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find the trailsql binary: %w", err)
	}
	bo := opts.ingestOptions(exe)
	if err := bo.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", opts.Dir, err)
	}
	res, err := bench.Ingest(ctx, bo, f.IO.ErrOut)
	var oe *bench.OptionsError
	if errors.As(err, &oe) {
		return &UsageError{Err: err}
	}
	if err != nil {
		return err
	}
	res.Print(f.IO.Out)
	return nil
}

func newBenchConvertCmd() *cobra.Command {
	var o bench.ConvertOptions
	cmd := &cobra.Command{
		Use:    "duckdb-convert SRC OUT",
		Short:  "The DuckDB baseline: convert SRC's logs to one Parquet file",
		Hidden: true,
		Args:   cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			return bench.DuckDBConvert(c.Context(), args[0], args[1], o)
		},
	}
	cmd.Flags().IntVar(&o.Threads, "threads", 0, "DuckDB's threads (default: DuckDB's own, the number of cores)")
	cmd.Flags().BoolVar(&o.UnionByName, "union-by-name", false, "read_json with union_by_name = true")
	cmd.Flags().BoolVar(&o.Columns, "columns", false, "declare the Records' columns (the Athena DDL)")
	return cmd
}
