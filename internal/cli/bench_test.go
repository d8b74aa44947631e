package cli

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/bench"
	"github.com/trailsql/trailsql/internal/iostreams"
)

func TestBenchIngestFlags(t *testing.T) {
	f := func(args []string, check func(*BenchOptions)) {
		t.Helper()
		io, _, _, _ := iostreams.Test()
		var got *BenchOptions
		cmd := newBenchIngestCmd(&Factory{IO: io}, func(_ context.Context, _ *Factory, o *BenchOptions) error {
			got = o
			return nil
		})
		cmd.SetArgs(args)
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		check(got)
	}
	f(nil, func(o *BenchOptions) {
		if !slices.Equal(o.Shapes, []string{bench.Dense, bench.Sparse}) || o.Events != 1_000_000 || o.SparseEvents != 300_000 ||
			o.DuckDBTimeout != 5*time.Minute || o.SkipDuckDB || o.DuckDBColumns {
			t.Errorf("defaults: %+v", o)
		}
	})
	f([]string{"--shapes", "sparse", "--sparse-events", "1000", "--events", "20", "--duckdb-timeout", "30s", "--duckdb-columns", "--dir", "/w"}, func(o *BenchOptions) {
		bo := o.ingestOptions("/bin/trailsql")
		if !slices.Equal(bo.Shapes, []string{bench.Sparse}) || bo.SparseEvents != 1000 || bo.Events != 20 || bo.DuckDBTimeout != 30*time.Second ||
			!bo.DuckDBColumns || bo.Dir != "/w" || bo.Exe != "/bin/trailsql" {
			t.Errorf("parsed: %+v", bo)
		}
	})
}

func TestBenchIngestUsageErrors(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	err := runBenchIngest(context.Background(), &Factory{IO: io}, &BenchOptions{Dir: t.TempDir(), Shapes: []string{"wide"}, Events: 0, SparseEvents: -1})
	var ue *UsageError
	var oe *bench.OptionsError
	if !errors.As(err, &ue) || !errors.As(err, &oe) || len(oe.Problems) != 2 {
		t.Fatalf("got %v, want a usage error with 2 problems (shape, sparse events)", err)
	}
}
