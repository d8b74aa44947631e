package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/lake"
)

// CompactOptions are the settings of `trailsql compact`.
type CompactOptions struct {
	Lake     string
	MaxFiles int
}

func newCompactCmd(f *Factory, runF func(context.Context, *Factory, *CompactOptions) error) *cobra.Command {
	opts := &CompactOptions{}
	cmd := &cobra.Command{
		Use:   "compact [--lake DIR] [--max-files N]",
		Short: "Merge each partition's data files into one sorted file",
		Long: `Merge the data files of every partition that has more than N files into one
file sorted by event time. Ingest does this by itself for the partitions it
writes (N = 8); run it to tidy a whole lake. Readers see either the old
files or the new one, and an interrupted compaction is finished or undone
by the next command that opens the lake.

It also rebuilds the token index and summary (the _*.tokens file beside each
data file) of files that have none or one written by an older trailsql, so
that queries can skip those files by identifier and by time.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.MaxFiles < 1 {
				return usagef("--max-files must be at least 1")
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runCompact(c.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lake, "lake", "", "lake folder (default $TRAILSQL_LAKE or ./trailsql-lake)")
	cmd.Flags().IntVar(&opts.MaxFiles, "max-files", 1, "compact partitions with more data files than this")
	return cmd
}

func runCompact(ctx context.Context, f *Factory, opts *CompactOptions) error {
	dir := lakeDir(f, opts.Lake)
	start := f.Now()
	lk, err := lake.Open(ctx, dir, f.Now)
	if err != nil {
		return err
	}
	defer lk.Close()
	parts, err := lake.Partitions(dir)
	if err != nil {
		return fmt.Errorf("cannot list partitions of %s: %w", dir, err)
	}
	var total lake.CompactStats
	reindexed := 0
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := lk.Compact(p, opts.MaxFiles)
		if err != nil {
			return err
		}
		total.Partitions += s.Partitions
		total.FilesBefore += s.FilesBefore
		total.FilesAfter += s.FilesAfter
		total.Events += s.Events
		n, err := lk.Reindex(p)
		if err != nil {
			return err
		}
		reindexed += n
	}
	fmt.Fprintf(f.IO.Out, "compacted %d of %d partitions: %d files into %d (%s)\n",
		total.Partitions, len(parts), total.FilesBefore, total.FilesAfter, f.Now().Sub(start).Round(time.Millisecond))
	if reindexed > 0 {
		fmt.Fprintf(f.IO.Out, "rebuilt the index of %d files written by an older trailsql\n", reindexed)
	}
	return nil
}
