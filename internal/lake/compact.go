package lake

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trailsql/trailsql/internal/cloudtrail"
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
				if err := os.Remove(filepath.Join(l.Dir, o)); err != nil && !errors.Is(err, os.ErrNotExist) {
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
	var all []*cloudtrail.Event
	seen := map[int64]struct{}{}
	for _, f := range files {
		evs, err := ReadEvents(f)
		if err != nil {
			return CompactStats{}, err
		}
		for _, e := range evs {
			if _, dup := seen[e.FP]; dup {
				continue
			}
			seen[e.FP] = struct{}{}
			all = append(all, e)
		}
	}
	SortEvents(all)
	// Write the merged file to tmp first, journal, then rename.
	name := "c-" + l.newID() + ".parquet"
	tmp := l.tmpPath(name)
	if err := writeTemp(tmp, all); err != nil {
		return CompactStats{}, err
	}
	dst := filepath.Join(l.PartitionDir(p), name)
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
	return CompactStats{Partitions: 1, FilesBefore: len(files), FilesAfter: 1, Events: len(all)}, nil
}

func rel(base, path string) string {
	r, err := filepath.Rel(base, path)
	if err != nil {
		return path
	}
	return r
}

func writeTemp(path string, events []*cloudtrail.Event) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", path, err)
	}
	err = WriteEvents(f, events)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
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
