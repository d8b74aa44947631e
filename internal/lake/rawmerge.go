package lake

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/trailsql/trailsql/internal/needle"
)

// Compacting a bucket's files reads and writes their rows as Parquet
// values (parquet.Row), never as Go structs: the files have the schema of
// Row, and decoding every string of every row only to encode it again was
// most of the cost of a merge. The sort key, the fingerprint, the summary
// and the token index are taken from the leaf columns that hold them.

// rowLayout says where the values a merge needs are in a parquet.Row of
// the bucket schema.
type rowLayout struct {
	schema              *parquet.Schema
	stamp, id, fp, time int
	region, day         int
	indexed             []int         // leaf columns the token index covers
	kinds               []needle.Kind // ... and how
}

// bucketLayout returns the layout of parquet.SchemaOf(Row{}).
func bucketLayout() (*rowLayout, error) {
	s := parquet.SchemaOf(Row{})
	l := &rowLayout{schema: s}
	for name, dst := range map[string]*int{"eventtimestamp": &l.stamp, "eventid": &l.id, "_fp": &l.fp, "eventtime": &l.time, "region": &l.region, "day": &l.day} {
		leaf, ok := s.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("BUG: the bucket schema has no column %s", name)
		}
		*dst = leaf.ColumnIndex
	}
	for i, path := range s.Columns() {
		p := strings.Join(path, ".")
		if needle.ColumnKind(p) != needle.NotIndexed {
			if leaf, _ := s.Lookup(path...); leaf.MaxRepetitionLevel > 0 {
				return nil, fmt.Errorf("BUG: indexed column %s is repeated", p)
			}
			l.indexed = append(l.indexed, i)
			l.kinds = append(l.kinds, needle.ColumnKind(p))
		}
	}
	return l, nil
}

// value returns the value of the non-repeated leaf column col of row.
func value(row parquet.Row, col int) parquet.Value {
	// Values are in column order, one per non-repeated leaf; a repeated
	// leaf (the resources list) may have several or one NULL, so search
	// from the column's own index onwards only when they shift it.
	if col < len(row) && row[col].Column() == col {
		return row[col]
	}
	for _, v := range row {
		if v.Column() == col {
			return v
		}
	}
	return parquet.Value{}
}

func stampOf(l *rowLayout, row parquet.Row) int64 {
	if v := value(row, l.stamp); !v.IsNull() {
		return v.Int64()
	}
	return 0
}

func lessRaw(l *rowLayout, a, b parquet.Row) bool {
	if ta, tb := stampOf(l, a), stampOf(l, b); ta != tb {
		return ta < tb
	}
	return string(value(a, l.id).ByteArray()) < string(value(b, l.id).ByteArray())
}

// sameSchema reports whether every file has the bucket schema, so that
// their rows can be merged as they are.
func sameSchema(l *rowLayout, files []input) bool {
	for _, in := range files {
		if in.region != "" {
			return false // a file of the older layout: no region and day
		}
		f, err := os.Open(in.path)
		if err != nil {
			return false
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return false
		}
		pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
		same := err == nil && parquet.EqualNodes(pf.Schema(), l.schema)
		f.Close()
		if !same {
			return false
		}
	}
	return true
}

// rawCursor reads a bucket's file as parquet rows, in batches.
type rawCursor struct {
	// before, when set, runs before a batch is read over the last one.
	before func() error
	path   string
	f      *os.File
	r      *parquet.Reader
	buf    []parquet.Row
	i, n   int
	cur    parquet.Row
	eof    bool
}

func openRawCursor(path string) (*rawCursor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	return &rawCursor{path: path, f: f, r: parquet.NewReader(f), buf: make([]parquet.Row, 256)}, nil
}

// advance moves to the next row; cur is nil at the end. The rows of a
// batch are valid until the next batch is read.
func (c *rawCursor) advance() error {
	if c.i >= c.n {
		c.cur = nil
		if c.eof {
			return nil
		}
		if c.before != nil && c.n > 0 {
			if err := c.before(); err != nil {
				return err
			}
		}
		n, err := c.r.ReadRows(c.buf)
		if err == io.EOF {
			c.eof = true
		} else if err != nil {
			return fmt.Errorf("cannot read %s: %w", c.path, err)
		}
		c.i, c.n = 0, n
		if n == 0 {
			c.eof = true
			return nil
		}
	}
	c.cur = c.buf[c.i]
	c.i++
	return nil
}

func (c *rawCursor) done() bool { return c.cur == nil }

func (c *rawCursor) close() {
	c.r.Close()
	c.f.Close()
}

// mergeRaw is mergeGroup for files of the bucket schema.
func mergeRaw(w *rollWriter, l *rowLayout, files []input) (int, error) {
	return kmerge(files,
		func(in input) (*rawCursor, error) {
			c, err := openRawCursor(in.path)
			if c != nil {
				c.before = func() error {
					// The cursor reads its next batch over the rows it
					// gave: they must be written first.
					if w.pw == nil {
						return nil
					}
					return w.flush()
				}
			}
			return c, err
		},
		func(a, b *rawCursor) bool { return lessRaw(l, a.cur, b.cur) },
		func(c *rawCursor) (int64, int64) { return stampOf(l, c.cur), value(c.cur, l.fp).Int64() },
		func(c *rawCursor) error { return w.writeRaw(l, c.cur) })
}

// unsafeString views b as a string without copying, for values that are
// only hashed (the token index keeps no string it is given, except short
// ones that it copies; see needle.Builder).
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// writeRaw adds a parquet row of the bucket schema to the current file,
// with its values in the token index and summary.
func (w *rollWriter) writeRaw(l *rowLayout, row parquet.Row) error {
	if err := w.open(); err != nil {
		return err
	}
	// Not cloned: mergeRaw flushes the rows before a cursor reads its
	// next batch over them.
	w.raw = append(w.raw, row)
	for i, col := range l.indexed {
		if v := value(row, col); !v.IsNull() {
			w.ix.AddKind(l.kinds[i], unsafeString(v.ByteArray()))
		}
	}
	var tm *string
	if v := value(row, l.time); !v.IsNull() {
		s := string(v.ByteArray())
		tm = &s
	}
	var stamp *int64
	if v := value(row, l.stamp); !v.IsNull() {
		s := v.Int64()
		stamp = &s
	}
	w.ix.AddSummary(tm, stamp, string(value(row, l.region).ByteArray()), string(value(row, l.day).ByteArray()))
	w.rows++
	if len(w.raw) == 1024 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	if w.rows >= w.maxRows {
		return w.close()
	}
	return nil
}
