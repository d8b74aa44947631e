package lake

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
)

// ListingCache is the file, under MetaDir, where ListFilesCached keeps
// what it learnt of the lake's folders.
const ListingCache = "listing.cache"

// racyWindow is how recent a folder's modification time may be for its
// cached listing to be trusted: a file added in the same clock tick as the
// listing that was cached would not change the time (see
// ListFilesCached).
const racyWindow = 2 * time.Second

// listingFormat changes when the cache's encoding does; a cache of
// another format is ignored.
const listingFormat = 1

// listing is the cache: for each folder under the lake's table folder
// (by its path relative to it, "" for the table folder), its modification
// time when it was listed, its subfolders and its data files.
type listing struct {
	Format int
	// Started is when the listing that wrote the cache began (Unix
	// nanoseconds): folders modified less than racyWindow before it are
	// listed again.
	Started int64
	Dirs    map[string]*listedDir
}

// racy reports whether d changed too close to the listing to be trusted.
func (l *listing) racy(d *listedDir) bool {
	return d.ModTime >= l.Started-int64(racyWindow)
}

type listedDir struct {
	ModTime int64 // Unix nanoseconds
	Subdirs []string
	Files   []listedFile
}

type listedFile struct {
	Name    string
	Size    int64
	Summary *needle.Summary // nil when the file has no sidecar summary
}

// ListFilesCached is ListFiles with the data files' sidecar summaries
// (DataFile.Summary), reading only the folders that changed since the
// last call: a folder's listing is kept in the lake's ListingCache with
// its modification time, and reused while that time is the same. Adding,
// renaming or removing a file changes its folder's time, and adding a
// folder its parent's, so a stat of each folder finds every change, with
// one exception the cache guards against as git guards its index: a
// change in the same clock tick as the listing leaves the time as it
// was. A folder whose time is within racyWindow of the cached listing's
// start is therefore always read again. Data files are never modified in
// place (they are written aside and renamed), so a file's size and
// summary stay those of its name while its folder is unchanged.
//
// The compaction journal is read on every call, as ListFiles does. The
// cache is written back (atomically) when anything was read; a cache that
// cannot be read or written only costs time.
func ListFilesCached(dir string) ([]DataFile, error) {
	started := time.Now()
	old := readListing(dir)
	next := &listing{Format: listingFormat, Started: started.UnixNano(), Dirs: map[string]*listedDir{}}
	root := filepath.Join(dir, Table)
	changed := false
	var walk func(rel string, depth int) error
	walk = func(rel string, depth int) error {
		path := filepath.Join(root, filepath.FromSlash(rel))
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			if rel == "" {
				changed = changed || len(old.Dirs) > 0
				return nil
			}
			changed = true
			return nil // removed since its parent was listed
		}
		if err != nil {
			return fmt.Errorf("cannot list %s: %w", path, err)
		}
		d := old.Dirs[rel]
		mt := info.ModTime().UnixNano()
		if d == nil || d.ModTime != mt || old.racy(d) {
			nd, err := listDir(path, mt, depth)
			if errors.Is(err, fs.ErrNotExist) {
				changed = true
				return nil
			}
			if err != nil {
				return err
			}
			// Write the cache when a folder changed, or when one that was
			// too recent to trust no longer is.
			if d == nil || !reflect.DeepEqual(nd, d) || !next.racy(nd) {
				changed = true
			}
			d = nd
		}
		next.Dirs[rel] = d
		for _, s := range d.Subdirs {
			if err := walk(joinRel(rel, s), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk("", 0); err != nil {
		return nil, err
	}
	if changed || len(next.Dirs) != len(old.Dirs) {
		writeListing(dir, next)
	}
	skip := map[string]bool{}
	journal, err := CompactionJournal(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read the compaction journal of %s: %w", dir, err)
	}
	for _, f := range journal {
		skip[filepath.Clean(f)] = true
	}
	var out []DataFile
	for rel, d := range next.Dirs {
		if len(d.Files) == 0 {
			continue
		}
		parts := strings.Split(rel, "/")
		var df DataFile
		switch {
		case hasKeys(parts, "account", "year", "month"):
			df.Bucket = &Bucket{Account: hiveValue(parts[0]), Year: hiveValue(parts[1]), Month: hiveValue(parts[2])}
		case hasKeys(parts, "account", "region", "year", "month", "day"):
			df.Partition = cloudtrail.Partition{Account: hiveValue(parts[0]), Region: hiveValue(parts[1]), Year: hiveValue(parts[2]), Month: hiveValue(parts[3]), Day: hiveValue(parts[4])}
		default:
			continue
		}
		for _, f := range d.Files {
			path := filepath.Join(root, filepath.FromSlash(rel), f.Name)
			if skip[path] {
				continue
			}
			file := df
			if df.Bucket != nil {
				b := *df.Bucket
				file.Bucket = &b
			}
			file.Path, file.Size, file.Summary = path, f.Size, f.Summary
			out = append(out, file)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// hasKeys reports whether the folder names parts are key=value with the
// given keys, in order.
func hasKeys(parts []string, keys ...string) bool {
	if len(parts) != len(keys) {
		return false
	}
	for i, k := range keys {
		if !strings.HasPrefix(parts[i], k+"=") {
			return false
		}
	}
	return true
}

// listDir reads one folder of the lake: its key=value subfolders (down to
// the depth of the older layout's day folders) and its data files, with
// their sizes and summaries.
func listDir(path string, modTime int64, depth int) (*listedDir, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	d := &listedDir{ModTime: modTime}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			if depth < 5 && strings.Contains(name, "=") {
				d.Subdirs = append(d.Subdirs, name)
			}
		case strings.HasSuffix(name, ".parquet"):
			info, err := e.Info()
			if err != nil {
				continue // removed since it was listed
			}
			f := listedFile{Name: name, Size: info.Size()}
			if sc, done, err := needle.OpenFile(filepath.Join(path, name)); err == nil {
				if s, ok := sc.Summary(); ok {
					f.Summary = &s
				}
				done()
			}
			d.Files = append(d.Files, f)
		}
	}
	return d, nil
}

func joinRel(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}

// readListing reads the lake's listing cache; an empty one when there is
// none or it cannot be read.
func readListing(dir string) *listing {
	empty := &listing{Dirs: map[string]*listedDir{}}
	data, err := os.ReadFile(filepath.Join(dir, MetaDir, ListingCache))
	if err != nil {
		return empty
	}
	var l listing
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&l); err != nil || l.Format != listingFormat || l.Dirs == nil {
		return empty
	}
	return &l
}

// writeListing replaces the lake's listing cache, atomically; it gives up
// silently (the cache only saves time) when the lake cannot be written.
func writeListing(dir string, l *listing) {
	meta := filepath.Join(dir, MetaDir)
	if err := os.MkdirAll(meta, 0o755); err != nil {
		return
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(l); err != nil {
		return
	}
	tmp, err := os.CreateTemp(meta, ListingCache+".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(meta, ListingCache))
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
}
