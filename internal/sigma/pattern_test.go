package sigma

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPattern(t *testing.T) {
	f := func(pat, s string, cased, want bool) {
		t.Helper()
		p := ParsePattern(pat)
		if got := p.Match(s, cased); got != want {
			t.Errorf("%q on %q (cased %v): got %v, want %v", pat, s, cased, got, want)
		}
		// String is Sigma's notation: it parses back to the same pattern.
		if again := ParsePattern(p.String()); again.String() != p.String() || len(again.Parts) != len(p.Parts) {
			t.Errorf("%q: String %q parses to %q", pat, p.String(), again.String())
		}
	}
	f("", "", false, true)
	f("", "a", false, false)
	f("abc", "ABC", false, true)
	f("abc", "ABC", true, false)
	f("a*c", "abbbc", false, true)
	f("a*c", "ac", false, true)
	f("a*c", "acb", false, false)
	f("*", "", false, true)
	f("**", "x", false, true)
	f("a?c", "abc", false, true)
	f("a?c", "ac", false, false)
	f("a?c", "aéc", false, true) // one code point
	f("?", "", false, false)
	f("*a*b*", "xxaxxbxx", false, true)
	f("*a*b", "xxaxxbxxb", false, true)
	f("*ab", "aab", false, true)
	f(`a\*c`, "a*c", false, true)
	f(`a\*c`, "abc", false, false)
	f(`a\?c`, "a?c", false, true)
	f(`a\\*`, `a\anything`, false, true)
	f(`a\\`, `a\`, false, true)
	f(`C:\Windows\*`, `C:\Windows*`, false, true) // \* is an escaped star
	f(`C:\Windows\\*`, `C:\Windows\system32`, false, true)
	f(`a\b`, `a\b`, false, true)
	f(`trailing\`, `trailing\`, false, true)
	f("ÄÖ*", "äöü", false, true) // Unicode folding

	parts := func(s string) string {
		var out string
		for _, p := range ParsePattern(s).Parts {
			switch p.Kind {
			case AnyRun:
				out += "[*]"
			case AnyOne:
				out += "[?]"
			default:
				out += "'" + p.Text + "'"
			}
		}
		return out
	}
	for in, want := range map[string]string{
		`a**b`:      `'a'[*]'b'`,
		`\*\?\\x`:   `'*?\x'`,
		`*?*`:       `[*][?][*]`,
		`C:\Win\*`:  `'C:\Win*'`,
		`C:\Win\\*`: `'C:\Win\'[*]`,
		`ab\*cd*ef`: `'ab*cd'[*]'ef'`,
	} {
		if got := parts(in); got != want {
			t.Errorf("ParsePattern(%q) = %s, want %s", in, got, want)
		}
	}
	if s, ok := ParsePattern(`x\*`).Literal(); !ok || s != "x*" {
		t.Errorf("Literal: %q %v", s, ok)
	}
	if ParsePattern("x").wrap(Contains).String() != "*x*" || ParsePattern("*x").wrap(Contains).String() != "*x*" ||
		ParsePattern("x").wrap(StartsWith).String() != "x*" || ParsePattern("x").wrap(EndsWith).String() != "*x" {
		t.Error("wrap")
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]string{"30s": "30s", "10m": "10m0s", "2h": "2h0m0s", "1d": "24h0m0s"} {
		d, err := ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("%s: %v %v", in, d, err)
		}
	}
	for _, in := range []string{"", "10", "m", "1w", "1.5h", "-1m", "0s", "10M", "9999999999s"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// patternRegexp is an independent reading of a pattern: the same
// semantics through Go's regexp package.
func patternRegexp(p Pattern, cased bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	b.WriteString("(?s)")
	for _, part := range p.Parts {
		switch part.Kind {
		case AnyRun:
			b.WriteString(".*")
		case AnyOne:
			b.WriteString(".")
		default:
			t := part.Text
			if !cased {
				t = Fold(t)
			}
			b.WriteString(regexp.QuoteMeta(t))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// FuzzPattern compares Pattern.Match with a regexp reading of the same
// pattern.
func FuzzPattern(f *testing.F) {
	f.Add(`a*b?c`, "axxbyc", false)
	f.Add(`*\*\?\\*`, "x*?\\y", true)
	f.Add(`ÄÖ*`, "äöü", false)
	f.Fuzz(func(t *testing.T, pat, s string, cased bool) {
		if !utf8.ValidString(pat) || !utf8.ValidString(s) {
			return
		}
		p := ParsePattern(pat)
		subject := s
		if !cased {
			subject = Fold(s)
		}
		want := patternRegexp(p, cased).MatchString(subject)
		if got := p.Match(s, cased); got != want {
			t.Fatalf("%q on %q (cased %v): Match %v, regexp %v", pat, s, cased, got, want)
		}
	})
}
