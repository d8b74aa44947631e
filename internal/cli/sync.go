package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
)

// S3Flags are the settings of the commands that reach S3.
type S3Flags struct {
	Profile     string
	EndpointURL string
	// Cache is the local copy of an S3 lake (--lake s3://...).
	Cache string
}

// addFlags adds the flags of commands that read S3 and write a lake.
func (s *S3Flags) addFlags(fl *pflag.FlagSet) {
	s.addConnFlags(fl)
	fl.StringVar(&s.Cache, "cache", "", "local copy of an s3:// lake (default $TRAILSQL_CACHE/<bucket>/<prefix>, else the user cache folder)")
}

// addConnFlags adds the flags that say how to reach S3.
func (s *S3Flags) addConnFlags(fl *pflag.FlagSet) {
	fl.StringVar(&s.Profile, "profile", "", "AWS shared-config profile (default: $AWS_PROFILE or the default chain)")
	fl.StringVar(&s.EndpointURL, "endpoint-url", "", "S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default $AWS_ENDPOINT_URL; implies path-style)")
}

// config returns the S3 configuration: flags first, then the environment
// (read through the Factory), then the SDK's standard chain.
func (s *S3Flags) config(f *Factory) source.S3Config {
	cfg := source.S3Config{Profile: s.Profile, EndpointURL: s.EndpointURL, Getenv: f.Getenv}
	if cfg.Profile == "" {
		if id, secret := f.Getenv("AWS_ACCESS_KEY_ID"), f.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
			cfg.Credentials = credentials.NewStaticCredentialsProvider(id, secret, f.Getenv("AWS_SESSION_TOKEN"))
		}
	}
	if r := f.Getenv("AWS_REGION"); r != "" {
		cfg.Region = r
	} else if r := f.Getenv("AWS_DEFAULT_REGION"); r != "" {
		cfg.Region = r
	}
	return cfg
}

// cacheDir is the local folder of a lake: lake itself when it is local, the
// cache of an s3:// lake otherwise.
func (s *S3Flags) cacheDir(f *Factory, lakeArg string) (string, error) {
	if !strings.HasPrefix(lakeArg, "s3://") {
		return lakeArg, nil
	}
	if s.Cache != "" {
		return s.Cache, nil
	}
	bucket, prefix, err := source.ParseS3URL(lakeArg)
	if err != nil {
		return "", &UsageError{Err: err}
	}
	root := f.Getenv("TRAILSQL_CACHE")
	if root == "" {
		base := f.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home := f.Getenv("HOME")
			if home == "" {
				return "", usagef("no cache folder for %s: give --cache DIR or set $TRAILSQL_CACHE", lakeArg)
			}
			base = filepath.Join(home, ".cache")
		}
		root = filepath.Join(base, "trailsql", "lakes")
	}
	return filepath.Join(root, bucket, filepath.FromSlash(strings.Trim(prefix, "/"))), nil
}

// newS3Source opens an s3:// SOURCE; the digest files it lists are kept in
// the lake at lakeDir.
func newS3Source(ctx context.Context, f *Factory, s3f *S3Flags, lakeDir, url string) (*source.S3, error) {
	return source.NewS3(ctx, url, s3f.config(f), source.S3Options{
		DigestDir: filepath.Join(lakeDir, lake.MetaDir, "digests"),
		Now:       f.Now,
	})
}

// sourceWorkers is how many objects are read at once: the flag, else more
// than CPUs when a source is in S3, whose reads wait on the network.
func sourceWorkers(flag int, srcs []ingest.Source) int {
	if flag != 0 {
		return flag
	}
	for _, s := range srcs {
		if _, ok := s.(*source.S3); ok {
			return max(16, 4*runtime.NumCPU())
		}
	}
	return 0
}

// sourceProblems returns what the sources could not list (S3 folders where
// access is denied), as summary errors.
func sourceProblems(srcs []ingest.Source) []string {
	var out []string
	for _, s := range srcs {
		if p, ok := s.(interface{ Problems() []error }); ok {
			for _, err := range p.Problems() {
				out = append(out, err.Error())
			}
		}
	}
	return out
}

// openedLake is a lake open for writing; for an s3:// lake, the local cache
// and its S3 mirror.
type openedLake struct {
	*lake.Lake
	Name   string // the lake as the user named it
	mirror *mirror.Mirror
	unlock func(context.Context) error
	held   context.Context // while the S3 lake is locked: cancelled if the lock is lost
}

// openLake opens the lake named by arg (a folder or s3://bucket/prefix) and
// begins a run: for an s3:// lake, it takes the S3 lake's lock and brings
// the cache up to date.
func openLake(ctx context.Context, f *Factory, s3f *S3Flags, arg string) (*openedLake, error) {
	dir, err := s3f.cacheDir(f, arg)
	if err != nil {
		return nil, err
	}
	lk, err := lake.Open(ctx, dir, f.Now)
	if err != nil {
		return nil, err
	}
	l := &openedLake{Lake: lk, Name: arg}
	if strings.HasPrefix(arg, "s3://") {
		bucket, _, _ := source.ParseS3URL(arg)
		c, err := source.DialS3(ctx, bucket, s3f.config(f))
		if err != nil {
			lk.Close()
			return nil, err
		}
		if l.mirror, err = mirror.New(dir, c, arg, mirror.Options{Now: f.Now}); err != nil {
			lk.Close()
			return nil, err
		}
	}
	if err := l.begin(ctx); err != nil {
		lk.Close()
		return nil, err
	}
	return l, nil
}

// begin locks the S3 lake and pulls what changed there.
func (l *openedLake) begin(ctx context.Context) error {
	if l.mirror == nil {
		return nil
	}
	// The lock outlives a signal: an interrupted run still publishes.
	held, unlock, err := l.mirror.Lock(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	l.held, l.unlock = held, unlock
	pctx, stop := l.runContext(ctx)
	_, err = l.mirror.Pull(pctx)
	stop()
	if err != nil {
		if uerr := l.unlock(context.WithoutCancel(ctx)); errors.Is(uerr, mirror.ErrLockLost) {
			err = uerr
		}
		l.unlock, l.held = nil, nil
		return err
	}
	return nil
}

// runContext returns ctx, cancelled too (with the cause) if the S3 lake's
// lock is lost: the writes of a run go on only while the lock is held.
func (l *openedLake) runContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if l.held == nil {
		return context.WithCancel(ctx)
	}
	rctx, cancel := context.WithCancelCause(ctx)
	held := l.held
	stop := context.AfterFunc(held, func() { cancel(context.Cause(held)) })
	return rctx, func() {
		stop()
		cancel(nil)
	}
}

// end publishes a run's changes to the S3 lake and unlocks it; it reports
// what it did on w. Interrupted, it still tries for a while: what the cache
// holds is consistent, and the S3 lake should have it too.
func (l *openedLake) end(ctx context.Context, w io.Writer) (mirror.Stats, error) {
	if l.mirror == nil || l.unlock == nil {
		return mirror.Stats{}, nil
	}
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
	}
	var st mirror.Stats
	var err error
	if l.held.Err() == nil {
		pctx, stop := l.runContext(ctx)
		st, err = l.mirror.Push(pctx)
		stop()
	}
	// A lock lost is the error that matters: another writer has the lake.
	if uerr := l.unlock(ctx); err == nil || errors.Is(uerr, mirror.ErrLockLost) {
		err = uerr
	}
	l.unlock, l.held = nil, nil
	if w != nil && err == nil {
		fmt.Fprintf(w, "published %s: %d files up (%.1f MB), %d removed, %d requests, %s\n", l.mirror.URL(),
			st.Files, float64(st.Bytes)/1e6, st.Deleted, st.Requests.Total(), st.Duration.Round(time.Millisecond))
	}
	if err != nil {
		err = fmt.Errorf("cannot publish the lake to %s (the local copy %s has everything; the next run publishes it): %w", l.mirror.URL(), l.Dir, err)
	}
	return st, err
}

// Close unlocks the S3 lake if a run is open, and closes the lake.
func (l *openedLake) Close() error {
	var err error
	if l.unlock != nil {
		err = l.unlock(context.Background())
		l.unlock, l.held = nil, nil
	}
	if cerr := l.Lake.Close(); err == nil {
		err = cerr
	}
	return err
}

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
hand are stored and published.`,
		Example: `  trailsql sync s3://org-trail-bucket --every 15m --lookback 2d
  trailsql sync s3://org-trail-bucket --lake s3://analytics/trailsql --profile audit
  trailsql sync s3://logs --endpoint-url http://127.0.0.1:9000 --every 0`,
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
	return cmd
}

// parseLookback reads 2d, 36h or 90m.
func parseLookback(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err == nil && d >= 0 {
			return time.Duration(d) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, usagef("--lookback %q is not a duration (want e.g. 2d or 36h)", s)
}

func runSync(ctx context.Context, f *Factory, opts *SyncOptions) error {
	lookback, err := parseLookback(opts.Lookback)
	if err != nil {
		return err
	}
	if opts.Every < 0 {
		return usagef("--every cannot be negative")
	}
	var h slog.Handler
	switch opts.LogFormat {
	case "text":
		h = slog.NewTextHandler(f.IO.Out, nil)
	case "json":
		h = slog.NewJSONHandler(f.IO.Out, nil)
	default:
		return usagef("--log-format %q is not text or json", opts.LogFormat)
	}
	name := lakeDir(f, opts.Lake)
	dir, err := opts.S3.cacheDir(f, name)
	if err != nil {
		return err
	}
	var srcs []*syncSource
	var isrcs []ingest.Source
	for _, arg := range opts.Sources {
		src, err := openSource(ctx, f, &opts.S3, dir, arg)
		if err != nil {
			return err
		}
		ss := &syncSource{Source: src, stop: ctx.Done()}
		srcs = append(srcs, ss)
		isrcs = append(isrcs, ss)
	}
	lk, err := openLake(ctx, f, &opts.S3, name)
	if err != nil {
		return err
	}
	defer lk.Close()
	iopts := ingest.Options{
		Sources: isrcs,
		Filter:  source.Filter{Accounts: opts.Accounts, Regions: opts.Regions},
		Workers: sourceWorkers(opts.Workers, unwrap(srcs)),
		Now:     f.Now,
	}
	if opts.NoCompact {
		iopts.CompactFiles = -1
	}
	if err := iopts.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	// wait sleeps until next; false when a signal came first.
	wait := func(next time.Time) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(max(0, next.Sub(f.Now()))):
			return true
		}
	}
	for run := 1; ; run++ {
		start := f.Now()
		next := start.Add(opts.Every)
		if run > 1 {
			if err := lk.begin(ctx); err != nil {
				logRun(ctx, h, start, run, name, ingest.Summary{}, mirror.Stats{}, 0, err, next)
				if !wait(next) {
					return nil
				}
				continue
			}
		}
		requests := s3Requests(srcs)
		for _, s := range srcs {
			s.prepare(start, lookback, lk.Dir)
		}
		// A signal stops the listing; the objects in hand are stored.
		rctx, stop := lk.runContext(context.WithoutCancel(ctx))
		sum, runErr := ingest.Run(rctx, lk.Lake, iopts)
		stop()
		sum.Errors = append(sum.Errors, sourceProblems(unwrap(srcs))...)
		pub, perr := lk.end(ctx, nil)
		if runErr == nil {
			runErr = perr
		}
		if opts.Every == 0 || ctx.Err() != nil {
			next = time.Time{}
		}
		logRun(ctx, h, start, run, name, sum, pub, s3Requests(srcs)-requests, runErr, next)
		if opts.Every == 0 {
			if runErr != nil {
				return runErr
			}
			if len(sum.Errors) > 0 {
				return fmt.Errorf("%d object(s) or folder(s) could not be read; they will be tried again next run", len(sum.Errors))
			}
			return nil
		}
		if ctx.Err() != nil || !wait(next) {
			return nil
		}
	}
}

func logRun(ctx context.Context, h slog.Handler, start time.Time, run int, lakeName string, sum ingest.Summary, pub mirror.Stats, requests int64, err error, next time.Time) {
	level, msg := slog.LevelInfo, "sync run"
	errs := len(sum.Errors)
	if err != nil {
		level, msg = slog.LevelError, "sync run failed"
		errs++
	} else if errs > 0 {
		level = slog.LevelWarn
	}
	r := slog.NewRecord(start, level, msg, 0)
	r.AddAttrs(
		slog.Int("run", run),
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
		slog.Int64("s3_requests", requests),
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

// syncSource is a source as sync reads it: S3 sources list only the
// lookback window (and the whole of places the lake has not seen), and a
// signal ends the listing early, without an error, so that what was listed
// is stored.
type syncSource struct {
	ingest.Source
	stop  <-chan struct{}
	since time.Time
}

var errStopped = errors.New("sync: stopped")

// prepare sets the run's window and the places already known to the lake.
func (s *syncSource) prepare(now time.Time, lookback time.Duration, dir string) {
	s3, ok := s.Source.(*source.S3)
	if !ok {
		return
	}
	t := now.UTC().Add(-lookback)
	s.since = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	known := knownPlaces(dir, "s3://"+s3.Client().Bucket+"/")
	s3.ListWhole(func(p source.Place) bool { return !known[placeKey(p.Org, p.Account, p.Kind, p.Region)] })
}

func (s *syncSource) List(ctx context.Context, f source.Filter, fn func(source.Object) error) error {
	if !s.since.IsZero() && (f.Since.IsZero() || f.Since.Before(s.since)) {
		f.Since = s.since
	}
	err := s.Source.List(ctx, f, func(o source.Object) error {
		select {
		case <-s.stop:
			return errStopped
		default:
		}
		return fn(o)
	})
	if errors.Is(err, errStopped) {
		return nil
	}
	return err
}

// Explicit passes on whether the source is one file named by the user.
func (s *syncSource) Explicit() bool {
	e, ok := s.Source.(interface{ Explicit() bool })
	return ok && e.Explicit()
}

func unwrap(srcs []*syncSource) []ingest.Source {
	out := make([]ingest.Source, len(srcs))
	for i, s := range srcs {
		out[i] = s.Source
	}
	return out
}

func s3Requests(srcs []*syncSource) int64 {
	var n int64
	for _, s := range srcs {
		if s3, ok := s.Source.(*source.S3); ok {
			n += s3.Client().Requests().Total()
		}
	}
	return n
}

func placeKey(org, account, kind, region string) string {
	return org + "/" + account + "/" + kind + "/" + region
}

// knownPlaces returns the trail folders (organization, account, log kind,
// region) of which the lake's manifest has objects under prefix.
func knownPlaces(dir, prefix string) map[string]bool {
	out := map[string]bool{}
	man, err := lake.LoadManifest(dir)
	if err != nil {
		return out // every place is then listed whole: slower, never wrong
	}
	for _, e := range man.Entries() {
		key, ok := strings.CutPrefix(e.Key, prefix)
		if !ok {
			continue
		}
		k := cloudtrail.ParseKey(key)
		if k.Account != "" && k.Region != "" {
			out[placeKey(k.Org, k.Account, kindFolder(k.Kind), k.Region)] = true
		}
	}
	return out
}

// kindFolder is the folder name of a kind of CloudTrail object.
func kindFolder(k cloudtrail.KeyKind) string {
	switch k {
	case cloudtrail.KeyDigest:
		return "CloudTrail-Digest"
	case cloudtrail.KeyInsight:
		return "CloudTrail-Insight"
	case cloudtrail.KeyNetworkActivity:
		return "CloudTrail-NetworkActivity"
	}
	return "CloudTrail"
}
