package sqltree

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a syntax error: what went wrong and where.
type Error struct {
	Offset int    // byte offset in the source
	Line   int    // 1-based line
	Column int    // 1-based column, in characters
	Msg    string // what is wrong, like "unexpected 'FROM', expected an expression"

	src string
}

// Error returns "syntax error at line L, column C: message".
func (e *Error) Error() string {
	return fmt.Sprintf("syntax error at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Context returns the source line of the error and, below it, a caret
// under the spot, both indented by two spaces. Tabs in the line are kept
// so that the caret lines up in a terminal.
func (e *Error) Context() string {
	start := strings.LastIndexByte(e.src[:e.Offset], '\n') + 1
	end := strings.IndexByte(e.src[e.Offset:], '\n')
	if end < 0 {
		end = len(e.src)
	} else {
		end += e.Offset
	}
	line := strings.TrimRight(e.src[start:end], "\r")
	var pad strings.Builder
	for _, r := range e.src[start:e.Offset] {
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	return "  " + line + "\n  " + pad.String() + "^"
}

// InSource returns a copy of e whose Context shows the line of src, a
// text with the same offsets as the one parsed: a caller that replaced
// parts of the user's text by text of the same length before parsing
// shows the user's own line.
func (e *Error) InSource(src string) *Error {
	c := *e
	if c.Offset <= len(src) {
		c.src = src
	}
	return &c
}

func newError(src string, p Pos, msg string) *Error {
	off := int(p)
	if off > len(src) {
		off = len(src)
	}
	line, col := LineColumn(src, Pos(off))
	return &Error{Offset: off, Line: line, Column: col, Msg: msg, src: src}
}

// LineColumn returns the 1-based line and column (in characters) of
// offset p in src.
func LineColumn(src string, p Pos) (line, column int) {
	off := int(p)
	if off > len(src) {
		off = len(src)
	}
	line = 1 + strings.Count(src[:off], "\n")
	start := strings.LastIndexByte(src[:off], '\n') + 1
	return line, 1 + utf8.RuneCountInString(src[start:off])
}

// UnsupportedError is returned for a statement that is not a query,
// SHOW, DESCRIBE or EXPLAIN, like INSERT or MSCK REPAIR TABLE: the caller
// decides what to tell the user.
type UnsupportedError struct {
	Kind   string // the statement's leading keywords, upper case: "INSERT INTO", "MSCK REPAIR TABLE"
	Offset int
}

// Error returns "unsupported statement KIND".
func (e *UnsupportedError) Error() string { return "unsupported statement " + e.Kind }
