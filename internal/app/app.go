package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
)

// Config says which lake Open opens and how. Open fills the defaults and
// checks it once; the zero value of every field but Lake is usable.
type Config struct {
	// Lake is the lake: a folder, or s3://bucket/prefix for a lake that
	// 'trailsql ingest/sync --lake s3://...' writes (required).
	Lake string
	// Write opens the lake for writing (Ingest, Sync): the local lake's
	// lock is held until Close, so that one writer works on it at a time.
	// Without Write the App only reads; an s3:// lake's copy is brought up
	// to date at Open and by Refresh.
	Write bool
	// Cache is the local copy of an s3:// lake (default: CacheDir).
	Cache string
	// S3 says how to reach an s3:// lake and s3:// sources.
	S3 source.S3Config
	// Query configures the App's one query engine. Its Now defaults to
	// the App's.
	Query query.Options
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Getenv reads the environment: $TRAILSQL_CACHE and the user cache
	// folder's variables (default os.Getenv).
	Getenv func(string) string
	// Log receives one line each time a read-only App brings an s3://
	// lake's copy up to date ("pulled ...", or why it read the copy as it
	// is); nil discards them. What a write published is in the results of
	// Ingest, Sync and Compact.
	Log io.Writer
}

// writerWait is how long a writer of an s3:// lake's copy waits for a
// reader that is bringing the copy up to date before it gives up.
const writerWait = 10 * time.Second

// IsS3 reports whether name is an s3:// lake.
func IsS3(name string) bool { return strings.HasPrefix(name, "s3://") }

// withDefaults returns cfg with its defaults filled, or what is wrong with
// it.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Query.Now == nil {
		cfg.Query.Now = cfg.Now
	}
	var errs []error
	if cfg.Lake == "" {
		errs = append(errs, errors.New("no lake given"))
	}
	if err := cfg.Query.Validate(); err != nil {
		errs = append(errs, err)
	}
	if IsS3(cfg.Lake) {
		if _, _, err := source.ParseS3URL(cfg.Lake); err != nil {
			errs = append(errs, err)
		} else if cfg.Cache == "" {
			dir, err := CacheDir(cfg.Getenv, cfg.Lake)
			if err != nil {
				errs = append(errs, err)
			}
			cfg.Cache = dir
		}
	}
	if err := errors.Join(errs...); err != nil {
		return cfg, &InputError{Err: err}
	}
	return cfg, nil
}

// App is one open lake with one long-lived query engine. Its methods are
// safe for concurrent use, but for Ingest and Sync, of which one runs at a
// time.
type App struct {
	cfg  Config
	name string // the lake as the caller named it
	dir  string // the local lake: Lake itself, or the s3:// lake's copy

	mirror *mirror.Mirror // an s3:// lake's copy and its S3 lake
	write  bool           // opened for writing (Config.Write)

	runMu  sync.Mutex      // one write run (Ingest, Sync, Compact) at a time; guards lake, held and unlock
	lake   *lake.Lake      // the local lake, held for writing until Close
	held   context.Context // while a run holds the S3 lake's lock: cancelled if it is lost
	unlock func(context.Context) error

	engMu  sync.Mutex // guards engine and closed
	engine *query.Engine
	closed bool
}

// Open opens the lake cfg names. For an s3:// lake it connects to S3 and,
// read-only, brings the local copy up to date (see Refresh); for writing
// it takes the local lake's lock (lake.Open). The query engine is started
// on first use (Engine).
func Open(ctx context.Context, cfg Config) (*App, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, name: cfg.Lake, dir: cfg.Lake, write: cfg.Write}
	if IsS3(cfg.Lake) {
		a.dir = cfg.Cache
		if err := os.MkdirAll(filepath.Join(a.dir, lake.MetaDir), 0o755); err != nil {
			return nil, fmt.Errorf("cannot create cache %s: %w", a.dir, err)
		}
		bucket, _, _ := source.ParseS3URL(cfg.Lake)
		c, err := source.DialS3(ctx, bucket, cfg.S3)
		if err != nil {
			return nil, fmt.Errorf("cannot open lake %s: %w", cfg.Lake, err)
		}
		if a.mirror, err = mirror.New(a.dir, c, cfg.Lake, mirror.Options{Now: cfg.Now}); err != nil {
			return nil, err
		}
	}
	if cfg.Write {
		if a.mirror != nil {
			// A reader may be bringing the shared copy up to date: let it
			// finish (a writer that holds the copy is not waited for long).
			unlock, busy, err := lockCopy(ctx, a.dir, writerWait)
			if err != nil {
				return nil, err
			}
			if !busy {
				unlock()
			}
		}
		if a.lake, err = lake.Open(ctx, a.dir, cfg.Now); err != nil {
			return nil, err
		}
		return a, nil
	}
	if a.mirror != nil {
		if err := a.pull(ctx); err != nil {
			return nil, err
		}
		if !hasLake(a.dir) {
			return nil, fmt.Errorf("cannot open lake %s: nothing is published there (write it with 'trailsql ingest SOURCE --lake %s')", a.name, a.name)
		}
	}
	return a, nil
}

// Name is the lake as Config.Lake named it.
func (a *App) Name() string { return a.name }

// Dir is the local lake folder: the lake itself, or an s3:// lake's copy.
func (a *App) Dir() string { return a.dir }

// S3URL is an s3:// lake's URL, its prefix ending with "/" ("" for a
// local lake).
func (a *App) S3URL() string {
	if a.mirror == nil {
		return ""
	}
	return a.mirror.URL()
}

// Writable reports whether the App was opened for writing.
func (a *App) Writable() bool { return a.write }

// Engine returns the App's query engine, started on first use over Dir.
// It stays open until Close; callers must not close it.
func (a *App) Engine(ctx context.Context) (*query.Engine, error) {
	a.engMu.Lock()
	defer a.engMu.Unlock()
	if a.closed {
		return nil, errClosed
	}
	if a.engine != nil {
		return a.engine, nil
	}
	eng, err := query.Open(ctx, a.dir, a.cfg.Query)
	if err != nil {
		return nil, err
	}
	a.engine = eng
	return eng, nil
}

// Refresh brings the App up to date with its lake: a read-only s3:// lake's
// copy is pulled again, and the engine lists the lake's files again. The
// engine notices local changes by itself; Refresh is for what another
// process published, and after Sync.
func (a *App) Refresh(ctx context.Context) error {
	if a.mirror != nil && !a.write {
		if err := a.pull(ctx); err != nil {
			return err
		}
	}
	a.engMu.Lock()
	eng := a.engine
	a.engMu.Unlock()
	if eng == nil {
		return nil
	}
	return eng.Refresh(ctx)
}

// Close closes the engine and releases the lake. A write run in progress
// ends first (end it by cancelling its ctx); a Sync still scheduled then
// returns at its next run. The App cannot be used after Close.
func (a *App) Close() error {
	var errs []error
	a.engMu.Lock()
	a.closed = true
	if a.engine != nil {
		errs = append(errs, a.engine.Close())
		a.engine = nil
	}
	a.engMu.Unlock()
	// A run in progress (Sync's, say, whose ctx the caller ended) ends
	// first; Close waits for it.
	a.runMu.Lock()
	defer a.runMu.Unlock()
	if a.unlock != nil {
		errs = append(errs, a.unlock(context.Background()))
		a.unlock, a.held = nil, nil
	}
	if a.lake != nil {
		errs = append(errs, a.lake.Close())
		a.lake = nil
	}
	return errors.Join(errs...)
}

// logf writes one line to Config.Log.
func (a *App) logf(format string, args ...any) {
	if a.cfg.Log != nil {
		fmt.Fprintf(a.cfg.Log, format+"\n", args...)
	}
}

// hasLake reports whether dir holds a lake's table or manifest.
func hasLake(dir string) bool {
	_, terr := os.Stat(filepath.Join(dir, lake.Table))
	_, merr := os.Stat(lake.ManifestPath(dir))
	return !errors.Is(terr, fs.ErrNotExist) || !errors.Is(merr, fs.ErrNotExist)
}
