package cli

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
)

// IngestOptions are the settings of `trailsql ingest`.
type IngestOptions struct {
	Sources        []string
	Lake           string
	Since, Until   string
	Accounts       []string
	Regions        []string
	Workers        int
	MaxRecordBytes int
	ShowQuarantine bool
	NoCompact      bool
	FlushEvents    int
	MemoryMB       int
	S3             S3Flags
}

func newIngestCmd(f *Factory, runF func(context.Context, *Factory, *IngestOptions) error) *cobra.Command {
	opts := &IngestOptions{}
	cmd := &cobra.Command{
		Use:   "ingest SOURCE... [--lake DIR]",
		Short: "Load CloudTrail logs into the lake (incremental)",
		Long: `Load CloudTrail logs into the lake.

SOURCE is a folder (a copy of a trail bucket with its AWSLogs/ layout,
organization trails included, or any folder of .json/.json.gz files) or a
single file. Files may hold {"Records":[...]} documents (gzip or plain),
newline-delimited events, or a JSON array of events.

Only objects that are new or changed since the last run are read; a record
delivered twice is stored once. Digest files are recognised and kept for
integrity checks; objects that are not CloudTrail logs (AWS Config, Control
Tower, ...) are skipped; bad input is quarantined with its reason and listed
by --show-quarantine.`,
		Example: `  trailsql ingest ./my-trail-bucket-copy
  trailsql ingest ./logs --since 2024-05-01 --until 2024-05-07 --account 111122223333
  trailsql ingest --show-quarantine`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Sources = args
			if len(args) == 0 && !opts.ShowQuarantine {
				return usagef("ingest needs at least one SOURCE (see 'trailsql ingest --help')")
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runIngest(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Lake, "lake", "", "lake folder or s3://bucket/prefix (default $TRAILSQL_LAKE or ./trailsql-lake)")
	fl.StringVar(&opts.Since, "since", "", "first day to load, YYYY-MM-DD (by object key)")
	fl.StringVar(&opts.Until, "until", "", "last day to load, YYYY-MM-DD (by object key)")
	fl.StringSliceVar(&opts.Accounts, "account", nil, "load only these account ids (repeat or comma-separate)")
	fl.StringSliceVar(&opts.Regions, "region", nil, "load only these regions (repeat or comma-separate)")
	fl.IntVar(&opts.Workers, "workers", 0, "objects read at once (default: number of CPUs)")
	fl.IntVar(&opts.MaxRecordBytes, "max-record-bytes", 1<<20, "quarantine records larger than this")
	fl.BoolVar(&opts.ShowQuarantine, "show-quarantine", false, "list what was quarantined, with reasons, and exit")
	fl.BoolVar(&opts.NoCompact, "no-compact", false, "do not compact partitions after loading")
	opts.S3.addFlags(fl)
	fl.IntVar(&opts.FlushEvents, "flush-events", 0, "events buffered before they are written (bounds memory)")
	fl.IntVar(&opts.MemoryMB, "memory-mb", 448, "soft memory limit in MB (the Go heap is collected harder near it)")
	_ = fl.MarkHidden("flush-events")
	return cmd
}

func parseDay(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, usagef("--%s %q is not a date (want YYYY-MM-DD)", flag, v)
	}
	return t, nil
}

func runIngest(ctx context.Context, f *Factory, opts *IngestOptions) error {
	if opts.ShowQuarantine {
		dir, err := localLakeDir(f, opts.Lake, &opts.S3)
		if err != nil {
			return err
		}
		return showQuarantine(f.IO.Out, dir)
	}
	since, err := parseDay("since", opts.Since)
	if err != nil {
		return err
	}
	until, err := parseDay("until", opts.Until)
	if err != nil {
		return err
	}
	// Local sources are checked before the lake is made.
	srcs := make([]ingest.Source, len(opts.Sources))
	for i, s := range opts.Sources {
		if app.IsS3(s) {
			continue
		}
		if srcs[i], err = source.NewLocal(s); err != nil {
			return &UsageError{Err: err}
		}
	}
	if opts.MemoryMB > 0 {
		prev := debug.SetMemoryLimit(int64(opts.MemoryMB) << 20)
		defer debug.SetMemoryLimit(prev)
	}
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{Write: true, Log: io.Discard})
	if err != nil {
		return err
	}
	defer a.Close()
	for i, s := range opts.Sources {
		if srcs[i] == nil {
			if srcs[i], err = a.OpenSource(ctx, s); err != nil {
				return err
			}
		}
	}
	iopts := ingest.Options{
		Sources:        srcs,
		Filter:         source.Filter{Since: since, Until: until, Accounts: opts.Accounts, Regions: opts.Regions},
		Workers:        opts.Workers,
		MaxRecordBytes: opts.MaxRecordBytes,
		FlushEvents:    opts.FlushEvents,
		Now:            f.Now,
	}
	if opts.NoCompact {
		iopts.CompactFiles = -1
	}
	var bar *progressBar
	if f.IO.IsStderrTTY() {
		bar = newProgressBar(f.IO.ErrOut, f.Now)
		iopts.Progress = bar.update
	}
	res, err := a.Ingest(ctx, iopts)
	if bar != nil {
		bar.finish()
	}
	if app.IsInput(err) {
		return err
	}
	printSummary(f.IO.Out, a.Name(), res.Summary)
	if p := res.Published; p != nil {
		fmt.Fprintf(f.IO.Out, "published %s: %d files up (%.1f MB), %d removed, %d requests, %s\n", a.S3URL(),
			p.Files, float64(p.Bytes)/1e6, p.Deleted, p.Requests.Total(), p.Duration.Round(time.Millisecond))
	}
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("%d object(s) could not be read; they will be tried again next run", len(res.Errors))
	}
	return nil
}

// localLakeDir is the local folder of the lake the --lake flag names,
// without opening it: the folder itself, or an s3:// lake's copy.
func localLakeDir(f *Factory, lakeFlag string, s3f *S3Flags) (string, error) {
	name := lakeDir(f, lakeFlag)
	if !app.IsS3(name) || s3f.Cache != "" {
		if s3f.Cache != "" {
			return s3f.Cache, nil
		}
		return name, nil
	}
	dir, err := app.CacheDir(f.Getenv, name)
	if err != nil {
		return "", &UsageError{Err: err}
	}
	return dir, nil
}

func printSummary(w io.Writer, dir string, s ingest.Summary) {
	if s.NothingNew() && s.Objects > 0 {
		fmt.Fprintf(w, "nothing new: %d objects already in the lake %s (%s)\n", s.Unchanged, dir, s.Duration.Round(time.Millisecond))
		return
	}
	secs := s.Duration.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	fmt.Fprintf(w, "objects   %d seen, %d new or changed, %d unchanged, %d skipped (not CloudTrail), %d digests\n",
		s.Objects, s.New, s.Unchanged, s.Skipped, s.Digests)
	fmt.Fprintf(w, "events    %d read, %d written, %d already stored or delivered twice\n", s.Events, s.Written, s.Duplicates)
	if s.Conflicts > 0 {
		fmt.Fprintf(w, "conflicts %d records share an eventID, time and name with a stored event but differ (quarantined)\n", s.Conflicts)
	}
	if s.Filtered > 0 {
		fmt.Fprintf(w, "filtered  %d records outside --account/--region/--since/--until\n", s.Filtered)
	}
	if s.QuarantinedRecs > 0 {
		fmt.Fprintf(w, "quarantined %d objects whole, %d with bad records (%d items; see 'trailsql ingest --show-quarantine')\n",
			s.QuarantinedObj, s.PartialObj, s.QuarantinedRecs)
	}
	fmt.Fprintf(w, "lake      %s: %d files, %.1f MB written", dir, s.Files, float64(s.LakeBytes)/1e6)
	if s.Compacted.Partitions > 0 {
		fmt.Fprintf(w, "; compacted %d buckets (%d files into %d)", s.Compacted.Partitions, s.Compacted.FilesBefore, s.Compacted.FilesAfter)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "time      %s (%.0f events/s, %.1f MB/s of JSON)\n", s.Duration.Round(time.Millisecond),
		float64(s.Events)/secs, float64(s.UncompressedBytes)/1e6/secs)
	for _, e := range s.Errors {
		fmt.Fprintf(w, "error     %s\n", e)
	}
}

func showQuarantine(w io.Writer, dir string) error {
	items, err := lake.QuarantineItems(dir)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		fmt.Fprintf(w, "nothing quarantined in %s\n", dir)
		return nil
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Key < items[j].Key })
	for _, it := range items {
		where := "whole object"
		if it.Index >= 0 {
			where = fmt.Sprintf("record %d", it.Index)
		} else if it.File == "" {
			where = fmt.Sprintf("offset %d", it.Offset)
		}
		kept := it.File
		if kept == "" {
			kept = fmt.Sprintf("%d bytes kept", it.Size)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", it.Key, where, it.Reason, kept)
	}
	fmt.Fprintf(w, "%d items quarantined (kept under %s/_trailsql/quarantine)\n", len(items), dir)
	return nil
}

// progressBar draws ingest progress on a terminal, at most 5 times a second.
type progressBar struct {
	mu   sync.Mutex
	w    io.Writer
	now  func() time.Time
	last time.Time
	line int
}

func newProgressBar(w io.Writer, now func() time.Time) *progressBar {
	return &progressBar{w: w, now: now}
}

func (b *progressBar) update(p ingest.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.now(); t.Sub(b.last) < 200*time.Millisecond {
		return
	} else {
		b.last = t
	}
	secs := p.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	total := fmt.Sprintf("%d+", p.ToRead)
	bar := ""
	if p.ListingEnd && p.ToRead > 0 {
		total = fmt.Sprint(p.ToRead)
		n := 24 * p.Done / p.ToRead
		bar = "[" + strings.Repeat("=", n) + strings.Repeat(" ", 24-n) + "] "
	}
	line := fmt.Sprintf("\r%sobjects %d/%s  events %d  %.1f MB/s", bar, p.Done, total, p.Events, float64(p.Bytes)/1e6/secs)
	pad := b.line - len(line)
	b.line = len(line)
	if pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	fmt.Fprint(b.w, line)
}

func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.line > 0 {
		fmt.Fprint(b.w, "\r"+strings.Repeat(" ", b.line)+"\r")
	}
}
