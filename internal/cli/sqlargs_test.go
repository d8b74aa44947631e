package cli

import (
	"slices"
	"testing"
)

func TestSQLArgs(t *testing.T) {
	f := func(in, want []string) {
		t.Helper()
		if got := sqlArgs(in); !slices.Equal(got, want) {
			t.Errorf("sqlArgs(%q) = %q, want %q", in, got, want)
		}
	}
	f([]string{"query", "SELECT 1"}, []string{"query", "SELECT 1"})
	f([]string{"query", "-- who\nSELECT 1"}, []string{"query", "--", "-- who\nSELECT 1"})
	f([]string{"query", "--\nSELECT 1", "--format", "csv"}, []string{"query", "--format", "csv", "--", "--\nSELECT 1"})
	f([]string{"query", "--lake=/my dir", "SELECT 1"}, []string{"query", "--lake=/my dir", "SELECT 1"})
	f([]string{"query", "-- a\nSELECT", "--", "1"}, []string{"query", "--", "-- a\nSELECT", "1"})
	f([]string{"query", "--", "-- a\nSELECT 1"}, []string{"query", "--", "-- a\nSELECT 1"})
	f([]string{"query", "--stats", "-f", "q.sql"}, []string{"query", "--stats", "-f", "q.sql"})
}
