package needle

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// Summary is what a sidecar says about its data file's records besides
// their tokens: how many there are and the range of their eventTime
// values, so that a query that wants the newest (or oldest) N events can
// leave out the files whose range cannot hold them.
type Summary struct {
	Rows  int64 // records in the file
	Timed int64 // records with an eventTime (not NULL)
	// Ranged says whether MinTime and MaxTime bound the eventTime of every
	// timed record: false when a value was too long to keep.
	Ranged bool
	// MinTime and MaxTime are the least and greatest eventTime text, in
	// byte order (SQL's order of VARCHAR), of the timed records.
	MinTime, MaxTime string
	// Stamped is how many records have a parsed time (eventtimestamp);
	// MinStamp and MaxStamp are its least and greatest value (UTC
	// microseconds) when Stamped > 0.
	Stamped            int64
	MinStamp, MaxStamp int64
	// Parts lists the partitions (region and day) of the file's records
	// with their counts, sorted, for files that hold several partitions
	// (the month files of the lake's layout); nil when the file's folder
	// names its one partition, or when the file was indexed before
	// summaries had parts.
	Parts []Part
}

// Part is what a summary says about the records of one region and day in
// a data file.
type Part struct {
	Region, Day string
	Rows        int64
	// MinStamp and MaxStamp bound the records' eventtimestamp (UTC
	// microseconds); every record of a part has one (it is what decided
	// the day).
	MinStamp, MaxStamp int64
}

// maxTimeLen is the longest eventTime a summary keeps as a bound; a longer
// value (only a malformed record has one) leaves the range unknown.
const maxTimeLen = 256

// maxSummaryLen bounds an encoded summary
// (the fields of this version, and room for later ones).
const maxSummaryLen = 1 << 20

// maxParts bounds the parts of one summary: a month of every region (a
// longer list is a damaged file).
const maxParts = 31 * 1024

// summarizer collects a Summary from the records that AddEvent sees.
type summarizer struct {
	s       Summary
	parts   map[[2]string]*Part
	have    bool // a bound has been set
	tooLong bool // an eventTime was longer than maxTimeLen
}

func (z *summarizer) add(e *cloudtrail.Event) {
	z.s.Rows++
	if ts := e.EventTimestamp; ts != nil {
		if z.s.Stamped == 0 || *ts < z.s.MinStamp {
			z.s.MinStamp = *ts
		}
		if z.s.Stamped == 0 || *ts > z.s.MaxStamp {
			z.s.MaxStamp = *ts
		}
		z.s.Stamped++
	}
	if e.EventTime == nil {
		return
	}
	t := *e.EventTime
	z.s.Timed++
	switch {
	case len(t) > maxTimeLen:
		z.tooLong = true
	case !z.have:
		z.s.MinTime, z.s.MaxTime, z.have = strings.Clone(t), strings.Clone(t), true
	case t < z.s.MinTime:
		z.s.MinTime = strings.Clone(t)
	case t > z.s.MaxTime:
		z.s.MaxTime = strings.Clone(t)
	}
}

// addPart counts e in the part of region and day.
func (z *summarizer) addPart(region, day string, e *cloudtrail.Event) {
	if z.parts == nil {
		z.parts = map[[2]string]*Part{}
	}
	k := [2]string{region, day}
	p := z.parts[k]
	var ts int64
	if e.EventTimestamp != nil {
		ts = *e.EventTimestamp
	}
	if p == nil {
		p = &Part{Region: strings.Clone(region), Day: strings.Clone(day), MinStamp: ts, MaxStamp: ts}
		z.parts[k] = p
	}
	p.Rows++
	p.MinStamp = min(p.MinStamp, ts)
	p.MaxStamp = max(p.MaxStamp, ts)
}

func (z *summarizer) summary() Summary {
	s := z.s
	if len(z.parts) > 0 {
		s.Parts = make([]Part, 0, len(z.parts))
		for _, p := range z.parts {
			s.Parts = append(s.Parts, *p)
		}
		slices.SortFunc(s.Parts, func(a, b Part) int {
			if c := cmp.Compare(a.Region, b.Region); c != 0 {
				return c
			}
			return cmp.Compare(a.Day, b.Day)
		})
	}
	s.Ranged = !z.tooLong
	if z.tooLong {
		s.MinTime, s.MaxTime = "", ""
	}
	return s
}

// encode writes s as rows and timed (uint64 little endian), a flags byte
// (1: ranged), the two bounds, each a uint16 length and its bytes, then
// stamped (uint64) and the two stamps (int64). A reader ignores what
// follows the fields it knows, so that later fields can be added.
func (s Summary) encode() []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(s.Rows))
	out = binary.LittleEndian.AppendUint64(out, uint64(s.Timed))
	var flags byte
	if s.Ranged {
		flags |= 1
	}
	out = append(out, flags)
	for _, v := range []string{s.MinTime, s.MaxTime} {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(v)))
		out = append(out, v...)
	}
	out = binary.LittleEndian.AppendUint64(out, uint64(s.Stamped))
	out = binary.LittleEndian.AppendUint64(out, uint64(s.MinStamp))
	out = binary.LittleEndian.AppendUint64(out, uint64(s.MaxStamp))
	// Version 5: the parts, a uint32 count, then for each the region and
	// the day (a byte of length and the bytes), the rows (uint64) and the
	// two stamps (int64).
	out = binary.LittleEndian.AppendUint32(out, uint32(len(s.Parts)))
	for _, p := range s.Parts {
		out = append(out, byte(len(p.Region)))
		out = append(out, p.Region...)
		out = append(out, byte(len(p.Day)))
		out = append(out, p.Day...)
		out = binary.LittleEndian.AppendUint64(out, uint64(p.Rows))
		out = binary.LittleEndian.AppendUint64(out, uint64(p.MinStamp))
		out = binary.LittleEndian.AppendUint64(out, uint64(p.MaxStamp))
	}
	return out
}

var errSummary = errors.New("token index is damaged (bad summary)")

func decodeSummary(b []byte) (Summary, error) {
	var s Summary
	if len(b) < 8+8+1 {
		return s, errSummary
	}
	rows, timed := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
	if rows > 1<<62 || timed > rows {
		return s, errSummary
	}
	s.Rows, s.Timed = int64(rows), int64(timed)
	s.Ranged = b[16]&1 != 0
	b = b[17:]
	var bounds [2]string
	for i := range bounds {
		if len(b) < 2 {
			return s, errSummary
		}
		n := int(binary.LittleEndian.Uint16(b))
		if n > maxTimeLen || len(b) < 2+n {
			return s, errSummary
		}
		bounds[i] = string(b[2 : 2+n])
		b = b[2+n:]
	}
	if s.Ranged && s.Timed > 0 && bounds[0] > bounds[1] {
		return s, errSummary
	}
	s.MinTime, s.MaxTime = bounds[0], bounds[1]
	if len(b) < 24 {
		return s, errSummary
	}
	stamped := binary.LittleEndian.Uint64(b)
	s.MinStamp, s.MaxStamp = int64(binary.LittleEndian.Uint64(b[8:])), int64(binary.LittleEndian.Uint64(b[16:]))
	if stamped > rows || stamped > 0 && s.MinStamp > s.MaxStamp {
		return s, errSummary
	}
	s.Stamped = int64(stamped)
	b = b[24:]
	if len(b) == 0 {
		return s, nil // written before summaries had parts
	}
	if len(b) < 4 {
		return s, errSummary
	}
	n := binary.LittleEndian.Uint32(b)
	b = b[4:]
	if n > maxParts {
		return s, errSummary
	}
	var total int64
	for range n {
		var p Part
		for _, dst := range []*string{&p.Region, &p.Day} {
			if len(b) < 1 || len(b) < 1+int(b[0]) {
				return s, errSummary
			}
			*dst = string(b[1 : 1+int(b[0])])
			b = b[1+int(b[0]):]
		}
		if len(b) < 24 {
			return s, errSummary
		}
		rows := binary.LittleEndian.Uint64(b)
		p.MinStamp, p.MaxStamp = int64(binary.LittleEndian.Uint64(b[8:])), int64(binary.LittleEndian.Uint64(b[16:]))
		b = b[24:]
		if rows == 0 || rows > uint64(s.Rows) || p.MinStamp > p.MaxStamp {
			return s, errSummary
		}
		total += int64(rows)
		p.Rows = int64(rows)
		s.Parts = append(s.Parts, p)
	}
	if total > s.Rows {
		return s, errSummary
	}
	return s, nil
}
