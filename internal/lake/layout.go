package lake

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
)

// Bucket is the folder that holds the data files of one account's month:
// <lake>/cloudtrail/account=<id>/year=<yyyy>/month=<mm>/. Its files hold
// every region and day of that month, with region and day as columns, so
// that the number of files follows the volume of data rather than the
// number of account × region × day partitions (a quiet region adds rows,
// not files).
type Bucket struct {
	Account, Year, Month string
}

// BucketOf returns the bucket that holds partition p's events.
func BucketOf(p cloudtrail.Partition) Bucket {
	return Bucket{Account: p.Account, Year: p.Year, Month: p.Month}
}

// Path returns the bucket's folder below the table folder, in Hive form.
func (b Bucket) Path() string {
	return "account=" + b.Account + "/year=" + b.Year + "/month=" + b.Month
}

// Row is one row of a data file in a bucket: the event and the two
// partition values that the folder does not say. (Files of the older
// layout, one folder per account, region and day, have no such columns.)
type Row struct {
	cloudtrail.Event
	Region *string `parquet:"region,optional,dict"`
	Day    *string `parquet:"day,optional,dict"`
}

// DataFile is one Parquet file of the lake.
type DataFile struct {
	Path string
	Size int64
	// Bucket is set for files of the current layout (a bucket's month
	// file); the file's parts are in its sidecar's summary.
	Bucket *Bucket
	// Partition is the partition of a file of the older layout, whose
	// folder names all five partition values.
	Partition cloudtrail.Partition
	// Summary is the file's sidecar summary, when ListFilesCached read
	// one; ListFiles leaves it nil.
	Summary *needle.Summary
}

// Buckets lists the buckets of the lake at dir.
func Buckets(dir string) ([]Bucket, error) {
	root := filepath.Join(dir, Table)
	matches, err := filepath.Glob(filepath.Join(root, "account=*", "year=*", "month=*"))
	if err != nil {
		return nil, err
	}
	var out []Bucket
	for _, m := range matches {
		rel, _ := filepath.Rel(root, m)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 3 {
			continue
		}
		out = append(out, Bucket{Account: hiveValue(parts[0]), Year: hiveValue(parts[1]), Month: hiveValue(parts[2])})
	}
	return out, nil
}

func hiveValue(s string) string { return s[strings.IndexByte(s, '=')+1:] }

// BucketDir is the folder of one bucket.
func (l *Lake) BucketDir(b Bucket) string {
	return filepath.Join(l.Dir, Table, filepath.FromSlash(b.Path()))
}

// BucketFiles lists the data files of one bucket, sorted by name.
func (l *Lake) BucketFiles(b Bucket) ([]string, error) {
	return dataFiles(l.BucketDir(b))
}

// ListFiles lists every data file of the lake at dir, of both layouts,
// sorted by path, leaving out the files that an unfinished compaction is
// replacing.
func ListFiles(dir string) ([]DataFile, error) {
	skip := map[string]bool{}
	old, err := CompactionJournal(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read the compaction journal of %s: %w", dir, err)
	}
	for _, f := range old {
		skip[filepath.Clean(f)] = true
	}
	var out []DataFile
	add := func(fdir string, df DataFile) error {
		entries, err := os.ReadDir(fdir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since it was listed
		}
		if err != nil {
			return fmt.Errorf("cannot list %s: %w", fdir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".parquet") {
				continue
			}
			path := filepath.Join(fdir, e.Name())
			if skip[path] {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue // removed since it was listed
			}
			f := df
			f.Path, f.Size = path, info.Size()
			out = append(out, f)
		}
		return nil
	}
	buckets, err := Buckets(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list the buckets of %s: %w", dir, err)
	}
	for _, b := range buckets {
		b := b
		if err := add(filepath.Join(dir, Table, filepath.FromSlash(b.Path())), DataFile{Bucket: &b}); err != nil {
			return nil, err
		}
	}
	parts, err := LegacyPartitions(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list the partitions of %s: %w", dir, err)
	}
	for _, p := range parts {
		if err := add(filepath.Join(dir, Table, filepath.FromSlash(p.Path())), DataFile{Partition: p}); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Partitions lists the partitions that the lake at dir holds events of,
// sorted by path: the folders of the older layout, and the regions and
// days of each bucket's files (from their summaries, or their rows).
func Partitions(dir string) ([]cloudtrail.Partition, error) {
	files, err := ListFiles(dir)
	if err != nil {
		return nil, err
	}
	seen := map[cloudtrail.Partition]bool{}
	for _, f := range files {
		if f.Bucket == nil {
			seen[f.Partition] = true
			continue
		}
		parts, err := fileParts(f)
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			seen[p] = true
		}
	}
	out := make([]cloudtrail.Partition, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path() < out[j].Path() })
	return out, nil
}

// fileParts returns the partitions of a bucket's data file.
func fileParts(f DataFile) ([]cloudtrail.Partition, error) {
	base := cloudtrail.Partition{Account: f.Bucket.Account, Year: f.Bucket.Year, Month: f.Bucket.Month}
	var out []cloudtrail.Partition
	if sc, done, err := needle.OpenFile(f.Path); err == nil {
		s, ok := sc.Summary()
		done()
		if ok && s.Parts != nil {
			for _, p := range s.Parts {
				q := base
				q.Region, q.Day = p.Region, p.Day
				out = append(out, q)
			}
			return out, nil
		}
	}
	rows, err := ReadRows(f.Path)
	if err != nil {
		return nil, err
	}
	seen := map[cloudtrail.Partition]bool{}
	for _, r := range rows {
		q := base
		q.Region, q.Day = deref(r.Region), deref(r.Day)
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out, nil
}

// ReadRows reads every row of a data file; rows of a file of the older
// layout have no region and day.
func ReadRows(path string) ([]Row, error) {
	r, err := openRows(path)
	if err != nil {
		return nil, err
	}
	defer r.close()
	rows := make([]Row, r.n)
	read := 0
	for read < len(rows) {
		k, err := r.read(rows[read:])
		read += k
		if err == io.EOF || k == 0 {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return rows[:read], nil
}

// place is the part of Row that is not the event. (parquet-go reads NULLs
// of an embedded struct's optional fields as empty values, not nil, so
// rows are read as an Event and a place side by side.)
type place struct {
	Region *string `parquet:"region,optional"`
	Day    *string `parquet:"day,optional"`
}

// rowReader reads the rows of one data file in order.
type rowReader struct {
	path   string
	f      *os.File
	events *parquet.GenericReader[cloudtrail.Event]
	places *parquet.GenericReader[place]
	ebuf   []cloudtrail.Event
	pbuf   []place
	n      int64
}

func openRows(path string) (*rowReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	r := &rowReader{path: path, f: f, events: parquet.NewGenericReader[cloudtrail.Event](f), places: parquet.NewGenericReader[place](f)}
	r.n = r.events.NumRows()
	return r, nil
}

// read reads up to len(rows) rows; io.EOF at the end.
func (r *rowReader) read(rows []Row) (int, error) {
	if cap(r.ebuf) < len(rows) {
		r.ebuf, r.pbuf = make([]cloudtrail.Event, len(rows)), make([]place, len(rows))
	}
	ebuf, pbuf := r.ebuf[:len(rows)], r.pbuf[:len(rows)]
	clear(ebuf)
	clear(pbuf)
	n, err := r.events.Read(ebuf)
	if err != nil && err != io.EOF {
		return 0, fmt.Errorf("cannot read %s: %w", r.path, err)
	}
	m, perr := r.places.Read(pbuf[:n])
	if perr != nil && perr != io.EOF || m != n {
		return 0, fmt.Errorf("cannot read %s: the region and day columns do not line up with the rows (%v)", r.path, perr)
	}
	for i := range n {
		rows[i] = Row{Event: ebuf[i], Region: pbuf[i].Region, Day: pbuf[i].Day}
	}
	return n, err
}

func (r *rowReader) close() {
	r.events.Close()
	r.places.Close()
	r.f.Close()
}

// PartitionEvents reads the events of partition p of the lake at dir,
// from either layout.
func PartitionEvents(dir string, p cloudtrail.Partition) ([]*cloudtrail.Event, error) {
	var out []*cloudtrail.Event
	old, err := dataFiles(filepath.Join(dir, Table, filepath.FromSlash(p.Path())))
	if err != nil {
		return nil, err
	}
	for _, f := range old {
		evs, err := ReadEvents(f)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
	}
	files, err := dataFiles(filepath.Join(dir, Table, filepath.FromSlash(BucketOf(p).Path())))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		rows, err := ReadRows(f)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			if deref(rows[i].Region) == p.Region && deref(rows[i].Day) == p.Day {
				out = append(out, &rows[i].Event)
			}
		}
	}
	return out, nil
}
