package cli

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/source"
)

// SyncOptions are the settings of `trailsql sync`.
type SyncOptions struct {
	Sources   []string
	Lake      string
	Every     time.Duration
	Lookback  string
	Accounts  []string
	Regions   []string
	Workers   int
	LogFormat string
	NoCompact bool
	S3        S3Flags
	Detect    SyncDetectFlags
}

func newSyncCmd(f *Factory, runF func(context.Context, *Factory, *SyncOptions) error) *cobra.Command {
	opts := &SyncOptions{}
	cmd := &cobra.Command{
		Use:   "sync SOURCE... [--lake DIR|s3://bucket/prefix] [--every 15m] [--lookback 2d]",
		Short: "Keep the lake current: ingest new logs on a schedule",
		Long: `Keep the lake current: run an incremental ingest now and then every
--every (0: once), logging one line per run (objects, events, errors,
duration, S3 requests).

For S3 sources, each run lists only the days of the --lookback window (so
files that CloudTrail delivers late into recent days are found), plus the
whole history of any account, log kind or region the lake has not seen
yet: accounts and regions that appear need no step by the user. Files
delivered later than the lookback window are found by 'trailsql ingest'
(which lists everything). Local folders are listed whole each run.

With --lake s3://bucket/prefix, the lake is written to S3 (Hive layout,
readable by Athena, Trino and Spark) through a local cache; see
'trailsql athena ddl'. SIGINT or SIGTERM ends sync after the objects in
hand are stored and published.

With --detect, each run then evaluates the detection rules over the new
events, stores the findings in the lake and sends each new one, through
an outbox in the lake, to the --alert-* sinks: once, even across a crash
(see the README's Alerts section).`,
		Example: `  trailsql sync s3://org-trail-bucket --every 15m --lookback 2d
  trailsql sync s3://org-trail-bucket --lake s3://analytics/trailsql --profile audit
  trailsql sync s3://logs --endpoint-url http://127.0.0.1:9000 --every 0
  TRAILSQL_WEBHOOK_SECRET=... trailsql sync s3://org-trail-bucket --detect --alert-webhook https://hooks.example.com/t`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Sources = args
			if len(args) == 0 {
				return usagef("sync needs at least one SOURCE (see 'trailsql sync --help')")
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runSync(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Lake, "lake", "", "lake folder or s3://bucket/prefix (default $TRAILSQL_LAKE or ./trailsql-lake)")
	fl.DurationVar(&opts.Every, "every", 15*time.Minute, "time between runs (0: run once)")
	fl.StringVar(&opts.Lookback, "lookback", "2d", "days of S3 logs listed again each run, for late deliveries (e.g. 2d, 36h)")
	fl.StringSliceVar(&opts.Accounts, "account", nil, "load only these account ids")
	fl.StringSliceVar(&opts.Regions, "region", nil, "load only these regions")
	fl.IntVar(&opts.Workers, "workers", 0, "objects read at once (default: number of CPUs, more for S3)")
	fl.StringVar(&opts.LogFormat, "log-format", "text", "run log lines as text (logfmt) or json")
	fl.BoolVar(&opts.NoCompact, "no-compact", false, "do not compact partitions after loading")
	opts.S3.addFlags(fl)
	opts.Detect.addFlags(fl)
	return cmd
}

func runSync(ctx context.Context, f *Factory, opts *SyncOptions) error {
	lookback, err := app.ParseLookback(opts.Lookback)
	if err != nil {
		return err
	}
	if opts.Every < 0 {
		return usagef("--every cannot be negative")
	}
	if err := opts.Detect.validate(f, opts.S3.Profile); err != nil {
		return err
	}
	logOut := f.IO.Out
	if opts.Detect.Alert.Stdout {
		logOut = f.IO.ErrOut // stdout carries the findings
	}
	var h slog.Handler
	switch opts.LogFormat {
	case "text":
		h = slog.NewTextHandler(logOut, nil)
	case "json":
		h = slog.NewJSONHandler(logOut, nil)
	default:
		return usagef("--log-format %q is not text or json", opts.LogFormat)
	}
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{Write: true, Log: io.Discard})
	if err != nil {
		return err
	}
	defer a.Close()
	afterRun, err := opts.Detect.afterRun(ctx, f, a, slog.New(h))
	if err != nil {
		return err
	}
	return a.Sync(ctx, app.SyncOptions{
		AfterRun:  afterRun,
		Sources:   opts.Sources,
		Every:     opts.Every,
		Lookback:  lookback,
		Filter:    source.Filter{Accounts: opts.Accounts, Regions: opts.Regions},
		Workers:   opts.Workers,
		NoCompact: opts.NoCompact,
		OnRun: func(ctx context.Context, r *app.SyncRun) {
			logRun(ctx, h, a.Name(), r)
		},
	})
}

// logRun logs one line about a sync run.
func logRun(ctx context.Context, h slog.Handler, lakeName string, run *app.SyncRun) {
	sum, pub, err, next := run.Summary, run.Published, run.Err, run.Next
	level, msg := slog.LevelInfo, "sync run"
	errs := len(sum.Errors)
	if err != nil {
		level, msg = slog.LevelError, "sync run failed"
		errs++
	} else if errs > 0 {
		level = slog.LevelWarn
	}
	r := slog.NewRecord(run.Start, level, msg, 0)
	r.AddAttrs(
		slog.Int("run", run.N),
		slog.String("lake", lakeName),
		slog.Int("objects", sum.Objects),
		slog.Int("new", sum.New),
		slog.Int("unchanged", sum.Unchanged),
		slog.Int("events", sum.Events),
		slog.Int("written", sum.Written),
		slog.Int("duplicates", sum.Duplicates),
		slog.Int("quarantined", sum.QuarantinedRecs),
		slog.Int("errors", errs),
		slog.String("duration", sum.Duration.Round(time.Millisecond).String()),
		slog.Int64("s3_requests", run.Requests),
	)
	if pub.Files > 0 || pub.Deleted > 0 {
		r.AddAttrs(slog.Int("published", pub.Files), slog.Int("unpublished", pub.Deleted))
	}
	if err != nil {
		r.AddAttrs(slog.String("error", err.Error()))
	} else if len(sum.Errors) > 0 {
		r.AddAttrs(slog.String("first_error", sum.Errors[0]))
	}
	if !next.IsZero() {
		r.AddAttrs(slog.Time("next", next))
	}
	h.Handle(ctx, r)
}
