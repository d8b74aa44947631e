package sqltree

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tEOF     tokKind = iota
	tWord            // unquoted identifier or keyword
	tQuoted          // "quoted identifier"
	tString          // 'string'
	tUString         // U&'unicode string'
	tBinary          // X'hex'
	tNumber          // 12, 1.5, .5, 1e3
	tParam           // ?
	tOp              // operator or punctuation
)

// token is one lexical token. For words, kw is the upper-cased text; for
// strings and quoted identifiers, val is the decoded value.
type token struct {
	kind tokKind
	pos  Pos
	text string
	kw   string
	val  string
}

// lex splits src into tokens, dropping white space and comments. The
// last token is always tEOF.
func lex(src string) ([]token, *Error) {
	toks := make([]token, 0, len(src)/4+1)
	i, lastEnd := 0, 0
	for {
		if i > 0 && len(toks) > 0 {
			lastEnd = i
		}
		// White space and comments.
		for i < len(src) {
			c := src[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
				i++
				continue
			}
			if c == '-' && i+1 < len(src) && src[i+1] == '-' {
				j := strings.IndexByte(src[i:], '\n')
				if j < 0 {
					i = len(src)
				} else {
					i += j + 1
				}
				continue
			}
			if c == '/' && i+1 < len(src) && src[i+1] == '*' {
				j := strings.Index(src[i+2:], "*/")
				if j < 0 {
					return nil, newError(src, Pos(i), "unterminated comment")
				}
				i += j + 4
				continue
			}
			break
		}
		if i >= len(src) {
			// The end of input is placed right after the last token,
			// so that an error there points at the text, not at
			// trailing blank lines.
			toks = append(toks, token{kind: tEOF, pos: Pos(lastEnd)})
			return toks, nil
		}
		start := i
		c := src[i]
		switch {
		case c == '\'':
			val, end, err := lexQuoted(src, i, '\'')
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, pos: Pos(start), text: src[start:end], val: val})
			i = end
		case c == '"':
			val, end, err := lexQuoted(src, i, '"')
			if err != nil {
				return nil, err
			}
			if val == "" {
				return nil, newError(src, Pos(start), "zero-length quoted identifier")
			}
			toks = append(toks, token{kind: tQuoted, pos: Pos(start), text: src[start:end], val: val})
			i = end
		case (c == 'x' || c == 'X') && i+1 < len(src) && src[i+1] == '\'':
			val, end, err := lexQuoted(src, i+1, '\'')
			if err != nil {
				return nil, err
			}
			for k := 0; k < len(val); k++ {
				if !isHex(val[k]) && val[k] != ' ' {
					return nil, newError(src, Pos(start), "binary literal can only contain hexadecimal digits")
				}
			}
			toks = append(toks, token{kind: tBinary, pos: Pos(start), text: src[start:end], val: val})
			i = end
		case (c == 'u' || c == 'U') && strings.HasPrefix(src[i+1:], "&'"):
			val, end, err := lexQuoted(src, i+2, '\'')
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tUString, pos: Pos(start), text: src[start:end], val: val})
			i = end
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			end, err := lexNumber(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tNumber, pos: Pos(start), text: src[start:end]})
			i = end
		case isIdentStart(src, i):
			j := i
			for j < len(src) {
				if src[j] < utf8.RuneSelf {
					if !isASCIIIdentPart(src[j]) {
						break
					}
					j++
					continue
				}
				r, n := utf8.DecodeRuneInString(src[j:])
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				j += n
			}
			text := src[i:j]
			toks = append(toks, token{kind: tWord, pos: Pos(start), text: text, kw: strings.ToUpper(text)})
			i = j
		case c == '?':
			toks = append(toks, token{kind: tParam, pos: Pos(start), text: "?"})
			i++
		default:
			op := lexOp(src[i:])
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, newError(src, Pos(start), "unexpected character "+quoteRune(r))
			}
			toks = append(toks, token{kind: tOp, pos: Pos(start), text: op})
			i += len(op)
		}
	}
}

// lexQuoted reads a literal quoted with q starting at src[i], where a
// doubled q stands for one. It returns the decoded body and the offset
// after the closing quote.
func lexQuoted(src string, i int, q byte) (string, int, *Error) {
	j := i + 1
	var b strings.Builder
	plain := true
	for {
		k := strings.IndexByte(src[j:], q)
		if k < 0 {
			what := "string"
			if q == '"' {
				what = "quoted identifier"
			}
			return "", 0, newError(src, Pos(i), "unterminated "+what)
		}
		if j+k+1 < len(src) && src[j+k+1] == q {
			plain = false
			b.WriteString(src[j : j+k+1])
			j += k + 2
			continue
		}
		if plain {
			return src[i+1 : j+k], j + k + 1, nil
		}
		b.WriteString(src[j : j+k])
		return b.String(), j + k + 1, nil
	}
}

// lexNumber reads an integer, decimal or double literal at src[i] and
// returns the offset after it.
func lexNumber(src string, i int) (int, *Error) {
	start := i
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
	}
	if isIdentStart(src, i) || i < len(src) && isDigit(src[i]) {
		return 0, newError(src, Pos(start), "identifiers must not start with a digit; surround the identifier with double quotes")
	}
	return i, nil
}

// ops lists the operators, longest first where one is a prefix of another.
var ops = []string{"<>", "<=", ">=", "!=", "||", "->", "=>", "(", ")", ",", ".", ";", "[", "]", "+", "-", "*", "/", "%", "=", "<", ">"}

func lexOp(s string) string {
	for _, op := range ops {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isASCIIIdentPart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c)
}

// isIdentStart reports whether an unquoted identifier starts at src[i].
func isIdentStart(src string, i int) bool {
	if i >= len(src) {
		return false
	}
	c := src[i]
	if c < utf8.RuneSelf {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return unicode.IsLetter(r)
}

func quoteRune(r rune) string {
	if r == utf8.RuneError {
		return "(invalid UTF-8)"
	}
	if r < ' ' || r == 0x7f {
		return fmt.Sprintf("U+%04X", r)
	}
	return "'" + string(r) + "'"
}
