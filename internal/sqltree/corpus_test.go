package sqltree

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares got with the golden file, or rewrites it with
// -update.
func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := 0; i < len(wl) || i < len(gl); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Fatalf("%s differs at line %d (go test -update rewrites it)\n got: %s\nwant: %s", file, i+1, g, w)
			}
		}
	}
}

// TestCorpus parses the queries of testdata/corpus.sql (the SQL of
// internal/query's tests and of the README), checks their round trip and
// compares their prints with testdata/corpus.golden.
func TestCorpus(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "corpus.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sections := strings.Split(string(b), "\n====\n")
	if len(sections) < 60 {
		t.Fatalf("only %d queries in the corpus", len(sections))
	}
	var golden strings.Builder
	for i, sql := range sections {
		out, err := roundTrip(t, sql)
		if err != nil {
			t.Errorf("query %d: %v\n%s\n%s", i+1, err, err.(*Error).Context(), sql)
		}
		golden.WriteString(out + "\n")
	}
	checkGolden(t, filepath.Join("testdata", "corpus.golden"), golden.String())
}

// bindNames replaces each :name parameter of a report with ?, skipping
// strings, quoted identifiers and comments, as report.Placeholders does
// before a report's query reaches the query layer.
func bindNames(text string) (string, int) {
	var b strings.Builder
	n := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(text) && (text[j] != c || j+1 < len(text) && text[j+1] == c) {
				if text[j] == c {
					j++
				}
				j++
			}
			j = min(j+1, len(text))
			b.WriteString(text[i:j])
			i = j
		case strings.HasPrefix(text[i:], "--"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				j = len(text) - i
			}
			b.WriteString(text[i : i+j])
			i += j
		case c == ':' && i+1 < len(text) && (text[i+1] == '_' || text[i+1] >= 'a' && text[i+1] <= 'z'):
			j := i + 1
			for j < len(text) && (text[j] == '_' || text[j] >= 'a' && text[j] <= 'z' || isDigit(text[j])) {
				j++
			}
			b.WriteByte('?')
			n++
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), n
}

// TestReports parses every built-in report (internal/report/reports),
// its :name parameters bound as ?, header comment included.
func TestReports(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "report", "reports", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no reports: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sql, params := bindNames(string(b))
			if _, err := roundTrip(t, sql); err != nil {
				t.Fatalf("%v\n%s", err, err.(*Error).Context())
			}
			q, _ := ParseQuery(sql)
			got := 0
			Walk(q, func(n Node) bool {
				if _, ok := n.(*Param); ok {
					got++
				}
				return true
			})
			if got != params {
				t.Errorf("%d parameters in the tree, %d in the text", got, params)
			}
		})
	}
}

// TestCompat parses the 56 real-world queries of internal/query's
// compatibility suite and the Athena side of its translation cases (those
// whose translation is not an error).
func TestCompat(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "query", "testdata", "compat", "*.sql"))
	if err != nil || len(files) < 50 {
		t.Fatalf("no compat queries: %v", err)
	}
	translate, _ := filepath.Glob(filepath.Join("..", "query", "testdata", "translate", "*.txt"))
	for _, file := range append(files, translate...) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sql, want, cut := strings.Cut(string(b), "\n----\n")
		if cut && strings.HasPrefix(want, "ERROR:") {
			continue
		}
		if _, err := roundTrip(t, sql); err != nil {
			t.Errorf("%s: %v\n%s", file, err, err.(*Error).Context())
		}
	}
}

// TestRejected checks that the texts of testdata/rejected.sql are errors,
// and compares the errors with testdata/rejected.golden.
func TestRejected(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "rejected.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var golden strings.Builder
	for _, sql := range strings.Split(string(b), "\n====\n") {
		_, err := Parse(sql)
		if err == nil {
			t.Errorf("Parse succeeded, want an error:\n%s", sql)
			continue
		}
		golden.WriteString(err.Error() + "\n")
		if se, ok := err.(*Error); ok {
			golden.WriteString(se.Context() + "\n")
		}
		golden.WriteString("\n")
	}
	checkGolden(t, filepath.Join("testdata", "rejected.golden"), golden.String())
}
