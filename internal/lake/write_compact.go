package lake

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
)

// Compact is a batch of events in compact form (cloudtrail.AppendCompact)
// on their way to the lake: byte arenas that hold the events, the places
// (region and day) they are stored under, and one reference per event.
// Nothing in it but the arenas' and places' headers holds a pointer, so
// the garbage collector has next to nothing to scan however many events a
// batch holds.
type Compact struct {
	Arenas [][]byte
	Places []Place
}

// Place is the region and day of a partition inside a bucket.
type Place struct{ Region, Day string }

// CompactRef is one event of a Compact: its time (EventTimestamp, by which
// files are sorted), where its compact form starts (Arena, Off) and its
// place.
type CompactRef struct {
	TS         int64
	Arena, Off uint32
	Place      uint32
}

func (c *Compact) bytes(r CompactRef) []byte { return c.Arenas[r.Arena][r.Off:] }

// AddCompact writes the events refs of c, all of bucket b, as one new data
// file of b, sorted by time (then eventID) as every data file is; refs is
// sorted in place. The caller has removed events already present (see
// DayFingerprints).
func (l *Lake) AddCompact(b Bucket, c *Compact, refs []CompactRef) (path string, size int64, err error) {
	if len(refs) == 0 {
		return "", 0, nil
	}
	c.sort(refs)
	return l.newFile(b, "part", len(refs), func(w io.Writer, ix *needle.Builder) error {
		return writeCompact(w, c, refs, ix, &l.fastZstd)
	})
}

func (c *Compact) sort(refs []CompactRef) {
	slices.SortStableFunc(refs, func(a, b CompactRef) int {
		if n := cmp.Compare(a.TS, b.TS); n != 0 {
			return n
		}
		_, ia := cloudtrail.CompactKey(c.bytes(a))
		_, ib := cloudtrail.CompactKey(c.bytes(b))
		return bytes.Compare(ia, ib)
	})
}

// writeCompact writes the events refs of c, in that order, into w as
// Parquet, and adds them to ix. The events are thawed a group at a time
// into memory reused from one group to the next; while the Parquet writer
// takes a group, another goroutine adds it to the index (the two only read
// it), so that one bucket's file is written by two cores.
func writeCompact(w io.Writer, c *Compact, refs []CompactRef, ix *needle.Builder, codec *zstd.Codec) error {
	pw := parquet.NewGenericWriter[Row](w, append(writerOptions(), parquet.Compression(codec))...)
	const batch = 1024
	buf := make([]Row, 0, batch)
	var th cloudtrail.Thawer
	index := func(rows []Row) {
		for i := range rows {
			ix.AddRecord(&rows[i].Event, *rows[i].Region, *rows[i].Day)
		}
	}
	for i, r := range refs {
		e, _, err := th.Thaw(c.bytes(r))
		if err != nil {
			return err
		}
		if int(r.Place) >= len(c.Places) {
			return fmt.Errorf("BUG: lake: event of place %d of %d", r.Place, len(c.Places))
		}
		p := &c.Places[r.Place]
		buf = append(buf, Row{Event: *e, Region: &p.Region, Day: &p.Day})
		if len(buf) < batch && i < len(refs)-1 {
			continue
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			index(buf)
		}()
		_, err = pw.Write(buf)
		<-done
		if err != nil {
			return err
		}
		clear(buf)
		buf = buf[:0]
		th.Reset()
		if (i+1)%flushRows == 0 {
			// End the row group: the writer holds a row group's
			// columns in memory until then.
			if err := pw.Flush(); err != nil {
				return err
			}
		}
	}
	return pw.Close()
}
