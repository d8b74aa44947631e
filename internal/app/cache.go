package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
)

// CacheDir returns the local copy of the s3:// lake url, the same for
// readers and writers: $TRAILSQL_CACHE/<bucket>/<prefix> when that is set,
// else <user cache folder>/trailsql/s3/<bucket>/<prefix> (the user cache
// folder is $XDG_CACHE_HOME or ~/.cache on Linux). getenv reads the
// environment.
func CacheDir(getenv func(string) string, url string) (string, error) {
	bucket, prefix, err := source.ParseS3URL(url)
	if err != nil {
		return "", err
	}
	root := getenv("TRAILSQL_CACHE")
	if root == "" {
		base, err := userCacheDir(getenv)
		if err != nil {
			return "", fmt.Errorf("no cache folder for %s: give --cache DIR or set $TRAILSQL_CACHE (%v)", url, err)
		}
		root = filepath.Join(base, "trailsql", "s3")
	}
	return filepath.Join(root, bucket, filepath.FromSlash(strings.Trim(prefix, "/"))), nil
}

// userCacheDir is os.UserCacheDir, reading the environment through getenv.
func userCacheDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if dir := getenv("LocalAppData"); dir != "" {
			return dir, nil
		}
		return "", errors.New("%LocalAppData% is not set")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, "Library", "Caches"), nil
		}
		return "", errors.New("$HOME is not set")
	}
	if dir := getenv("XDG_CACHE_HOME"); dir != "" {
		if !filepath.IsAbs(dir) {
			return "", errors.New("path in $XDG_CACHE_HOME is relative")
		}
		return dir, nil
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".cache"), nil
	}
	return "", errors.New("neither $XDG_CACHE_HOME nor $HOME is set")
}

// pull brings a read-only App's copy of its s3:// lake up to date, under
// the copy's lock (the one its writers hold). When a writer holds it, the
// writer keeps the copy current and the copy is read as it is, unless it
// holds no lake yet: then pull waits for the lock.
func (a *App) pull(ctx context.Context) error {
	var wait time.Duration
	if !hasLake(a.dir) {
		wait = -1 // nothing to read yet: wait for the first copy
	}
	unlock, busy, err := lockCopy(ctx, a.dir, wait)
	if err != nil {
		return err
	}
	if busy {
		a.logf("%s is in use by another trailsql process, which keeps it current: reading it as it is", a.dir)
		return nil
	}
	defer unlock()
	st, err := a.mirror.Pull(ctx)
	if err != nil {
		return fmt.Errorf("cannot bring the copy %s of %s up to date: %w", a.dir, a.name, err)
	}
	if st.UpToDate {
		a.logf("pulled %s into %s: up to date, 0 files downloaded (%d requests, %s)",
			a.mirror.URL(), a.dir, st.Requests.Total(), st.Duration.Round(time.Millisecond))
	} else {
		a.logf("pulled %s into %s: %d files downloaded (%.1f MB), %d removed (%d requests, %s)",
			a.mirror.URL(), a.dir, st.Files, float64(st.Bytes)/1e6, st.Deleted, st.Requests.Total(), st.Duration.Round(time.Millisecond))
	}
	return nil
}

// lockCopy takes the lock of the local lake dir (the one lake.Open takes).
// When another process holds it, lockCopy waits for it up to wait
// (negative: as long as it takes), and then returns busy. The returned
// function releases the lock.
func lockCopy(ctx context.Context, dir string, wait time.Duration) (unlock func(), busy bool, err error) {
	p := filepath.Join(dir, lake.MetaDir, "lock")
	lf, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("cannot open cache lock %s: %w", p, err)
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { lf.Close() }, false, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			lf.Close()
			return nil, false, fmt.Errorf("cannot lock cache %s: %w", dir, err)
		}
		if wait >= 0 && !time.Now().Before(deadline) {
			lf.Close()
			return nil, true, nil
		}
		select {
		case <-ctx.Done():
			lf.Close()
			return nil, false, fmt.Errorf("cannot lock cache %s: %w", dir, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
