package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token of a query.
type tokKind int

const (
	tokSpace  tokKind = iota // white space and comments
	tokIdent                 // a bare identifier or keyword
	tokQIdent                // a "quoted" or `backquoted` identifier
	tokString                // a 'string literal'
	tokNumber                // a numeric literal
	tokParam                 // a parameter: ?, $1, $name
	tokOp                    // an operator or punctuation
)

// token is one lexical token: its kind, its text exactly as in the input,
// and its byte offset in the input. Concatenating the texts of all tokens
// of a query gives the query back unchanged.
type token struct {
	kind tokKind
	text string
	off  int
}

// isKeyword reports whether t is the bare word kw (case-insensitive).
func (t token) isKeyword(kw string) bool {
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

// is reports whether t is the operator op.
func (t token) is(op string) bool { return t.kind == tokOp && t.text == op }

// lower is the token's text in lower case.
func (t token) lower() string { return strings.ToLower(t.text) }

// name is the identifier a token stands for: bare words as written,
// quoted identifiers without their quotes.
func (t token) name() string {
	switch t.kind {
	case tokQIdent:
		q := t.text[:1]
		s := t.text[1:]
		s = strings.TrimSuffix(s, q)
		return strings.ReplaceAll(s, q+q, q)
	default:
		return t.text
	}
}

// stringValue is the value of a string literal token (quotes removed,
// doubled quotes undone).
func (t token) stringValue() string {
	s := strings.TrimPrefix(t.text, "'")
	s = strings.TrimSuffix(s, "'")
	return strings.ReplaceAll(s, "''", "'")
}

// quoteString returns s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent returns s as a double-quoted SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// lexError is a problem found while splitting a query into tokens.
type lexError struct {
	off int
	msg string
}

func (e *lexError) Error() string { return e.msg }

// multiOps are the operators of more than one character, longest first.
var multiOps = [...]string{"->>", "<=>", "->", "::", "||", "<=", ">=", "<>", "!=", "==", "//", "**", "=>", ":=", "<<", ">>", "!~~", "~~"}

// lex splits a query into tokens. It never fails on odd input: an
// unterminated string, quoted identifier or comment runs to the end of the
// input and is reported in the error, which is informative only (the tokens
// still cover the whole input).
func lex(src string) ([]token, error) {
	var toks []token
	var firstErr error
	fail := func(off int, msg string) {
		if firstErr == nil {
			firstErr = &lexError{off: off, msg: msg}
		}
	}
	i := 0
	for i < len(src) {
		start := i
		c := src[i]
		kind := tokOp
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			for i < len(src) && strings.IndexByte(" \t\n\r\f\v", src[i]) >= 0 {
				i++
			}
			kind = tokSpace
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			kind = tokSpace
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				fail(i, "unterminated /* comment")
				i = len(src)
			} else {
				i += 2 + end + 2
			}
			kind = tokSpace
		case c == '\'':
			i = scanQuoted(src, i, '\'')
			if i < 0 {
				fail(start, "unterminated string literal")
				i = len(src)
			}
			kind = tokString
		case c == '"' || c == '`':
			i = scanQuoted(src, i, c)
			if i < 0 {
				fail(start, "unterminated quoted identifier")
				i = len(src)
			}
			kind = tokQIdent
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			i = scanNumber(src, i)
			kind = tokNumber
		case c == '?':
			i++
			kind = tokParam
		case c == '$' && i+1 < len(src) && (isIdentStart(rune(src[i+1])) || src[i+1] >= '0' && src[i+1] <= '9'):
			i++
			for i < len(src) {
				r, n := utf8.DecodeRuneInString(src[i:])
				if !isIdentPart(r) {
					break
				}
				i += n
			}
			kind = tokParam
		default:
			r, n := utf8.DecodeRuneInString(src[i:])
			if isIdentStart(r) {
				i += n
				for i < len(src) {
					r, n := utf8.DecodeRuneInString(src[i:])
					if !isIdentPart(r) {
						break
					}
					i += n
				}
				kind = tokIdent
				break
			}
			matched := false
			for _, op := range multiOps {
				if strings.HasPrefix(src[i:], op) {
					i += len(op)
					matched = true
					break
				}
			}
			if !matched {
				i += n
			}
		}
		toks = append(toks, token{kind: kind, text: src[start:i], off: start})
	}
	return toks, firstErr
}

// scanQuoted returns the offset after the quoted text that starts at i with
// quote q (a doubled quote stands for itself), or -1 when it does not end.
func scanQuoted(src string, i int, q byte) int {
	i++
	for i < len(src) {
		if src[i] == q {
			if i+1 < len(src) && src[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		}
		i++
	}
	return -1
}

func scanNumber(src string, i int) int {
	for i < len(src) && (src[i] >= '0' && src[i] <= '9' || src[i] == '.' || src[i] == '_') {
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && src[j] >= '0' && src[j] <= '9' {
			i = j
			for i < len(src) && src[i] >= '0' && src[i] <= '9' {
				i++
			}
		}
	}
	return i
}

func isIdentStart(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f && unicode.IsLetter(r)
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r >= '0' && r <= '9' || r == '$' || r > 0x7f && unicode.IsDigit(r)
}
