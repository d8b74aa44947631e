package report

import (
	"strings"
	"testing"
)

func TestPlaceholders(t *testing.T) {
	f := func(in, want, names string) {
		t.Helper()
		got, ns, err := Placeholders(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got != want || strings.Join(ns, ",") != names {
			t.Errorf("%q: got %q %v, want %q %s", in, got, ns, want, names)
		}
	}
	f("SELECT 1", "SELECT 1", "")
	f("a = :x AND b = :y OR c = :x", "a = ? AND b = ? OR c = ?", "x,y,x")
	f("'$.a:b' || :p", "'$.a:b' || ?", "p")
	f("'it''s :no' = :yes", "'it''s :no' = ?", "yes")
	f(`"col:x" = :v`, `"col:x" = ?`, "v")
	f("x::VARCHAR = :v -- :comment\n", "x::VARCHAR = ? -- :comment\n", "v")
	f("arn:aws", "arn?", "aws") // outside quotes, :name is a parameter

	bad := func(in string) {
		t.Helper()
		if _, _, err := Placeholders(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	bad("'open")
	bad("a = ?")
}

func TestParseErrors(t *testing.T) {
	f := func(text, want string) {
		t.Helper()
		_, err := Parse("r", text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
	f("SELECT 1", "needs a title and a question")
	f("-- title: T\n-- question: Q?\nSELECT :nope", ":nope, which is not declared")
	f("-- title: T\n-- question: Q?\n-- param: x (string, default ''): d\nSELECT 1", "declared but not used")
	f("-- title: T\n-- question: Q?\n-- param: x (float): d\nSELECT :x", "is not NAME")
	f("-- title: T\n-- question: Q?\n-- param: x (int, default a): d\nSELECT :x", "not an integer")
	if _, err := Parse("Bad_Name", "-- title: T\n-- question: Q?\nSELECT 1"); err == nil {
		t.Error("bad name accepted")
	}
}

func FuzzPlaceholders(f *testing.F) {
	for _, s := range []string{"SELECT :a", "'x:y' = :b -- :c\n", `"q""x" :: :d`, "?", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, names, err := Placeholders(in)
		if err != nil {
			return
		}
		// Each :name becomes one ?, so the text only shrinks, by the
		// names' lengths.
		n := 0
		for _, name := range names {
			n += len(name)
		}
		if len(out) != len(in)-n {
			t.Errorf("%q -> %q with %v", in, out, names)
		}
	})
}
