package sigma

import (
	"strings"
	"unicode/utf8"
)

// PartKind is the kind of one Part of a Pattern.
type PartKind int

const (
	// Literal is text matched as is (case-insensitively unless cased).
	Literal PartKind = iota
	// AnyRun is `*`: any run of characters, possibly empty.
	AnyRun
	// AnyOne is `?`: exactly one character (one Unicode code point).
	AnyOne
)

// Part is one piece of a Pattern: a literal text, `*` or `?`.
type Part struct {
	Kind PartKind
	// Text is the literal text (escapes already read); empty for
	// wildcards.
	Text string
}

// Pattern is a Sigma string value read as a wildcard pattern: literal
// segments and the wildcards `*` and `?`. A pattern matches a whole
// string. Adjacent literals are merged and runs of `*` collapse to one.
// The empty pattern (no parts) matches only "".
type Pattern struct {
	Parts []Part
}

// ParsePattern reads a Sigma string value: `*` and `?` are wildcards;
// `\*`, `\?` and `\\` are a literal `*`, `?` and `\`; any other backslash
// is a literal backslash. So `C:\Windows\*` is the literal C:\Windows*,
// and C:\Windows\ followed by a wildcard is written `C:\Windows\\*`.
func ParsePattern(s string) Pattern {
	var p Pattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.Parts = append(p.Parts, Part{Kind: Literal, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\') {
				lit.WriteByte(s[i+1])
				i++
			} else {
				lit.WriteByte('\\')
			}
		case '*':
			flush()
			p.add(Part{Kind: AnyRun})
		case '?':
			flush()
			p.add(Part{Kind: AnyOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return p
}

// LiteralPattern is the pattern that matches exactly s (no wildcards).
func LiteralPattern(s string) Pattern {
	if s == "" {
		return Pattern{}
	}
	return Pattern{Parts: []Part{{Kind: Literal, Text: s}}}
}

// add appends a part, merging literals and collapsing `**`.
func (p *Pattern) add(q Part) {
	if n := len(p.Parts); n > 0 {
		last := &p.Parts[n-1]
		if q.Kind == AnyRun && last.Kind == AnyRun {
			return
		}
		if q.Kind == Literal && last.Kind == Literal {
			last.Text += q.Text
			return
		}
	}
	if q.Kind == Literal && q.Text == "" {
		return
	}
	p.Parts = append(p.Parts, q)
}

// wrap returns the pattern with `*` added for a position: before and after
// (contains), after (startswith), before (endswith).
func (p Pattern) wrap(pos Position) Pattern {
	var q Pattern
	if pos == Contains || pos == EndsWith {
		q.add(Part{Kind: AnyRun})
	}
	for _, part := range p.Parts {
		q.add(part)
	}
	if pos == Contains || pos == StartsWith {
		q.add(Part{Kind: AnyRun})
	}
	return q
}

// Literal reports whether the pattern has no wildcard, and its text.
func (p Pattern) Literal() (string, bool) {
	switch len(p.Parts) {
	case 0:
		return "", true
	case 1:
		if p.Parts[0].Kind == Literal {
			return p.Parts[0].Text, true
		}
	}
	return "", false
}

// HasWildcard reports whether the pattern has a `*` or `?`.
func (p Pattern) HasWildcard() bool {
	_, lit := p.Literal()
	return !lit
}

// String returns the pattern in Sigma's notation, escaping `*`, `?` and
// `\` in literals; ParsePattern(p.String()) equals p.
func (p Pattern) String() string {
	var b strings.Builder
	for _, part := range p.Parts {
		switch part.Kind {
		case AnyRun:
			b.WriteByte('*')
		case AnyOne:
			b.WriteByte('?')
		default:
			for i := 0; i < len(part.Text); i++ {
				c := part.Text[i]
				if c == '*' || c == '?' || c == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// Fold is the case folding used for case-insensitive comparison: Unicode
// lower case (strings.ToLower; DuckDB's lower() agrees on it).
func Fold(s string) string { return strings.ToLower(s) }

// Match reports whether the pattern matches the whole of s. Unless cased,
// both sides are compared after Fold.
func (p Pattern) Match(s string, cased bool) bool {
	parts := p.Parts
	if !cased {
		parts = make([]Part, len(p.Parts))
		for i, part := range p.Parts {
			parts[i] = Part{Kind: part.Kind, Text: Fold(part.Text)}
		}
		s = Fold(s)
	}
	return matchParts(parts, s)
}

// matchParts matches parts against the whole of s, backtracking only to
// the last `*` (linear in practice, quadratic at worst).
func matchParts(parts []Part, s string) bool {
	pi, si := 0, 0
	starPi, starSi := -1, 0
	for {
		if pi < len(parts) {
			part := parts[pi]
			switch part.Kind {
			case AnyRun:
				starPi, starSi = pi, si
				pi++
				continue
			case AnyOne:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					pi++
					continue
				}
			default:
				if strings.HasPrefix(s[si:], part.Text) {
					si += len(part.Text)
					pi++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last `*` take one more character.
		if starPi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		pi, si = starPi+1, starSi
	}
}
