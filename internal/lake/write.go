package lake

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/parquet-go/parquet-go"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
)

// rowGroupRows bounds a row group, so that readers can skip row groups by
// their statistics and bloom filters.
const rowGroupRows = 128 * 1024

// writerOptions are the Parquet settings of every data file: zstd pages,
// dictionaries (from the struct tags), and bloom filters on the identifiers
// that needle queries look for.
func writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.PageBufferSize(1 << 20),
		parquet.CreatedBy("trailsql", "0", ""),
		parquet.BloomFilters(
			parquet.SplitBlockFilter(10, "eventid"),
			parquet.SplitBlockFilter(10, "sourceipaddress"),
			parquet.SplitBlockFilter(10, "useridentity", "accesskeyid"),
			parquet.SplitBlockFilter(10, "useridentity", "arn"),
			parquet.SplitBlockFilter(10, "requestid"),
		),
	}
}

// SortEvents orders events by time (then eventID), as every data file is.
func SortEvents(events []*cloudtrail.Event) {
	slices.SortStableFunc(events, func(a, b *cloudtrail.Event) int {
		if c := cmp.Compare(ts(a), ts(b)); c != 0 {
			return c
		}
		return cmp.Compare(str(a.EventID), str(b.EventID))
	})
}

func ts(e *cloudtrail.Event) int64 {
	if e.EventTimestamp == nil {
		return 0
	}
	return *e.EventTimestamp
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// WriteEvents writes events, sorted by time, into the Parquet file path.
func WriteEvents(w io.Writer, events []*cloudtrail.Event) error {
	pw := parquet.NewGenericWriter[cloudtrail.Event](w, writerOptions()...)
	const batch = 1024
	rows := make([]cloudtrail.Event, 0, batch)
	for i, e := range events {
		rows = append(rows, *e)
		if len(rows) == batch || i == len(events)-1 {
			if _, err := pw.Write(rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return pw.Close()
}

// writeFile writes events (sorted first) to a new file of partition p and
// makes it visible by rename. It returns the file's path.
func (l *Lake) writeFile(p cloudtrail.Partition, prefix string, events []*cloudtrail.Event) (string, int64, error) {
	SortEvents(events)
	name := prefix + "-" + l.newID() + ".parquet"
	tmp := l.tmpPath(name)
	f, err := os.Create(tmp)
	if err != nil {
		return "", 0, fmt.Errorf("cannot create %s: %w", tmp, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = WriteEvents(bw, events)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	var size int64
	if st, e := f.Stat(); e == nil {
		size = st.Size()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", 0, fmt.Errorf("cannot write %s: %w", tmp, err)
	}
	dir := l.PartitionDir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		os.Remove(tmp)
		return "", 0, fmt.Errorf("cannot create partition %s: %w", dir, err)
	}
	dst := filepath.Join(dir, name)
	ix := needle.NewBuilder(len(events))
	for _, e := range events {
		ix.AddEvent(e)
	}
	if err := l.writeSidecar(dst, ix.Encode()); err != nil {
		os.Remove(tmp)
		return "", 0, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return "", 0, fmt.Errorf("cannot move %s into the lake: %w", name, err)
	}
	if err := syncDir(dir); err != nil {
		return "", 0, fmt.Errorf("cannot sync %s: %w", dir, err)
	}
	return dst, size, nil
}

// writeSidecar puts the token index of the data file path in place, synced,
// before the data file itself: a data file is never visible with an index
// that a crash could have left incomplete (queries would skip it wrongly).
func (l *Lake) writeSidecar(path string, data []byte) error {
	side := needle.SidecarPath(path)
	tmp := l.tmpPath(filepath.Base(side))
	if err := writeSynced(tmp, data); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, side); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot move %s into the lake: %w", filepath.Base(side), err)
	}
	return nil
}

// AddEvents writes new events into partition p as one new data file. The
// caller has removed events already present (see Fingerprints).
func (l *Lake) AddEvents(p cloudtrail.Partition, events []*cloudtrail.Event) (path string, size int64, err error) {
	if len(events) == 0 {
		return "", 0, nil
	}
	return l.writeFile(p, "part", events)
}

// ReadEvents reads every event of a data file.
func ReadEvents(path string) ([]*cloudtrail.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[cloudtrail.Event](f)
	defer r.Close()
	n := r.NumRows()
	rows := make([]cloudtrail.Event, n)
	read := 0
	for read < int(n) {
		k, err := r.Read(rows[read:])
		read += k
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path, err)
		}
	}
	out := make([]*cloudtrail.Event, read)
	for i := range rows[:read] {
		out[i] = &rows[i]
	}
	return out, nil
}

type fpRow struct {
	FP   int64 `parquet:"_fp"`
	Hash int64 `parquet:"_hash"`
}

// Fingerprints returns the fingerprints of every event stored in partition
// p, each with the hash of its record's text.
func (l *Lake) Fingerprints(p cloudtrail.Partition) (map[int64]int64, error) {
	files, err := l.DataFiles(p)
	if err != nil {
		return nil, err
	}
	set := map[int64]int64{}
	buf := make([]fpRow, 4096)
	for _, path := range files {
		if err := readFingerprints(path, buf, set); err != nil {
			return nil, err
		}
	}
	return set, nil
}

func readFingerprints(path string, buf []fpRow, set map[int64]int64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[fpRow](f)
	defer r.Close()
	for {
		n, err := r.Read(buf)
		for _, row := range buf[:n] {
			set[row.FP] = row.Hash
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", path, err)
		}
	}
}
