package source

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Local is a folder, or a single file, on the local file system.
type Local struct {
	root string
	file bool
	// at is the root as it was found: a root that is gone, or that is
	// another file now (a file system unmounted from it), makes every
	// error of the source unreachable.
	at fs.FileInfo
}

// NewLocal returns the local source at path (a folder or a file).
func NewLocal(path string) (*Local, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("cannot resolve %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("cannot read source %s: %w", path, err)
	}
	return &Local{root: abs, file: !st.IsDir(), at: st}, nil
}

// String names the source.
func (l *Local) String() string { return l.root }

// Explicit reports whether the source is a single file that the user named:
// such a file is read whatever its name.
func (l *Local) Explicit() bool { return l.file }

// List calls fn for every file below the root, in lexical order, skipping
// folders of the CloudTrail layout that f rules out.
func (l *Local) List(ctx context.Context, f Filter, fn func(Object) error) error {
	if l.file {
		st, err := os.Stat(l.root)
		if err != nil {
			return l.check(fmt.Errorf("cannot stat %s: %w", l.root, err))
		}
		return fn(Object{Key: l.root, Rel: filepath.Base(l.root), Size: st.Size(), ModTime: st.ModTime().UTC()})
	}
	return filepath.WalkDir(l.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return l.check(fmt.Errorf("cannot list %s: %w", path, err))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(l.root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if path != l.root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !f.IsZero() && !layoutDirOK(rel, f) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return l.check(fmt.Errorf("cannot stat %s: %w", path, err))
		}
		return fn(Object{Key: path, Rel: rel, Size: info.Size(), ModTime: info.ModTime().UTC()})
	})
}

// layoutDirOK reports whether folder rel (relative to the root) may hold
// objects selected by f, judging by the AWSLogs layout.
func layoutDirOK(rel string, f Filter) bool {
	parts := strings.Split(rel, "/")
	at := -1
	for i, p := range parts {
		if p == "AWSLogs" {
			at = i
		}
	}
	if at < 0 {
		return true
	}
	rest := parts[at+1:]
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return true
	}
	if !f.AccountOK(rest[0]) {
		return false
	}
	return f.PathOK(rest[1:])
}

// Open opens a listed object. When the object cannot be opened or read
// because the source's folder is gone (deleted, unmounted, a network file
// system that went away), the error is an *UnreachableError.
func (l *Local) Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	f, err := os.Open(o.Key)
	if err != nil {
		return nil, l.check(fmt.Errorf("cannot open %s: %w", o.Key, err))
	}
	return &localFile{f: f, l: l}, nil
}

// check returns err, as the cause of an *UnreachableError when the root
// is no longer the one the source was opened at.
func (l *Local) check(err error) error {
	what := "folder"
	if l.file {
		what = "file"
	}
	st, serr := os.Stat(l.root)
	switch {
	case serr != nil:
		return &UnreachableError{Source: l.root, Cause: fmt.Sprintf("the %s is gone (%v)", what, serr), Err: err}
	case !os.SameFile(st, l.at):
		return &UnreachableError{Source: l.root, Cause: fmt.Sprintf("the %s is no longer the one that was listed (unmounted or replaced)", what), Err: err}
	}
	return err
}

// localFile is an open object whose read errors are checked like Open's.
type localFile struct {
	f *os.File
	l *Local
}

func (f *localFile) Read(p []byte) (int, error) {
	n, err := f.f.Read(p)
	if err != nil && err != io.EOF {
		err = f.l.check(err)
	}
	return n, err
}

func (f *localFile) Close() error { return f.f.Close() }
