package query

import (
	"context"
	"strings"
	"testing"
)

// TestErrorPosition checks that errors found after parsing (when the
// query is compiled, or when DuckDB binds the rewritten SQL) point at the
// user's SQL: the line and column of the thing they name, and the line
// with a caret under it.
func TestErrorPosition(t *testing.T) {
	e, _, _ := openFixture(t)
	for _, tc := range []struct {
		sql       string
		line, col int
		contains  string // in the message
	}{
		{"SELECT eventname, nosuchcol FROM cloudtrail LIMIT 1", 1, 19, `unknown column "nosuchcol"`},
		{"SELECT eventname\nFROM cloudtrail\nWHERE useridentity.nosuch = 'x'", 3, 20, `unknown field "nosuch"`},
		{"SELECT count(*) FROM cloudtrial", 1, 22, "unknown table cloudtrial"},
		{"SELECT eventname, count(*) FROM cloudtrail GROUP BY 1\nHAVING sum(eventname) > 1", 2, 8, "sum(VARCHAR)"},
		{"SELECT eventname, eventsource FROM cloudtrail GROUP BY 1", 1, 19, `"eventsource" must appear in the GROUP BY`},
		{"SELECT count(*) FROM cloudtrail a, cloudtrail b\n  WHERE a.eventname = 'x' AND eventname = 'y'", 2, 31, "Ambiguous reference"},
		{"SELECT CAST('abc' AS integer)", 1, 13, "Could not convert string 'abc'"},
		{"SELECT CAST(eventname AS ipaddres) FROM cloudtrail", 1, 26, "unknown type ipaddres"},
		{"SELECT element_at(requestparameters, 'x') FROM cloudtrail", 1, 8, "not a map"},
		{"SELECT 1 +\n\tjson_extract_scalar(requestparameters, '$.a') || 1 FROM cloudtrail", 1, 8, "+"},
	} {
		_, err := e.Query(context.Background(), tc.sql)
		if err == nil {
			t.Errorf("%q: no error", tc.sql)
			continue
		}
		if !strings.Contains(err.Error(), tc.contains) {
			t.Errorf("%q: %v, want it to say %q", tc.sql, err, tc.contains)
		}
		p, ok := ErrorPosition(err)
		if !ok || p.Line != tc.line || p.Column != tc.col {
			t.Errorf("%q: %v: position %d:%d (%v), want %d:%d", tc.sql, err, p.Line, p.Column, ok, tc.line, tc.col)
			continue
		}
		lines := strings.Split(tc.sql, "\n")
		ctx, _ := SyntaxContext(err)
		parts := strings.Split(ctx, "\n")
		if len(parts) != 2 || parts[0] != "  "+lines[tc.line-1] || len([]rune(parts[1])) != 2+tc.col || !strings.HasSuffix(parts[1], "^") {
			t.Errorf("%q: context\n%s\nwant the line and a caret under column %d", tc.sql, ctx, tc.col)
		}
	}

}
