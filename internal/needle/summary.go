package needle

import (
	"encoding/binary"
	"errors"
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
}

// maxTimeLen is the longest eventTime a summary keeps as a bound; a longer
// value (only a malformed record has one) leaves the range unknown.
const maxTimeLen = 256

// maxSummaryLen bounds an encoded summary
// (the fields of this version, and room for later ones).
const maxSummaryLen = 4096

// summarizer collects a Summary from the records that AddEvent sees.
type summarizer struct {
	s       Summary
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

func (z *summarizer) summary() Summary {
	s := z.s
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
	return binary.LittleEndian.AppendUint64(out, uint64(s.MaxStamp))
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
	return s, nil
}
