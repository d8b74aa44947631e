package query

import (
	"context"
	"strings"
	"testing"
)

// TestMacrosCreate creates every macro, in dependency order, as a
// statement that calls them all would: each must be valid DuckDB.
func TestMacrosCreate(t *testing.T) {
	e := openLake(t, t.TempDir(), Options{})
	defs := macroDefs()
	if len(defs) < 20 {
		t.Fatalf("%d macros: the statements were not read", len(defs))
	}
	var calls []string
	for n := range defs {
		calls = append(calls, n+"(")
	}
	c, err := e.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer e.release(c)
	if err := e.ensureMacros(context.Background(), c, strings.Join(calls, " ")); err != nil {
		t.Fatal(err)
	}
	if len(e.macrosMade) != len(defs) {
		t.Errorf("%d of %d macros created", len(e.macrosMade), len(defs))
	}
}

func TestCalls(t *testing.T) {
	for _, tc := range []struct {
		sql, name string
		want      bool
	}{
		{"SELECT athena_ip(x)", "athena_ip", true},
		{"SELECT athena_ipaddress(x)", "athena_ip", false},
		{"SELECT xathena_ip(x)", "athena_ip", false},
		{"SELECT f(athena_ip(x))", "athena_ip", true},
		{"SELECT athena_ip (x)", "athena_ip", true},
		{"SELECT athena_ip\n\t(x)", "athena_ip", true},
		{"SELECT athena_ip, (x)", "athena_ip", false},
		{"SELECT athena_ip", "athena_ip", false},
	} {
		if got := calls(tc.sql, tc.name); got != tc.want {
			t.Errorf("calls(%q, %q) = %v, want %v", tc.sql, tc.name, got, tc.want)
		}
	}
}
