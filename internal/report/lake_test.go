package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
)

// testLake is the lake every test of the package reads: generated once
// per test binary, with the planted scenarios, plus testdata/events.
var testLake struct {
	dir      string
	eng      *query.Engine
	accounts []string
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "trailsql-report-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	if err := buildLake(ctx, tmp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func fixedNow() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }

func buildLake(ctx context.Context, tmp string) error {
	logs, lakeDir := filepath.Join(tmp, "logs"), filepath.Join(tmp, "lake")
	st, err := gen.Generate(ctx, gen.Options{Dir: logs, Events: 20_000, Seed: 1, Org: gen.DefaultOrg}, nil)
	if err != nil {
		return fmt.Errorf("cannot generate: %w", err)
	}
	testLake.accounts = st.Accounts
	lk, err := lake.Open(ctx, lakeDir, fixedNow)
	if err != nil {
		return err
	}
	var srcs []ingest.Source
	for _, p := range []string{logs, "testdata/events"} {
		src, err := source.NewLocal(p)
		if err != nil {
			lk.Close()
			return err
		}
		srcs = append(srcs, src)
	}
	_, err = ingest.Run(ctx, lk, ingest.Options{Sources: srcs, Now: fixedNow})
	lk.Close()
	if err != nil {
		return fmt.Errorf("cannot ingest: %w", err)
	}
	eng, err := query.Open(ctx, lakeDir, query.Options{Now: fixedNow})
	if err != nil {
		return err
	}
	testLake.dir, testLake.eng = lakeDir, eng
	return nil
}
