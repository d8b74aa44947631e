package query

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Helpers that compute expected answers from the fixture's Go values,
// without DuckDB, in the text form resultRows gives.

// null is how a SQL NULL is shown in the rows tests compare.
const null = "<NULL>"

// resultRows returns a result's rows as text, NULL as null.
func resultRows(r *Result) [][]string {
	out := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = make([]string, len(row))
		for j, v := range row {
			s, ok := text(v, r.Columns[j].Type)
			if !ok {
				s = null
			}
			out[i][j] = s
		}
	}
	return out
}

// orNull is s, or null when s is empty (an absent field).
func orNull(s string) string {
	if s == "" {
		return null
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// tsText is how a TIMESTAMP WITH TIME ZONE is shown.
func tsText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") + " UTC" }

func where(evs []*fxEvent, pred func(e *fxEvent) bool) []*fxEvent {
	var out []*fxEvent
	for _, e := range evs {
		if pred(e) {
			out = append(out, e)
		}
	}
	return out
}

// groupCount counts events by key and returns rows key..., count.
func groupCount(evs []*fxEvent, key func(e *fxEvent) []string) [][]string {
	counts := map[string]int{}
	keys := map[string][]string{}
	for _, e := range evs {
		k := key(e)
		id := strings.Join(k, "\x00")
		counts[id]++
		keys[id] = k
	}
	var out [][]string
	for id, n := range counts {
		out = append(out, append(append([]string(nil), keys[id]...), itoa(n)))
	}
	return out
}

// sortRows sorts rows by the given columns; a negative column number
// (written as -(i+1)) sorts descending. Numbers compare as numbers.
func sortRows(rows [][]string, cols ...int) [][]string {
	sort.SliceStable(rows, func(a, b int) bool {
		for _, c := range cols {
			desc := c < 0
			if desc {
				c = -c - 1
			}
			x, y := rows[a][c], rows[b][c]
			if x == y {
				continue
			}
			less := x < y
			if xf, err1 := strconv.ParseFloat(x, 64); err1 == nil {
				if yf, err2 := strconv.ParseFloat(y, 64); err2 == nil {
					less = xf < yf
				}
			}
			if x == null {
				less = false // NULLs last, as in DuckDB's default
			} else if y == null {
				less = true
			}
			if desc {
				return !less
			}
			return less
		}
		return false
	})
	return rows
}

func limit(rows [][]string, n int) [][]string {
	if len(rows) > n {
		return rows[:n]
	}
	return rows
}

// sortedCopy returns the rows sorted as whole rows, for comparisons that
// ignore order.
func sortedCopy(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = append([]string(nil), r...)
	}
	sort.Slice(out, func(a, b int) bool { return strings.Join(out[a], "\x00") < strings.Join(out[b], "\x00") })
	return out
}

// sameRows fails t unless got equals want (in order, unless anyOrder).
func sameRows(t *testing.T, got, want [][]string, anyOrder bool) {
	t.Helper()
	if anyOrder {
		got, want = sortedCopy(got), sortedCopy(want)
	}
	if len(want) == 0 && len(got) == 0 {
		return
	}
	g, w := fmt.Sprint(got), fmt.Sprint(want)
	if g != w {
		t.Errorf("rows differ\n got (%d): %s\nwant (%d): %s", len(got), g, len(want), w)
	}
}

// noTies fails t when the rows at a LIMIT's edge tie on the sort key, which
// would make the expected answer depend on the engine's order.
func noTies(t *testing.T, sorted [][]string, n int, cols ...int) {
	t.Helper()
	if len(sorted) <= n || n == 0 {
		return
	}
	same := true
	for _, c := range cols {
		if c < 0 {
			c = -c - 1
		}
		same = same && sorted[n-1][c] == sorted[n][c]
	}
	if same {
		t.Fatalf("fixture: rows %d and %d tie at the LIMIT; change the fixture", n, n+1)
	}
}

// sameRowsSorted fails t unless got holds the rows of want and is ordered
// by the columns (as sortRows takes them); rows that tie on those columns
// may come in any order.
func sameRowsSorted(t *testing.T, got, want [][]string, cols ...int) {
	t.Helper()
	sameRows(t, got, want, true)
	resorted := sortRows(append([][]string(nil), got...), cols...)
	key := func(r []string) string {
		var k []string
		for _, c := range cols {
			if c < 0 {
				c = -c - 1
			}
			k = append(k, r[c])
		}
		return strings.Join(k, "\x00")
	}
	for i := range got {
		if key(got[i]) != key(resorted[i]) {
			t.Errorf("rows are not in ORDER BY order: %v", got)
			return
		}
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
