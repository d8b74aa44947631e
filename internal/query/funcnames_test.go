package query

import (
	"context"
	"strings"
	"testing"
)

// windowOnly are the window functions: they need OVER.
var windowOnly = map[string]bool{
	"cume_dist": true, "dense_rank": true, "first_value": true, "lag": true, "last_value": true, "lead": true,
	"nth_value": true, "ntile": true, "percent_rank": true, "rank": true, "row_number": true,
}

// TestFunctionNames runs each function FunctionNames lists: DuckDB (or a
// rule) must know it, so that an editor never completes a name the query
// layer refuses as unknown.
func TestFunctionNames(t *testing.T) {
	names := FunctionNames()
	if len(names) < 100 {
		t.Fatalf("FunctionNames lists %d functions; want the rules and DuckDB's shared ones", len(names))
	}
	e, err := Open(context.Background(), t.TempDir(), Options{Conns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, n := range names {
		// A call with no arguments fails for most functions, but with a
		// wrong-arguments error, not an unknown-function one.
		call := "SELECT " + n + "()"
		if windowOnly[n] {
			call += " OVER ()"
		}
		_, err := e.Query(context.Background(), call)
		if err != nil && (strings.Contains(err.Error(), "unknown function") || strings.Contains(err.Error(), "does not exist")) {
			t.Errorf("%s: %v", n, err)
		}
	}
}
