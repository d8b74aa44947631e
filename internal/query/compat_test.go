package query

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// compatCase is one query of the compatibility suite: a file
// testdata/compat/NAME.sql whose first comment says where the question
// comes from and whose "-- order:" line says how to compare rows: exact,
// any (the query fixes no order), or sorted:COLS (ties on the ORDER BY
// columns, numbered as sortRows takes them, may come in any order).
type compatCase struct {
	name, source, order, sql string
}

func loadCompatCases(t *testing.T) []compatCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "compat", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var out []compatCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := compatCase{name: strings.TrimSuffix(filepath.Base(f), ".sql"), sql: string(b)}
		for _, line := range strings.Split(string(b), "\n") {
			switch {
			case strings.HasPrefix(line, "-- order: "):
				c.order = strings.TrimPrefix(line, "-- order: ")
			case strings.HasPrefix(line, "-- ") && c.source == "":
				c.source = strings.TrimPrefix(line, "-- ")
			}
		}
		if c.order == "" || c.source == "" {
			t.Fatalf("%s: needs a source comment and an order line", f)
		}
		out = append(out, c)
	}
	return out
}

// TestCompat runs the compatibility suite on the fixture: each query's
// answer must equal its golden file, and the answer that compatOracles
// computes from the fixture's events without DuckDB.
func TestCompat(t *testing.T) {
	e, evs, _ := openFixture(t)
	cases := loadCompatCases(t)
	if len(cases) < 40 {
		t.Fatalf("the suite has %d queries, want at least 40", len(cases))
	}
	oracles := compatOracles()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.Query(context.Background(), c.sql)
			if err != nil {
				t.Fatalf("%v\n%s", err, c.sql)
			}
			var got bytes.Buffer
			for i, col := range r.Columns {
				if i > 0 {
					got.WriteString(" | ")
				}
				got.WriteString(col.Name + " " + col.Type)
			}
			got.WriteString("\n")
			if err := Write(&got, r, "csv", WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "compat", c.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			// Rows whose order the query leaves open (ties included) may
			// come in any order; the oracle below checks the order.
			if c.order != "exact" && sameLines(got.Bytes(), want) {
				want = got.Bytes()
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("answer differs from %s\n got:\n%s\nwant:\n%s", golden, got.String(), want)
			}
			oracle, ok := oracles[c.name]
			if !ok {
				t.Fatalf("no oracle for %s in compatOracles", c.name)
			}
			wantRows := oracle(evs)
			gotRows := resultRows(r)
			switch {
			case c.order == "exact":
				sameRows(t, gotRows, wantRows, false)
			case c.order == "any":
				sameRows(t, gotRows, wantRows, true)
			case strings.HasPrefix(c.order, "sorted:"):
				var cols []int
				for _, f := range strings.Split(strings.TrimPrefix(c.order, "sorted:"), ",") {
					n, err := strconv.Atoi(f)
					if err != nil {
						t.Fatalf("bad order line %q", c.order)
					}
					cols = append(cols, n)
				}
				sameRowsSorted(t, gotRows, wantRows, cols...)
			default:
				t.Fatalf("bad order line %q", c.order)
			}
		})
	}
}

// sameLines reports whether a and b hold the same lines, in any order.
func sameLines(a, b []byte) bool {
	la := strings.Split(string(a), "\n")
	lb := strings.Split(string(b), "\n")
	sort.Strings(la)
	sort.Strings(lb)
	return slices.Equal(la, lb)
}
