package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
)

// Shape is the form of a log object's content.
type Shape int

// The shapes a log object can have.
const (
	ShapeUnknown Shape = iota
	// ShapeRecords is CloudTrail's delivery format: {"Records":[...]}.
	ShapeRecords
	// ShapeLines is newline-delimited events, as CloudWatch Logs and Firehose
	// exports deliver them (a single event object is a special case).
	ShapeLines
	// ShapeArray is a JSON array of events.
	ShapeArray
	// ShapeDigest is a CloudTrail digest file.
	ShapeDigest
)

func (s Shape) String() string {
	switch s {
	case ShapeRecords:
		return "records"
	case ShapeLines:
		return "lines"
	case ShapeArray:
		return "array"
	case ShapeDigest:
		return "digest"
	}
	return "unknown"
}

// RawRecord is the JSON text of one record and where it sits in its object.
type RawRecord struct {
	Index  int   // position among the object's records, from 0
	Offset int64 // byte offset of the record in the uncompressed object
	Data   []byte
}

// Problem is a part of an object that could not be read as records: its
// text is kept so that nothing that came in is lost.
type Problem struct {
	Index  int   // record position, or -1 when not one record
	Offset int64 // byte offset in the uncompressed object
	Reason string
	Data   []byte
}

// ErrNotCloudTrail marks content that is JSON but no CloudTrail log.
var ErrNotCloudTrail = errors.New("cloudtrail: not a CloudTrail log")

// SplitRecords finds the records in the uncompressed content of one log
// object and calls rec for each, in order, and bad for each part that is not
// valid JSON. It returns the object's shape, and an error (ErrNotCloudTrail,
// or a *SyntaxError when nothing could be read) for an object that holds no
// records at all. A syntax error after some records were read is reported
// through bad, with the rest of the object as its text.
func SplitRecords(data []byte, rec func(RawRecord), bad func(Problem)) (Shape, error) {
	s := scanner{data: data}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		s.pos = 3
	}
	s.skipSpace()
	if s.pos >= len(data) {
		return ShapeUnknown, fmt.Errorf("%w: empty", ErrNotCloudTrail)
	}
	switch data[s.pos] {
	case '[':
		return ShapeArray, splitArray(&s, rec, bad)
	case '{':
	default:
		return ShapeUnknown, fmt.Errorf("%w: content starts with %q", ErrNotCloudTrail, data[s.pos])
	}
	start := s.pos
	shape, err := splitRecordsDoc(&s, rec, bad)
	if shape != ShapeUnknown {
		return shape, err
	}
	// Not a {"Records":[...]} document: newline-delimited events.
	s = scanner{data: data, pos: start}
	return ShapeLines, splitLines(&s, rec, bad)
}

// splitRecordsDoc reads a {"Records":[...]} document. It returns
// ShapeUnknown, and reads nothing, when the first object is not one.
func splitRecordsDoc(s *scanner, rec func(RawRecord), bad func(Problem)) (Shape, error) {
	// Peek at the first key without consuming.
	p := scanner{data: s.data, pos: s.pos + 1}
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		return ShapeUnknown, nil
	}
	ks := p.pos
	esc, err := p.str()
	if err != nil {
		return ShapeUnknown, nil
	}
	p.skipSpace()
	first := keyString(p.data[ks:p.pos], esc)
	switch first {
	case "Records":
	case "awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "logFiles":
		return ShapeDigest, nil
	default:
		if isDigest(s.data[s.pos:]) {
			return ShapeDigest, nil
		}
		return ShapeUnknown, nil
	}
	// s is at '{', p after the "Records" key.
	s.pos = p.pos
	s.depth = 1
	n := 0
	fail := func(off int, err error) (Shape, error) {
		if n == 0 {
			return ShapeRecords, err
		}
		bad(Problem{Index: n, Offset: int64(off), Reason: err.Error(), Data: s.data[off:]})
		return ShapeRecords, nil
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return fail(s.pos, s.errorf("expected ':' after object key"))
	}
	s.pos++
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '[' {
		return ShapeUnknown, nil
	}
	s.pos++
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
	} else {
		for {
			s.skipSpace()
			off := s.pos
			v, err := s.value()
			if err != nil {
				return fail(off, err)
			}
			rec(RawRecord{Index: n, Offset: int64(off), Data: v})
			n++
			s.skipSpace()
			if s.pos >= len(s.data) {
				return fail(s.pos, s.errorf("unexpected end of input in Records array"))
			}
			if s.data[s.pos] == ',' {
				s.pos++
				continue
			}
			if s.data[s.pos] == ']' {
				s.pos++
				break
			}
			return fail(s.pos, s.errorf("expected ',' or ']' in Records array"))
		}
	}
	// The rest of the document: more members (ignored), then '}'.
	for {
		s.skipSpace()
		if s.pos >= len(s.data) {
			return fail(s.pos, s.errorf("unexpected end of input in Records document"))
		}
		c := s.data[s.pos]
		if c == '}' {
			s.pos++
			break
		}
		if c != ',' {
			return fail(s.pos, s.errorf("expected ',' or '}' in Records document"))
		}
		s.pos++
		s.skipSpace()
		off := s.pos
		if _, err := s.str(); err != nil {
			return fail(off, err)
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return fail(s.pos, s.errorf("expected ':' after object key"))
		}
		s.pos++
		if _, err := s.value(); err != nil {
			return fail(off, err)
		}
	}
	if trailing(s) {
		bad(Problem{Index: -1, Offset: int64(s.pos), Reason: "unexpected data after the Records document", Data: s.data[s.pos:]})
	}
	return ShapeRecords, nil
}

func trailing(s *scanner) bool {
	s.skipSpace()
	return s.pos < len(s.data)
}

// isDigest reports whether the object obj has the members of a digest file.
func isDigest(obj []byte) bool {
	found := false
	_ = eachMember(obj, func(key []byte, escaped bool, val []byte) error {
		switch keyString(key, escaped) {
		case "digestStartTime", "logFiles", "digestS3Object":
			found = true
		}
		return nil
	})
	return found
}

func splitArray(s *scanner, rec func(RawRecord), bad func(Problem)) error {
	n := 0
	start := s.pos
	err := s.array(func(v []byte, off int) error {
		return nil
	})
	if err != nil {
		return err
	}
	a := scanner{data: s.data, pos: start}
	_ = a.array(func(v []byte, off int) error {
		rec(RawRecord{Index: n, Offset: int64(off), Data: v})
		n++
		return nil
	})
	if trailing(s) {
		bad(Problem{Index: -1, Offset: int64(s.pos), Reason: "unexpected data after the JSON array", Data: s.data[s.pos:]})
	}
	return nil
}

// splitLines reads whitespace-separated JSON values, normally one per line.
// A line that is not valid JSON is reported and skipped.
func splitLines(s *scanner, rec func(RawRecord), bad func(Problem)) error {
	n := 0
	good := 0
	var firstErr error
	for {
		s.skipSpace()
		if s.pos >= len(s.data) {
			break
		}
		off := s.pos
		v, err := s.value()
		if err == nil && v[0] != '{' {
			err = &SyntaxError{Offset: int64(off), Msg: "line is not a JSON object"}
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			end := bytes.IndexByte(s.data[off:], '\n')
			if end < 0 {
				end = len(s.data) - off
			}
			line := countLines(s.data[:off]) + 1
			bad(Problem{Index: n, Offset: int64(off), Reason: fmt.Sprintf("line %d: %v", line, err), Data: s.data[off : off+end]})
			s.pos = off + end
			n++
			continue
		}
		rec(RawRecord{Index: n, Offset: int64(off), Data: v})
		n++
		good++
	}
	if good == 0 && firstErr != nil {
		return firstErr
	}
	return nil
}

func countLines(b []byte) int { return bytes.Count(b, []byte{'\n'}) }

// Unwrap returns the CloudTrail event inside an Amazon EventBridge envelope
// ({"detail-type": "AWS API Call via CloudTrail", "detail": {...}}), as its
// source bytes, and whether obj is such an envelope.
func Unwrap(obj []byte) ([]byte, bool) {
	var detail []byte
	hasType := false
	err := eachMember(obj, func(key []byte, escaped bool, val []byte) error {
		switch keyString(key, escaped) {
		case "detail-type":
			hasType = true
		case "detail":
			if len(val) > 0 && val[0] == '{' {
				detail = val
			}
		}
		return nil
	})
	if err != nil || !hasType || detail == nil {
		return nil, false
	}
	return detail, true
}
