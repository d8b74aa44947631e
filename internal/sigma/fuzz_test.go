package sigma

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it never panics, every error
// is a one-line *Error with a line, and every rule parsed can be matched
// (or is refused for a named reason) without panicking.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "rules", "*.yml"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("title: [\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte(ruleHead + "detection:\n    sel:\n        - a\n        - b*\n    condition: sel | count(x) by y > 1\n"))
	rec := map[string]any{"a": "b", "eventTime": "2024-08-01T00:00:00Z", "n": []any{map[string]any{"x": nil}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := Parse("f.yml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.File != "f.yml" {
				t.Fatalf("error without a line: %#v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on several lines: %q", err)
			}
			return
		}
		idx := Index(rules)
		for _, r := range rules {
			if r.Detection != nil {
				_, err := Match(r, rec)
				if err != nil && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("Match: %v", err)
				}
			}
			if r.Correlation != nil || r.Detection != nil && r.Detection.Aggregation != nil {
				_, _ = Correlate(r, idx, []map[string]any{rec})
			}
		}
	})
}
