package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
)

// errReadOnly is the error of a write on an App opened without Write;
// errClosed of a write after Close.
var (
	errReadOnly = errors.New("app: the lake was opened read-only")
	errClosed   = errors.New("app: the lake is closed")
)

// OpenSource turns a SOURCE (a local folder or file, or
// s3://bucket[/prefix]) into an ingest source. Digest files listed in S3
// are kept, with their signatures, in the lake (Dir). A local SOURCE that
// does not exist is an InputError.
func (a *App) OpenSource(ctx context.Context, arg string) (ingest.Source, error) {
	if IsS3(arg) {
		return source.NewS3(ctx, arg, a.cfg.S3, source.S3Options{
			DigestDir: filepath.Join(a.dir, lake.MetaDir, "digests"),
			Now:       a.cfg.Now,
		})
	}
	src, err := source.NewLocal(arg)
	if err != nil {
		return nil, inputErr(err)
	}
	return src, nil
}

// IngestResult is what Ingest did.
type IngestResult struct {
	ingest.Summary
	// Published is what was uploaded to an s3:// lake (nil for a local
	// lake, or when publishing failed).
	Published *mirror.Stats
}

// Ingest loads opts.Sources (from OpenSource) into the lake, once: for an
// s3:// lake it takes the S3 lake's lock, pulls what changed, ingests and
// publishes. What the sources could not list is added to the summary's
// errors. The result is filled as far as the run went, also on error.
func (a *App) Ingest(ctx context.Context, opts ingest.Options) (IngestResult, error) {
	if !a.write {
		return IngestResult{}, errReadOnly
	}
	if opts.Workers == 0 {
		opts.Workers = SourceWorkers(opts.Sources)
	}
	if opts.Now == nil {
		opts.Now = a.cfg.Now
	}
	if err := opts.Validate(); err != nil {
		return IngestResult{}, inputErr(err)
	}
	a.runMu.Lock()
	defer a.runMu.Unlock()
	if a.lake == nil {
		return IngestResult{}, errClosed
	}
	if err := a.begin(ctx); err != nil {
		return IngestResult{}, err
	}
	rctx, stop := a.runContext(ctx)
	sum, err := ingest.Run(rctx, a.lake, opts)
	stop()
	sum.Errors = append(sum.Errors, SourceProblems(opts.Sources)...)
	res := IngestResult{Summary: sum}
	pub, perr := a.end(ctx)
	if a.mirror != nil && perr == nil {
		res.Published = &pub
	}
	if err == nil {
		err = perr
	}
	return res, err
}

// SourceWorkers is how many objects an ingest reads at once by default:
// more than CPUs when a source is in S3, whose reads wait on the network,
// else 0 (ingest's default).
func SourceWorkers(srcs []ingest.Source) int {
	for _, s := range srcs {
		if _, ok := s.(*source.S3); ok {
			return max(16, 4*runtime.NumCPU())
		}
	}
	return 0
}

// SourceProblems returns what the sources could not list (S3 folders where
// access is denied), as summary errors.
func SourceProblems(srcs []ingest.Source) []string {
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

// begin starts a write run: it locks the S3 lake and pulls what changed
// there. Nothing to do for a local lake. Callers hold runMu.
func (a *App) begin(ctx context.Context) error {
	if a.mirror == nil {
		return nil
	}
	// The lock outlives a signal: an interrupted run still publishes.
	held, unlock, err := a.mirror.Lock(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	a.held, a.unlock = held, unlock
	pctx, stop := a.runContext(ctx)
	_, err = a.mirror.Pull(pctx)
	stop()
	if err != nil {
		if uerr := a.unlock(context.WithoutCancel(ctx)); errors.Is(uerr, mirror.ErrLockLost) {
			err = uerr
		}
		a.unlock, a.held = nil, nil
		return err
	}
	return nil
}

// runContext returns ctx, cancelled too (with the cause) if the S3 lake's
// lock is lost: the writes of a run go on only while the lock is held.
func (a *App) runContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if a.held == nil {
		return context.WithCancel(ctx)
	}
	rctx, cancel := context.WithCancelCause(ctx)
	held := a.held
	stop := context.AfterFunc(held, func() { cancel(context.Cause(held)) })
	return rctx, func() {
		stop()
		cancel(nil)
	}
}

// end publishes a run's changes to the S3 lake and unlocks it. Interrupted,
// it still tries for a while: what the copy holds is consistent, and the
// S3 lake should have it too. Callers hold runMu.
func (a *App) end(ctx context.Context) (mirror.Stats, error) {
	if a.mirror == nil || a.unlock == nil {
		return mirror.Stats{}, nil
	}
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
	}
	var st mirror.Stats
	var err error
	if a.held.Err() == nil {
		pctx, stop := a.runContext(ctx)
		st, err = a.mirror.Push(pctx)
		stop()
	}
	// A lock lost is the error that matters: another writer has the lake.
	if uerr := a.unlock(ctx); err == nil || errors.Is(uerr, mirror.ErrLockLost) {
		err = uerr
	}
	a.unlock, a.held = nil, nil
	if err != nil {
		return st, fmt.Errorf("cannot publish the lake to %s (the local copy %s has everything; the next run publishes it): %w", a.mirror.URL(), a.dir, err)
	}
	return st, nil
}

// CompactResult is what Compact did.
type CompactResult struct {
	lake.TidyStats
	// Published is what was uploaded to an s3:// lake (nil for a local
	// lake, or when publishing failed).
	Published *mirror.Stats
}

// Compact brings the whole lake to the current layout (lake.Lake.Tidy):
// partitions of the older layout moved into buckets, the small files of a
// bucket with more than maxFiles of them merged, old sidecars rebuilt. An
// s3:// lake is locked, pulled first and published after; progress, when
// set, is told each bucket done.
func (a *App) Compact(ctx context.Context, maxFiles int, progress func(b lake.Bucket, done, total int)) (CompactResult, error) {
	if !a.write {
		return CompactResult{}, errReadOnly
	}
	if maxFiles < 1 {
		return CompactResult{}, &InputError{Err: fmt.Errorf("--max-files must be at least 1")}
	}
	a.runMu.Lock()
	defer a.runMu.Unlock()
	if a.lake == nil {
		return CompactResult{}, errClosed
	}
	if err := a.begin(ctx); err != nil {
		return CompactResult{}, err
	}
	rctx, stop := a.runContext(ctx)
	st, err := a.lake.Tidy(rctx, maxFiles, progress)
	stop()
	res := CompactResult{TidyStats: st}
	pub, perr := a.end(ctx)
	if a.mirror != nil && perr == nil {
		res.Published = &pub
	}
	if err == nil {
		err = perr
	}
	return res, err
}
