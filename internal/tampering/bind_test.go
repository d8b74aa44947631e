package tampering

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestBind(t *testing.T) {
	f := func(in, want string, args ...any) {
		t.Helper()
		got, gotArgs, err := bind(in, map[string]any{"a": 1, "b_2": "x"})
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got != want || !reflect.DeepEqual(gotArgs, args) {
			t.Errorf("%q: %q %v, want %q %v", in, got, gotArgs, want, args)
		}
	}
	f("x = :a", "x = ?", 1)
	f(":a + :b_2 + :a", "? + ? + ?", 1, "x", 1)
	f("'a:a' || \":a\" -- :a\n:a", "'a:a' || \":a\" -- :a\n?", 1)
	f("CAST(x AS VARCHAR)::a", "CAST(x AS VARCHAR)::a")
	f("'it''s' = :a", "'it''s' = ?", 1)
	f("regexp_like(x, '\"f\"\\s*:\\s*(a|b)?')", "regexp_like(x, '\"f\"\\s*:\\s*(a|b)?')")
	for _, bad := range []string{"x = :c", "'open", ":a '"} {
		if _, _, err := bind(bad, map[string]any{"a": 1}); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestSQLHeader: the query is the report library's logging-weakened
// report, and binds every parameter.
func TestSQLHeader(t *testing.T) {
	SQL, err := reportSQL()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"-- title: ", "-- question: ", "-- description: ", "-- param: buckets (string, default ''): "} {
		if !strings.Contains(SQL, "\n"+p) && !strings.HasPrefix(SQL, p) {
			t.Errorf("header lacks %q", p)
		}
	}
	text, args, err := bind(SQL, Options{}.Params())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(text, "?")-strings.Count(SQL, "?") != len(args) || len(args) != 7 {
		t.Errorf("%d parameters bound", len(args))
	}
	p := Options{Since: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)}.Params()
	if p["since_day"] != "2024-05-01" || p["until_day"] != "2024-05-02" {
		t.Errorf("days %v %v", p["since_day"], p["until_day"])
	}
}
