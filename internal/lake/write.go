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

// flushRows is the row group size of the files that ingest writes (one per
// bucket and batch): smaller than rowGroupRows, because the two files
// being written at once hold a row group each in memory, next to the
// batch of events being decoded.
const flushRows = 32 * 1024

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

// Located is an event with the region and day of its partition, which a
// bucket's data file stores as columns.
type Located struct {
	Event       *cloudtrail.Event
	Region, Day string
}

func sortLocated(rows []Located) {
	slices.SortStableFunc(rows, func(a, b Located) int {
		if c := cmp.Compare(ts(a.Event), ts(b.Event)); c != 0 {
			return c
		}
		return cmp.Compare(str(a.Event.EventID), str(b.Event.EventID))
	})
}

// writeRows writes rows, sorted by time, into w as Parquet, and adds them
// to ix.
func writeRows(w io.Writer, rows []Located, ix *needle.Builder) error {
	pw := parquet.NewGenericWriter[Row](w, writerOptions()...)
	const batch = 1024
	buf := make([]Row, 0, batch)
	for i, r := range rows {
		region, day := r.Region, r.Day
		buf = append(buf, Row{Event: *r.Event, Region: &region, Day: &day})
		ix.AddRecord(r.Event, r.Region, r.Day)
		if len(buf) == batch || i == len(rows)-1 {
			if _, err := pw.Write(buf); err != nil {
				return err
			}
			clear(buf)
			buf = buf[:0]
			if (i+1)%flushRows == 0 {
				// End the row group: the writer holds a row group's
				// columns in memory until then.
				if err := pw.Flush(); err != nil {
					return err
				}
			}
		}
	}
	return pw.Close()
}

// WriteRows writes rows, as they are, into w as a bucket's data file.
func WriteRows(w io.Writer, rows []Row) error {
	pw := parquet.NewGenericWriter[Row](w, writerOptions()...)
	if _, err := pw.Write(rows); err != nil {
		return err
	}
	return pw.Close()
}

// writeFile writes rows (sorted first) to a new file of bucket b and makes
// it visible by rename. It returns the file's path and size.
func (l *Lake) writeFile(b Bucket, prefix string, rows []Located) (string, int64, error) {
	sortLocated(rows)
	return l.newFile(b, prefix, len(rows), func(w io.Writer, ix *needle.Builder) error {
		return writeRows(w, rows, ix)
	})
}

// newFile writes a new data file of bucket b, of about n rows, with write
// (which also fills the file's token index), and makes it visible, after
// its sidecar, by rename. It returns the file's path and size.
func (l *Lake) newFile(b Bucket, prefix string, n int, write func(io.Writer, *needle.Builder) error) (string, int64, error) {
	name := prefix + "-" + l.newID() + ".parquet"
	tmp := l.tmpPath(name)
	f, err := os.Create(tmp)
	if err != nil {
		return "", 0, fmt.Errorf("cannot create %s: %w", tmp, err)
	}
	ix := needle.NewBuilder(n)
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw, ix)
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
	dir := l.BucketDir(b)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		os.Remove(tmp)
		return "", 0, fmt.Errorf("cannot create bucket %s: %w", dir, err)
	}
	dst := filepath.Join(dir, name)
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

// AddEvents writes new events of bucket b, grouped by their partitions,
// as one new data file. The caller has removed events already present
// (see DayFingerprints).
func (l *Lake) AddEvents(b Bucket, groups map[cloudtrail.Partition][]*cloudtrail.Event) (path string, size int64, err error) {
	n := 0
	for _, evs := range groups {
		n += len(evs)
	}
	if n == 0 {
		return "", 0, nil
	}
	rows := make([]Located, 0, n)
	for p, evs := range groups {
		if BucketOf(p) != b {
			return "", 0, fmt.Errorf("BUG: partition %s is not in bucket %s", p.Path(), b.Path())
		}
		for _, e := range evs {
			rows = append(rows, Located{Event: e, Region: p.Region, Day: p.Day})
		}
	}
	return l.writeFile(b, "part", rows)
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
	FP     int64   `parquet:"_fp"`
	Hash   int64   `parquet:"_hash"`
	Region *string `parquet:"region,optional"`
	Day    *string `parquet:"day,optional"`
}

// DayFingerprints returns, per region, the fingerprints of every event
// stored for one day of bucket b, each with the hash of its record's text:
// from the bucket's files whose summary holds that day (or that have no
// summary) and from the folders of the older layout. An event can only be
// stored again on the day of its own eventTime, so this is every event a
// new one of that day may repeat.
func (l *Lake) DayFingerprints(b Bucket, day string) (map[string]map[int64]int64, error) {
	sets := map[string]map[int64]int64{}
	set := func(region string) map[int64]int64 {
		s := sets[region]
		if s == nil {
			s = map[int64]int64{}
			sets[region] = s
		}
		return s
	}
	buf := make([]fpRow, 4096)
	files, err := l.BucketFiles(b)
	if err != nil {
		return nil, err
	}
	for _, path := range files {
		if !fileHasDay(path, day) {
			continue
		}
		err := readDayFingerprints(path, day, buf, func(r fpRow) {
			if r.Day != nil && *r.Day == day && r.Region != nil {
				set(*r.Region)[r.FP] = r.Hash
			}
		})
		if err != nil {
			return nil, err
		}
	}
	old, err := filepath.Glob(filepath.Join(l.Dir, Table, "account="+b.Account, "region=*", "year="+b.Year, "month="+b.Month, "day="+day))
	if err != nil {
		return nil, err
	}
	for _, dir := range old {
		region := hiveValue(filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(dir)))))
		files, err := dataFiles(dir)
		if err != nil {
			return nil, err
		}
		s := set(region)
		for _, path := range files {
			if err := readFingerprints(path, buf, func(r fpRow) { s[r.FP] = r.Hash }); err != nil {
				return nil, err
			}
		}
	}
	return sets, nil
}

// fileHasDay reports whether the summary of a bucket's data file says it
// holds rows of day; true when it cannot tell.
func fileHasDay(path, day string) bool {
	sc, done, err := needle.OpenFile(path)
	if err != nil {
		return true
	}
	defer done()
	sum, ok := sc.Summary()
	if !ok || sum.Parts == nil {
		return true
	}
	for _, p := range sum.Parts {
		if p.Day == day {
			return true
		}
	}
	return false
}

// readDayFingerprints is readFingerprints for a bucket's file, reading
// only the row groups whose statistics of the day column can hold day
// (the rows are in time order, so a day is one or two row groups of a
// month's file).
func readDayFingerprints(path, day string, buf []fpRow, fn func(fpRow)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	leaf, ok := pf.Schema().Lookup("day")
	for i, rg := range pf.RowGroups() {
		if ok && i < len(pf.Metadata().RowGroups) {
			cols := pf.Metadata().RowGroups[i].Columns
			if leaf.ColumnIndex < len(cols) {
				st := cols[leaf.ColumnIndex].MetaData.Statistics
				if st.MinValue != nil && st.MaxValue != nil && (day < string(st.MinValue) || day > string(st.MaxValue)) {
					continue
				}
			}
		}
		if err := readRowGroupFingerprints(path, pf, rg, buf, fn); err != nil {
			return err
		}
	}
	return nil
}

// readRowGroupFingerprints reads the _fp, _hash, region and day columns
// of one row group, column by column (a row reader would decode every
// column of the file).
func readRowGroupFingerprints(path string, pf *parquet.File, rg parquet.RowGroup, _ []fpRow, fn func(fpRow)) error {
	var cols [4][]parquet.Value
	for i, name := range []string{"_fp", "_hash", "region", "day"} {
		leaf, ok := pf.Schema().Lookup(name)
		if !ok {
			return fmt.Errorf("cannot read %s: no column %s", path, name)
		}
		vals, err := columnValues(rg.ColumnChunks()[leaf.ColumnIndex])
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", path, err)
		}
		if int64(len(vals)) != rg.NumRows() {
			return fmt.Errorf("cannot read %s: column %s has %d values for %d rows", path, name, len(vals), rg.NumRows())
		}
		cols[i] = vals
	}
	str := func(v parquet.Value) *string {
		if v.IsNull() {
			return nil
		}
		s := string(v.ByteArray())
		return &s
	}
	for i := range cols[0] {
		fn(fpRow{FP: cols[0][i].Int64(), Hash: cols[1][i].Int64(), Region: str(cols[2][i]), Day: str(cols[3][i])})
	}
	return nil
}

// columnValues reads every value of a column chunk of a flat column.
func columnValues(cc parquet.ColumnChunk) ([]parquet.Value, error) {
	pages := cc.Pages()
	defer pages.Close()
	out := make([]parquet.Value, 0, cc.NumValues())
	buf := make([]parquet.Value, 4096)
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		vr := p.Values()
		for {
			n, err := vr.ReadValues(buf)
			for _, v := range buf[:n] {
				out = append(out, v.Clone())
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				parquet.Release(p)
				return nil, err
			}
		}
		parquet.Release(p)
	}
}

func readFingerprints(path string, buf []fpRow, fn func(fpRow)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[fpRow](f)
	defer r.Close()
	for {
		clear(buf)
		n, err := r.Read(buf)
		for _, row := range buf[:n] {
			fn(row)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", path, err)
		}
	}
}
