package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/lake"
)

// CompactOptions are the settings of `trailsql compact`.
type CompactOptions struct {
	Lake     string
	MaxFiles int
	S3       S3Flags
}

func newCompactCmd(f *Factory, runF func(context.Context, *Factory, *CompactOptions) error) *cobra.Command {
	opts := &CompactOptions{}
	cmd := &cobra.Command{
		Use:   "compact [--lake DIR|s3://bucket/prefix] [--max-files N]",
		Short: "Bring the lake to its current layout: convert, merge small files, rebuild indexes",
		Long: `Bring the whole lake to its current layout, crash-safe at every step:

- Partitions of the older layout (one folder per account, region and day,
  written by trailsql before buckets) are moved into buckets: one folder
  per account and month whose files hold every region and day as columns.
  Queries read both layouts, so the lake stays usable during the change.
- In each bucket with more than N files under ` + fmt.Sprint(lake.TargetRows) + ` rows, those files are
  merged into files of up to that many rows, sorted by event time. Ingest
  does this by itself for the buckets it writes (N = 4).
- Token indexes and summaries (the _*.tokens file beside each data file)
  missing or written by an older trailsql are rebuilt.

Readers see either the old files or the new ones, and an interrupted
compaction is finished or undone by the next command that opens the lake.
An s3:// lake is locked, brought into its local copy, compacted there and
published, as ingest and sync do.`,
		Example: `  trailsql compact
  trailsql compact --lake /data/trailsql-lake --max-files 1`,
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
	addLakeFlags(cmd.Flags(), &opts.Lake, &opts.S3)
	cmd.Flags().IntVar(&opts.MaxFiles, "max-files", 1, "merge the small files of buckets that have more than this many")
	return cmd
}

func runCompact(ctx context.Context, f *Factory, opts *CompactOptions) error {
	start := f.Now()
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{Write: true, Log: io.Discard})
	if err != nil {
		return err
	}
	defer a.Close()
	var progress func(lake.Bucket, int, int)
	if f.IO.IsStderrTTY() {
		progress = func(b lake.Bucket, done, total int) {
			fmt.Fprintf(f.IO.ErrOut, "\r\033[Kcompact: %d/%d buckets (%s)", done, total, b.Path())
		}
	}
	st, err := a.Compact(ctx, opts.MaxFiles, progress)
	if progress != nil {
		fmt.Fprint(f.IO.ErrOut, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if c := st.Converted; c.Partitions > 0 {
		fmt.Fprintf(f.IO.Out, "converted %d partitions of the older layout: %d files into %d (%d events)\n",
			c.Partitions, c.FilesBefore, c.FilesAfter, c.Events)
	}
	c := st.Compacted
	fmt.Fprintf(f.IO.Out, "compacted %d of %d buckets: %d files into %d (%s)\n",
		c.Partitions, st.Buckets, c.FilesBefore, c.FilesAfter, f.Now().Sub(start).Round(time.Millisecond))
	if st.Reindexed > 0 {
		fmt.Fprintf(f.IO.Out, "rebuilt the index of %d files written by an older trailsql\n", st.Reindexed)
	}
	if p := st.Published; p != nil {
		fmt.Fprintf(f.IO.Out, "published %s: %d files up (%.1f MB), %d removed, %d requests, %s\n", a.S3URL(),
			p.Files, float64(p.Bytes)/1e6, p.Deleted, p.Requests.Total(), p.Duration.Round(time.Millisecond))
	}
	return nil
}
