package lake

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
)

// journal is written before a compacted file replaces the files it merges:
// after a crash, recovery deletes the old files if the new one is in place,
// or the new one's temporary file if not.
type journal struct {
	New string   `json:"new"`
	Old []string `json:"old"`
}

func (l *Lake) journalPath() string { return filepath.Join(l.Dir, MetaDir, "compact.journal") }

// CompactionJournal returns the files that an unfinished compaction is
// replacing, which readers must leave out, if any.
func CompactionJournal(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, MetaDir, "compact.journal"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, nil
	}
	if _, err := os.Stat(filepath.Join(dir, j.New)); err != nil {
		return nil, nil
	}
	out := make([]string, len(j.Old))
	for i, o := range j.Old {
		out[i] = filepath.Join(dir, o)
	}
	return out, nil
}

func (l *Lake) finishCompactions() error {
	b, err := os.ReadFile(l.journalPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read compaction journal: %w", err)
	}
	var j journal
	if err := json.Unmarshal(b, &j); err == nil {
		if _, err := os.Stat(filepath.Join(l.Dir, j.New)); err == nil {
			for _, o := range j.Old {
				old := filepath.Join(l.Dir, o)
				if err := os.Remove(old); err != nil && !errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("cannot finish compaction: %w", err)
				}
				if err := os.Remove(needle.SidecarPath(old)); err != nil && !errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("cannot finish compaction: %w", err)
				}
			}
		}
	}
	return os.Remove(l.journalPath())
}

// CompactStats says what a compaction did.
type CompactStats struct {
	Partitions  int // partitions compacted
	FilesBefore int
	FilesAfter  int
	Events      int
}

// Compact merges the data files of partition p into one file sorted by time
// when it has more than maxFiles files. Readers see either the old files or
// the new one (see CompactionJournal); a crash at any point loses nothing.
func (l *Lake) Compact(p cloudtrail.Partition, maxFiles int) (CompactStats, error) {
	files, err := l.DataFiles(p)
	if err != nil {
		return CompactStats{}, err
	}
	if len(files) <= maxFiles || len(files) < 2 {
		return CompactStats{FilesBefore: len(files), FilesAfter: len(files)}, nil
	}
	// Write the merged file to tmp first, journal, then rename.
	name := "c-" + l.newID() + ".parquet"
	tmp := l.tmpPath(name)
	n, ix, err := mergeFiles(tmp, files)
	if err != nil {
		os.Remove(tmp)
		return CompactStats{}, err
	}
	dst := filepath.Join(l.PartitionDir(p), name)
	if err := l.writeSidecar(dst, ix); err != nil {
		os.Remove(tmp)
		return CompactStats{}, err
	}
	j := journal{New: rel(l.Dir, dst)}
	for _, f := range files {
		j.Old = append(j.Old, rel(l.Dir, f))
	}
	jb, _ := json.Marshal(j)
	if err := writeSynced(l.journalPath(), jb); err != nil {
		os.Remove(tmp)
		return CompactStats{}, fmt.Errorf("cannot write compaction journal: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		os.Remove(l.journalPath())
		return CompactStats{}, fmt.Errorf("cannot move compacted file into %s: %w", l.PartitionDir(p), err)
	}
	if err := syncDir(l.PartitionDir(p)); err != nil {
		return CompactStats{}, err
	}
	if err := l.finishCompactions(); err != nil {
		return CompactStats{}, err
	}
	if err := syncDir(l.PartitionDir(p)); err != nil {
		return CompactStats{}, err
	}
	return CompactStats{Partitions: 1, FilesBefore: len(files), FilesAfter: 1, Events: n}, nil
}

func rel(base, path string) string {
	r, err := filepath.Rel(base, path)
	if err != nil {
		return path
	}
	return r
}

// mergeFiles merges data files, each sorted by time, into one sorted file
// at path, streaming: memory holds one batch of rows per input file and
// the fingerprints of the events (an event stored twice is written once).
// It returns the number of events written and their token index.
func mergeFiles(path string, files []string) (int, []byte, error) {
	n, ix, err := merge(path, files)
	if err != nil {
		return n, nil, err
	}
	return n, ix.Encode(), nil
}

func merge(path string, files []string) (int, *needle.Builder, error) {
	out, err := os.Create(path)
	if err != nil {
		return 0, nil, fmt.Errorf("cannot create %s: %w", path, err)
	}
	defer out.Close()
	bw := bufio.NewWriterSize(out, 1<<20)
	pw := parquet.NewGenericWriter[cloudtrail.Event](bw, writerOptions()...)
	var curs []*cursor
	defer func() {
		for _, c := range curs {
			c.close()
		}
	}()
	for _, f := range files {
		c, err := openCursor(f)
		if err != nil {
			return 0, nil, err
		}
		curs = append(curs, c)
		if err := c.advance(); err != nil {
			return 0, nil, err
		}
	}
	var rows int64
	for _, c := range curs {
		rows += c.r.NumRows()
	}
	ix := needle.NewBuilder(int(rows))
	seen := map[int64]struct{}{}
	n := 0
	row := make([]cloudtrail.Event, 1)
	for {
		best := -1
		for i, c := range curs {
			if c.cur == nil {
				continue
			}
			if best < 0 || less(c.cur, curs[best].cur) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		c := curs[best]
		if _, dup := seen[c.cur.FP]; !dup {
			seen[c.cur.FP] = struct{}{}
			row[0] = *c.cur
			ix.AddEvent(&row[0])
			if _, err := pw.Write(row); err != nil {
				return n, nil, fmt.Errorf("cannot write %s: %w", path, err)
			}
			n++
		}
		if err := c.advance(); err != nil {
			return n, nil, err
		}
	}
	if err := pw.Close(); err != nil {
		return n, nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return n, nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := out.Sync(); err != nil {
		return n, nil, fmt.Errorf("cannot sync %s: %w", path, err)
	}
	return n, ix, out.Close()
}

func less(a, b *cloudtrail.Event) bool {
	if ta, tb := ts(a), ts(b); ta != tb {
		return ta < tb
	}
	return str(a.EventID) < str(b.EventID)
}

// cursor reads one data file row by row, in batches.
type cursor struct {
	path string
	f    *os.File
	r    *parquet.GenericReader[cloudtrail.Event]
	buf  []cloudtrail.Event
	i, n int
	cur  *cloudtrail.Event
	eof  bool
}

func openCursor(path string) (*cursor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	return &cursor{path: path, f: f, r: parquet.NewGenericReader[cloudtrail.Event](f), buf: make([]cloudtrail.Event, 256)}, nil
}

// advance moves to the next row; cur is nil at the end.
func (c *cursor) advance() error {
	if c.i >= c.n {
		c.cur = nil
		if c.eof {
			return nil
		}
		clear(c.buf)
		n, err := c.r.Read(c.buf)
		if err == io.EOF {
			c.eof = true
		} else if err != nil {
			return fmt.Errorf("cannot read %s: %w", c.path, err)
		}
		c.i, c.n = 0, n
		if n == 0 {
			return nil
		}
	}
	c.cur = &c.buf[c.i]
	c.i++
	return nil
}

func (c *cursor) close() {
	c.r.Close()
	c.f.Close()
}

func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Reindex rebuilds the sidecar (token index and summary, see package
// needle) of each data file of partition p that has none, a damaged one,
// or one of an older format without a summary, and returns how many it
// rebuilt. A lake written by an older trailsql gets what queries need to
// prune by time.
func (l *Lake) Reindex(p cloudtrail.Partition) (int, error) {
	files, err := l.DataFiles(p)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if currentSidecar(f) {
			continue
		}
		ix, err := indexFile(f)
		if err != nil {
			return n, err
		}
		if err := l.writeSidecar(f, ix.Encode()); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		if err := syncDir(l.PartitionDir(p)); err != nil {
			return n, err
		}
	}
	return n, nil
}

// currentSidecar reports whether the data file path has a readable sidecar
// of the current format.
func currentSidecar(path string) bool {
	sc, done, err := needle.OpenFile(path)
	if err != nil {
		return false
	}
	defer done()
	_, ok := sc.Summary()
	return ok
}

// indexFile reads the events of a data file, streaming, into a new index.
func indexFile(path string) (*needle.Builder, error) {
	c, err := openCursor(path)
	if err != nil {
		return nil, err
	}
	defer c.close()
	ix := needle.NewBuilder(int(c.r.NumRows()))
	for {
		if err := c.advance(); err != nil {
			return nil, err
		}
		if c.cur == nil {
			return ix, nil
		}
		ix.AddEvent(c.cur)
	}
}
