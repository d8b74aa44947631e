package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
)

// SyncOptions are the settings of Sync.
type SyncOptions struct {
	// Sources are the SOURCE arguments: local folders or files, or
	// s3://bucket[/prefix] (at least one).
	Sources []string
	// Every is the time between runs; 0 runs once.
	Every time.Duration
	// Lookback is how far back S3 sources are listed again each run, for
	// files CloudTrail delivers late (from midnight UTC of that day). The
	// whole history of any account, log kind or region the lake has not
	// seen yet is listed too.
	Lookback time.Duration
	// Filter keeps only these accounts and regions (its dates are unused).
	Filter source.Filter
	// Workers is how many objects are read at once (default: more than
	// CPUs for S3 sources).
	Workers int
	// NoCompact leaves partitions uncompacted after loading.
	NoCompact bool
	// AfterRun, when set, is called after each run's ingest and publish,
	// once the engine sees what the run wrote: the place for work over
	// new events, such as evaluating detections (detect.Run). Its error
	// becomes the run's error if the run had none.
	AfterRun func(ctx context.Context, run *SyncRun) error
	// OnRun, when set, is told of each run once it is over (to log it).
	OnRun func(ctx context.Context, run *SyncRun)
}

// SyncRun is what one run of Sync did.
type SyncRun struct {
	// N counts the runs from 1; Start is when it began.
	N     int
	Start time.Time
	// Summary is the ingest's; its Errors include what sources could not
	// list.
	Summary ingest.Summary
	// Published is what was uploaded to an s3:// lake.
	Published mirror.Stats
	// Requests is the S3 requests the sources made in the run.
	Requests int64
	// Err is what made the run fail (nil: it did not).
	Err error
	// Next is when the next run starts (zero: there is none).
	Next time.Time
}

// ParseLookback reads a lookback of days (2d), or a Go duration (36h,
// 90m). A bad one is an InputError.
func ParseLookback(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 {
			return time.Duration(d) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, &InputError{Err: fmt.Errorf("--lookback %q is not a duration (want e.g. 2d or 36h)", s)}
}

// Sync keeps the lake current: it runs an incremental ingest of
// opts.Sources now and then every opts.Every until ctx ends (once when
// Every is 0). Each run of an s3:// lake takes the S3 lake's lock, pulls,
// ingests and publishes. When ctx ends during a run, the listing stops,
// the objects in hand are stored and published, and Sync returns nil.
//
// Run once, Sync returns the run's error, or an error when objects could
// not be read; run on a schedule, a failed run is reported (OnRun) and the
// next one is tried, and Sync returns nil when ctx ends.
func (a *App) Sync(ctx context.Context, opts SyncOptions) error {
	if !a.write {
		return errReadOnly
	}
	if len(opts.Sources) == 0 {
		return &InputError{Err: errors.New("sync needs at least one SOURCE")}
	}
	if opts.Every < 0 {
		return &InputError{Err: errors.New("--every cannot be negative")}
	}
	if opts.Lookback < 0 {
		return &InputError{Err: errors.New("--lookback cannot be negative")}
	}
	var srcs []*syncSource
	var isrcs []ingest.Source
	for _, arg := range opts.Sources {
		src, err := a.OpenSource(ctx, arg)
		if err != nil {
			return err
		}
		ss := &syncSource{Source: src, stop: ctx.Done()}
		srcs = append(srcs, ss)
		isrcs = append(isrcs, ss)
	}
	iopts := ingest.Options{
		Sources: isrcs,
		Filter:  source.Filter{Accounts: opts.Filter.Accounts, Regions: opts.Filter.Regions},
		Workers: opts.Workers,
		Now:     a.cfg.Now,
	}
	if iopts.Workers == 0 {
		iopts.Workers = SourceWorkers(unwrap(srcs))
	}
	if opts.NoCompact {
		iopts.CompactFiles = -1
	}
	if err := iopts.Validate(); err != nil {
		return inputErr(err)
	}
	now := a.cfg.Now
	// wait sleeps until next; false when ctx ended first.
	wait := func(next time.Time) bool {
		t := time.NewTimer(max(0, next.Sub(now())))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	report := func(r *SyncRun) {
		if opts.OnRun != nil {
			opts.OnRun(ctx, r)
		}
	}
	for n := 1; ; n++ {
		run := &SyncRun{N: n, Start: now()}
		run.Next = run.Start.Add(opts.Every)
		if opts.Every == 0 {
			run.Next = time.Time{}
		}
		a.runMu.Lock()
		if a.lake == nil {
			a.runMu.Unlock()
			return errClosed
		}
		if err := a.begin(ctx); err != nil {
			a.runMu.Unlock()
			run.Err = err
			report(run)
			if opts.Every == 0 || n == 1 {
				// A lake that cannot be locked or pulled at the start is
				// a setting to fix, not a run to try again.
				return err
			}
			if !wait(run.Next) {
				return nil
			}
			continue
		}
		requests := s3Requests(srcs)
		for _, s := range srcs {
			s.prepare(run.Start, opts.Lookback, a.dir)
		}
		// A signal stops the listing; the objects in hand are stored.
		rctx, stop := a.runContext(context.WithoutCancel(ctx))
		sum, runErr := ingest.Run(rctx, a.lake, iopts)
		stop()
		sum.Errors = append(sum.Errors, SourceProblems(unwrap(srcs))...)
		pub, perr := a.end(ctx)
		a.runMu.Unlock()
		if runErr == nil {
			runErr = perr
		}
		run.Summary, run.Published, run.Requests = sum, pub, s3Requests(srcs)-requests
		if runErr == nil && sum.Written > 0 {
			runErr = a.Refresh(ctx)
		}
		if runErr == nil && opts.AfterRun != nil && ctx.Err() == nil {
			runErr = opts.AfterRun(ctx, run)
		}
		run.Err = runErr
		if ctx.Err() != nil {
			run.Next = time.Time{}
		}
		report(run)
		if opts.Every == 0 {
			if runErr != nil {
				return runErr
			}
			if len(sum.Errors) > 0 {
				return fmt.Errorf("%d object(s) or folder(s) could not be read; they will be tried again next run", len(sum.Errors))
			}
			return nil
		}
		if ctx.Err() != nil || !wait(run.Next) {
			return nil
		}
	}
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
