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
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// compatCase is one query of the compatibility suite: a file
// testdata/compat/NAME.sql whose first comment says where the question
// comes from and whose "-- order:" line says how to compare rows: exact,
// any (the query fixes no order), or sorted:COLS (ties on the ORDER BY
// columns, numbered as sortRows takes them, may come in any order). A
// "-- pending: WHAT" line marks a published query that needs something
// trailsql does not have yet (WHAT): the test expects it to fail, and
// fails when it runs, so that the mark is removed and its oracle written.
// testdata/compat/SOURCES.md lists where the queries come from.
type compatCase struct {
	name, source, order, pending, sql string
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
			case strings.HasPrefix(line, "-- pending: "):
				c.pending = strings.TrimPrefix(line, "-- pending: ")
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
// answer must equal its golden file, the answer that compatOracles
// computes from the fixture's events without DuckDB, and the answer of an
// engine that prunes no file.
func TestCompat(t *testing.T) {
	e, evs, dir := openFixture(t)
	full := openLake(t, dir, Options{Now: func() time.Time { return fixtureNow }})
	full.noPrune = true
	cases := loadCompatCases(t)
	if len(cases) < 100 {
		t.Fatalf("the suite has %d queries, want at least 100", len(cases))
	}
	oracles := compatOracles()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.Query(context.Background(), c.sql)
			if c.pending != "" {
				if err == nil {
					t.Fatalf("the query runs now: remove its pending mark (%s), check its golden file and write its oracle", c.pending)
				}
				if _, err := full.Query(context.Background(), c.sql); err == nil {
					t.Fatalf("the query runs without pruning but not with it: %s", c.pending)
				}
				return
			}
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
			rf, err := full.Query(context.Background(), c.sql)
			if err != nil {
				t.Fatalf("without pruning: %v", err)
			}
			if c.order == "exact" {
				sameRows(t, gotRows, resultRows(rf), false)
			} else {
				sameRows(t, gotRows, resultRows(rf), true)
			}
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

// TestJSONTextMapFunctionsRefused checks issue 11, item 7: element_at, a
// subscript and the map functions applied to a column of JSON text
// (requestparameters, responseelements, additionaleventdata,
// serviceeventdetails) are refused when the query is compiled, not when a
// row reaches them; so no row matches the queries' WHERE. A case marked
// pending is accepted today (it fails only on a row); the test fails when
// it is refused, so that the mark is removed.
func TestJSONTextMapFunctionsRefused(t *testing.T) {
	e, _, _ := openFixture(t)
	const noRow = " FROM cloudtrail WHERE eventname = 'NoSuchEvent'"
	for _, c := range []struct{ sql, pending string }{
		{"SELECT element_at(requestparameters, 'bucketName')" + noRow, ""},
		{"SELECT element_at(serviceeventdetails, 'x')" + noRow, ""},
		{"SELECT requestparameters['bucketName']" + noRow, ""},
		{"SELECT cardinality(responseelements)" + noRow, ""},
		{"SELECT map_keys(additionaleventdata)" + noRow, ""},
		{"SELECT map_values(serviceeventdetails)" + noRow, ""},
		{"SELECT requestparameters.bucketName" + noRow, ""},
	} {
		_, err := e.Query(context.Background(), c.sql)
		switch {
		case c.pending == "" && err == nil:
			t.Errorf("accepted, want an error when compiled: %s", c.sql)
		case c.pending != "" && err != nil:
			t.Errorf("refused now (%v): remove the pending mark (%s) of %s", err, c.pending, c.sql)
		}
	}
}
