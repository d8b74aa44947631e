package lake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// Table is the folder of the cloudtrail table inside a lake.
const Table = "cloudtrail"

// MetaDir is the folder of trailsql's own metadata inside a lake.
const MetaDir = "_trailsql"

// Lake is an open lake folder. Writers hold its lock; readers need none.
type Lake struct {
	Dir  string
	lock *os.File
	now  func() time.Time
	// targetRows is TargetRows, or what a test sets.
	targetRows int
	// typedMerge makes compaction decode rows into Go values even where
	// it could merge them as they are (tests compare the two).
	typedMerge bool
	// fastZstd compresses the pages of the files that ingest writes
	// (AddCompact): zstd's fastest level. On the dense benchmark set it
	// takes about 3.5 of 24 CPU-seconds per million events less than the
	// default level, for files about 15% larger (still smaller than the
	// gzip input); compaction, which writes a bucket's lasting files,
	// keeps the default level. (One codec per lake: it pools encoders.)
	fastZstd zstd.Codec
}

func (l *Lake) target() int {
	if l.targetRows > 0 {
		return l.targetRows
	}
	return TargetRows
}

// Open opens (and creates) the lake at dir for writing: it takes the lake's
// lock, so that only one writer works on a lake at a time, and cleans up what
// an interrupted writer left behind.
func Open(ctx context.Context, dir string, now func() time.Time) (*Lake, error) {
	if now == nil {
		now = time.Now
	}
	for _, d := range []string{filepath.Join(dir, Table), filepath.Join(dir, MetaDir, "tmp"), filepath.Join(dir, MetaDir, "quarantine")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("cannot create lake folder: %w", err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, MetaDir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open lake lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lake %s is in use by another trailsql process", dir)
		}
		return nil, fmt.Errorf("cannot lock lake %s: %w", dir, err)
	}
	l := &Lake{Dir: dir, lock: f, now: now, fastZstd: zstd.Codec{Level: zstd.SpeedFastest}}
	if err := l.recover(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Close releases the lake's lock.
func (l *Lake) Close() error {
	if l.lock == nil {
		return nil
	}
	err := l.lock.Close()
	l.lock = nil
	return err
}

// recover removes temporary files of an interrupted writer and finishes or
// undoes an interrupted compaction.
func (l *Lake) recover() error {
	tmp := filepath.Join(l.Dir, MetaDir, "tmp")
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", tmp, err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(tmp, e.Name())); err != nil {
			return fmt.Errorf("cannot clean up %s: %w", e.Name(), err)
		}
	}
	return l.finishCompactions()
}

// TableDir is the folder of the cloudtrail table.
func (l *Lake) TableDir() string { return filepath.Join(l.Dir, Table) }

// PartitionDir is the folder of one partition.
func (l *Lake) PartitionDir(p cloudtrail.Partition) string {
	return filepath.Join(l.Dir, Table, filepath.FromSlash(p.Path()))
}

func (l *Lake) tmpPath(name string) string { return filepath.Join(l.Dir, MetaDir, "tmp", name) }

// newID returns a name part that sorts by time and does not repeat.
func (l *Lake) newID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return l.now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// DataFiles lists the Parquet files of one partition, sorted by name.
func (l *Lake) DataFiles(p cloudtrail.Partition) ([]string, error) {
	return dataFiles(l.PartitionDir(p))
}

func dataFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list partition %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".parquet") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// LegacyPartitions lists the partition folders of the older layout (one
// folder per account, region and day) that the lake still has; `trailsql
// compact` moves them into buckets.
func LegacyPartitions(dir string) ([]cloudtrail.Partition, error) {
	root := filepath.Join(dir, Table)
	matches, err := filepath.Glob(filepath.Join(root, "account=*", "region=*", "year=*", "month=*", "day=*"))
	if err != nil {
		return nil, err
	}
	var out []cloudtrail.Partition
	for _, m := range matches {
		rel, _ := filepath.Rel(root, m)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 5 {
			continue
		}
		val := func(s string) string { return s[strings.IndexByte(s, '=')+1:] }
		out = append(out, cloudtrail.Partition{Account: val(parts[0]), Region: val(parts[1]), Year: val(parts[2]), Month: val(parts[3]), Day: val(parts[4])})
	}
	return out, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
