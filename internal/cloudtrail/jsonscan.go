package cloudtrail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// SyntaxError reports invalid JSON at a byte offset of the text being scanned.
type SyntaxError struct {
	Offset int64
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// scanner walks JSON text without building values. It validates syntax and
// hands out the raw bytes of values so that they can be kept byte for byte.
type scanner struct {
	data  []byte
	pos   int
	depth int
	space bool // white space was skipped between tokens
	// trusted: the text is known to be valid JSON (SplitRecords checked
	// it), so values are skipped fast, without checking them again.
	trusted bool
}

const maxDepth = 512

func (s *scanner) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: int64(s.pos), Msg: fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func (s *scanner) skipSpace() {
	if s.pos < len(s.data) && isSpace(s.data[s.pos]) {
		s.space = true
		for s.pos < len(s.data) && isSpace(s.data[s.pos]) {
			s.pos++
		}
	}
}

// value skips one JSON value starting at the current position (after
// whitespace) and returns its raw bytes.
func (s *scanner) value() ([]byte, error) {
	if s.trusted {
		return s.skipTrusted()
	}
	s.skipSpace()
	if s.pos >= len(s.data) {
		return nil, s.errorf("unexpected end of input")
	}
	start := s.pos
	var err error
	switch c := s.data[s.pos]; {
	case c == '{':
		err = s.object(nil)
	case c == '[':
		err = s.array(nil)
	case c == '"':
		_, err = s.str()
	case c == '-' || (c >= '0' && c <= '9'):
		err = s.number()
	case c == 't':
		err = s.literal("true")
	case c == 'f':
		err = s.literal("false")
	case c == 'n':
		err = s.literal("null")
	default:
		err = s.errorf("unexpected character %q", c)
	}
	if err != nil {
		return nil, err
	}
	return s.data[start:s.pos], nil
}

func (s *scanner) literal(lit string) error {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return s.errorf("invalid literal")
	}
	s.pos += len(lit)
	return nil
}

func (s *scanner) number() error {
	d := s.data
	p := s.pos
	if p < len(d) && d[p] == '-' {
		p++
	}
	if p >= len(d) {
		s.pos = p
		return s.errorf("invalid number")
	}
	if d[p] == '0' {
		p++
	} else if d[p] >= '1' && d[p] <= '9' {
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	} else {
		s.pos = p
		return s.errorf("invalid number")
	}
	if p < len(d) && d[p] == '.' {
		p++
		q := p
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
		if p == q {
			s.pos = p
			return s.errorf("invalid number")
		}
	}
	if p < len(d) && (d[p] == 'e' || d[p] == 'E') {
		p++
		if p < len(d) && (d[p] == '+' || d[p] == '-') {
			p++
		}
		q := p
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
		if p == q {
			s.pos = p
			return s.errorf("invalid number")
		}
	}
	s.pos = p
	return nil
}

// str skips a string and reports whether it holds escapes. Bytes from 0x80
// up are not checked here: callers check a whole record's UTF-8 at once.
func (s *scanner) str() (escaped bool, err error) {
	d := s.data
	p := s.pos + 1
	for p < len(d) {
		c := d[p]
		if c >= 0x20 && c != '"' && c != '\\' {
			p++
			continue
		}
		switch {
		case c == '"':
			s.pos = p + 1
			return escaped, nil
		case c == '\\':
			escaped = true
			if p+1 >= len(d) {
				s.pos = p
				return false, s.errorf("unterminated string")
			}
			switch d[p+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p += 2
			case 'u':
				if p+6 > len(d) || !isHex(d[p+2]) || !isHex(d[p+3]) || !isHex(d[p+4]) || !isHex(d[p+5]) {
					s.pos = p
					return false, s.errorf("invalid \\u escape")
				}
				p += 6
			default:
				s.pos = p
				return false, s.errorf("invalid escape")
			}
		default:
			s.pos = p
			return false, s.errorf("control character in string")
		}
	}
	s.pos = p
	return false, s.errorf("unterminated string")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// object skips an object; fn, when not nil, is called for every member with
// the raw key (quotes included) and the raw value.
func (s *scanner) object(fn func(key []byte, escaped bool, val []byte) error) error {
	s.depth++
	if s.depth > maxDepth {
		return s.errorf("nesting too deep")
	}
	defer func() { s.depth-- }()
	s.pos++ // {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end of input in object")
		}
		if s.data[s.pos] != '"' {
			return s.errorf("expected string key")
		}
		ks := s.pos
		var escaped bool
		var err error
		if s.trusted {
			escaped, err = s.strTrusted()
		} else {
			escaped, err = s.str()
		}
		if err != nil {
			return err
		}
		key := s.data[ks:s.pos]
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.errorf("expected ':' after object key")
		}
		s.pos++
		val, err := s.value()
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(key, escaped, val); err != nil {
				return err
			}
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end of input in object")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or '}' in object")
		}
	}
}

// array skips an array; fn, when not nil, is called with the raw bytes and
// offset of every element.
func (s *scanner) array(fn func(val []byte, off int) error) error {
	s.depth++
	if s.depth > maxDepth {
		return s.errorf("nesting too deep")
	}
	defer func() { s.depth-- }()
	s.pos++ // [
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		off := s.pos
		val, err := s.value()
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(val, off); err != nil {
				return err
			}
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end of input in array")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or ']' in array")
		}
	}
}

// eachMember calls fn for every member of the JSON object obj.
func eachMember(obj []byte, fn func(key []byte, escaped bool, val []byte) error) error {
	_, err := eachMemberSpace(obj, false, fn)
	return err
}

// eachMemberSpace is eachMember that also reports whether obj has white
// space between its tokens. trusted says that obj is known to be valid.
func eachMemberSpace(obj []byte, trusted bool, fn func(key []byte, escaped bool, val []byte) error) (bool, error) {
	s := scanner{data: obj, trusted: trusted}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '{' {
		return s.space, errNotObject
	}
	err := s.object(fn)
	if err == nil && s.pos < len(s.data) {
		s.skipSpace()
		if s.pos < len(s.data) {
			err = s.errorf("unexpected data after the object")
		}
	}
	return s.space, err
}

var errNotObject = errors.New("not a JSON object")

// keyString returns the decoded text of a raw JSON key or string.
func keyString(raw []byte, escaped bool) string {
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw[1 : len(raw)-1])
	}
	return v
}

// strTrusted skips a string of valid JSON: it jumps from quote to quote.
func (s *scanner) strTrusted() (escaped bool, err error) {
	d := s.data
	start := s.pos + 1
	p := start
	for {
		i := bytes.IndexByte(d[p:], '"')
		if i < 0 {
			s.pos = len(d)
			return false, s.errorf("unterminated string")
		}
		q := p + i
		n := 0
		for k := q - 1; k >= start && d[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			s.pos = q + 1
			return bytes.IndexByte(d[start:q], '\\') >= 0, nil
		}
		p = q + 1
	}
}

// skipTrusted skips one value of valid JSON, noting white space between
// tokens.
func (s *scanner) skipTrusted() ([]byte, error) {
	s.skipSpace()
	d := s.data
	if s.pos >= len(d) {
		return nil, s.errorf("unexpected end of input")
	}
	start := s.pos
	switch d[start] {
	case '"':
		if _, err := s.strTrusted(); err != nil {
			return nil, err
		}
		return d[start:s.pos], nil
	case '{', '[':
		depth := 0
		p := start
		for p < len(d) {
			switch d[p] {
			case '"':
				s.pos = p
				if _, err := s.strTrusted(); err != nil {
					return nil, err
				}
				p = s.pos
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.pos = p + 1
					return d[start:s.pos], nil
				}
			case ' ', '\n', '\t', '\r':
				s.space = true
			}
			p++
		}
		s.pos = p
		return nil, s.errorf("unexpected end of input")
	}
	p := start
	for p < len(d) {
		switch d[p] {
		case ',', '}', ']', ' ', '\n', '\t', '\r':
			s.pos = p
			return d[start:p], nil
		}
		p++
	}
	s.pos = p
	return d[start:p], nil
}
