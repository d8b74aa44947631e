package cloudtrail

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
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
}

const maxDepth = 512

func (s *scanner) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: int64(s.pos), Msg: fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) && isSpace(s.data[s.pos]) {
		s.pos++
	}
}

// value skips one JSON value starting at the current position (after
// whitespace) and returns its raw bytes.
func (s *scanner) value() ([]byte, error) {
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

// str skips a string and reports whether it holds escapes.
func (s *scanner) str() (escaped bool, err error) {
	d := s.data
	p := s.pos + 1
	for p < len(d) {
		c := d[p]
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
		case c < 0x20:
			s.pos = p
			return false, s.errorf("control character in string")
		case c < utf8.RuneSelf:
			p++
		default:
			r, size := utf8.DecodeRune(d[p:])
			if r == utf8.RuneError && size == 1 {
				s.pos = p
				return false, s.errorf("invalid UTF-8")
			}
			p += size
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
		escaped, err := s.str()
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
	s := scanner{data: obj}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '{' {
		return errNotObject
	}
	return s.object(fn)
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
