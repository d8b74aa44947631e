package integrity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Store is what Verify reads a trail bucket (or a copy of one) through.
// Keys are slash-separated and relative to the store's root; the AWSLogs
// folder may sit anywhere below it. Open and Metadata are called from
// several goroutines at once; List calls fn from one goroutine.
type Store interface {
	// List calls fn with the key of every object under prefix ("" for all),
	// in any order, and stops at fn's first error.
	List(ctx context.Context, prefix string, fn func(key string) error) error
	// Open opens an object. A missing object's error wraps fs.ErrNotExist.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Metadata returns an object's user metadata: the x-amz-meta-* headers
	// without the prefix, keys in lower case ("signature",
	// "signature-algorithm" on digest files). No metadata is an empty map
	// and a nil error.
	Metadata(ctx context.Context, key string) (map[string]string, error)
}

// Sidecar file name suffixes that hold a digest's S3 metadata in a local
// copy (see the package documentation).
const (
	SignatureSuffix = ".sig"
	MetadataSuffix  = ".metadata.json"
)

// FSStore is a Store over a file system holding a copy of a trail bucket,
// with digest metadata in sidecar files. List does not list sidecars.
type FSStore struct {
	fsys fs.FS
}

// NewFSStore returns a Store over fsys.
func NewFSStore(fsys fs.FS) *FSStore { return &FSStore{fsys: fsys} }

// OpenDir returns a Store over the folder dir.
func OpenDir(dir string) (*FSStore, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open source %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("cannot open source %s: not a folder", dir)
	}
	return NewFSStore(os.DirFS(dir)), nil
}

// isSidecar reports whether key names a sidecar file.
func isSidecar(key string) bool {
	return strings.HasSuffix(key, SignatureSuffix) || strings.HasSuffix(key, MetadataSuffix)
}

// List lists the files under prefix, sidecars left out.
func (s *FSStore) List(ctx context.Context, prefix string, fn func(key string) error) error {
	root := "."
	if i := strings.LastIndexByte(prefix, '/'); i > 0 {
		root = prefix[:i]
	}
	err := fs.WalkDir(s.fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && !strings.HasPrefix(p+"/", prefix) && !strings.HasPrefix(prefix, p+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(p, prefix) || isSidecar(p) {
			return nil
		}
		return fn(p)
	})
	if err != nil {
		return fmt.Errorf("cannot list %q: %w", prefix, err)
	}
	return nil
}

// Open opens the file key.
func (s *FSStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !fs.ValidPath(key) {
		return nil, &fs.PathError{Op: "open", Path: key, Err: fs.ErrNotExist}
	}
	return s.fsys.Open(key)
}

// Metadata reads the sidecars of key: key.metadata.json, then key.sig for
// the signature. Sidecars that disagree on the signature are an error.
func (s *FSStore) Metadata(ctx context.Context, key string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	meta := make(map[string]string)
	if !fs.ValidPath(key) {
		return meta, nil
	}
	if data, err := fs.ReadFile(s.fsys, key+MetadataSuffix); err == nil {
		m, err := parseMetadataJSON(data)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path.Base(key)+MetadataSuffix, err)
		}
		meta = m
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot read metadata of %s: %w", key, err)
	}
	if data, err := fs.ReadFile(s.fsys, key+SignatureSuffix); err == nil {
		sig := parseSignatureFile(data)
		if old, ok := meta["signature"]; ok && sig != "" && !strings.EqualFold(old, sig) {
			return nil, fmt.Errorf("cannot read signature of %s: %s and %s disagree",
				key, path.Base(key)+SignatureSuffix, path.Base(key)+MetadataSuffix)
		}
		if sig != "" {
			meta["signature"] = sig
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot read signature of %s: %w", key, err)
	}
	return meta, nil
}

// parseSignatureFile reads a .sig sidecar: hex, maybe in JSON quotes (the
// default output of `aws s3api head-object --query Metadata.signature`).
func parseSignatureFile(data []byte) string {
	s := strings.TrimSpace(string(data))
	s = strings.TrimSpace(strings.Trim(s, `"`))
	if s == "null" || s == "None" {
		return ""
	}
	return s
}

// parseMetadataJSON reads a .metadata.json sidecar: the head-object
// Metadata map, or the whole head-object output holding it.
func parseMetadataJSON(data []byte) (map[string]string, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if inner, ok := doc["Metadata"]; ok {
		doc = nil
		if err := json.Unmarshal(inner, &doc); err != nil {
			return nil, fmt.Errorf("Metadata: %w", err)
		}
	}
	meta := make(map[string]string, len(doc))
	for k, v := range doc {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			continue // not a metadata value (a head-object field)
		}
		meta[strings.ToLower(k)] = s
	}
	return meta, nil
}
