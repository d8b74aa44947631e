package report

import (
	"fmt"
	"strings"
)

// Placeholders rewrites every :name parameter of text as ? and returns the
// names in order of appearance (a name used twice appears twice). Quoted
// strings, quoted identifiers, comments and :: casts are left alone.
func Placeholders(text string) (string, []string, error) {
	var b strings.Builder
	var names []string
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(text) {
				if text[j] == c {
					if j+1 < len(text) && text[j+1] == c { // doubled quote
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(text) {
				return "", nil, fmt.Errorf("unterminated %c quote at offset %d", c, i)
			}
			b.WriteString(text[i : j+1])
			i = j + 1
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				j = len(text) - i
			}
			b.WriteString(text[i : i+j])
			i += j
		case c == ':' && strings.HasPrefix(text[i:], "::"):
			b.WriteString("::")
			i += 2
		case c == ':' && i+1 < len(text) && isIdentStart(text[i+1]):
			j := i + 1
			for j < len(text) && isIdentPart(text[j]) {
				j++
			}
			names = append(names, text[i+1:j])
			b.WriteByte('?')
			i = j
		case c == '?':
			return "", nil, fmt.Errorf("positional parameter ? at offset %d: name parameters :like_this", i)
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), names, nil
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }
