package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/bench"
)

// BenchOptions are the settings of `trailsql bench ingest`.
type BenchOptions struct {
	Dir        string
	Events     int64
	Seed       uint64
	SkipDuckDB bool
}

func newBenchCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure trailsql against its baselines on generated data",
	}
	opts := &BenchOptions{}
	ingestCmd := &cobra.Command{
		Use:   "ingest [--events N] [--dir DIR]",
		Short: "Ingest throughput, peak RSS and lake size, against DuckDB's read_json",
		Long: `Generate N realistic events (cached in DIR between runs), ingest them into a
fresh lake, convert the same files to Parquet with DuckDB's read_json, and
print events/s, MB/s of JSON, peak RSS, lake size against the gzip input,
and the ratio of the two times. Each side runs in its own process.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Events < 1 {
				return usagef("--events must be at least 1")
			}
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("cannot find the trailsql binary: %w", err)
			}
			if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
				return fmt.Errorf("cannot create %s: %w", opts.Dir, err)
			}
			res, err := bench.Ingest(c.Context(), bench.IngestOptions{Dir: opts.Dir, Events: opts.Events, Seed: opts.Seed, Exe: exe, SkipDuckDB: opts.SkipDuckDB}, f.IO.ErrOut)
			if err != nil {
				return err
			}
			res.Print(f.IO.Out)
			return nil
		},
	}
	ingestCmd.Flags().StringVar(&opts.Dir, "dir", filepath.Join(os.TempDir(), "trailsql-bench"), "work folder (generated logs are kept here)")
	ingestCmd.Flags().Int64Var(&opts.Events, "events", 1_000_000, "events to generate")
	ingestCmd.Flags().Uint64Var(&opts.Seed, "seed", 1, "generator seed")
	ingestCmd.Flags().BoolVar(&opts.SkipDuckDB, "skip-duckdb", false, "leave out the DuckDB baseline")
	convert := &cobra.Command{
		Use:    "duckdb-convert SRC OUT",
		Short:  "The DuckDB baseline: convert SRC's logs to one Parquet file",
		Hidden: true,
		Args:   cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			return bench.DuckDBConvert(c.Context(), args[0], args[1])
		},
	}
	cmd.AddCommand(ingestCmd, convert)
	return cmd
}
