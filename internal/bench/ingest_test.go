package bench

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestIngestOptionsValidate(t *testing.T) {
	f := func(o IngestOptions, want ...string) {
		t.Helper()
		err := o.Validate()
		if len(want) == 0 {
			if err != nil {
				t.Errorf("%+v: %v", o, err)
			}
			return
		}
		var oe *OptionsError
		if !errors.As(err, &oe) {
			t.Fatalf("%+v: %v, want an *OptionsError", o, err)
		}
		if len(oe.Problems) != len(want) {
			t.Fatalf("%+v: problems %q, want %d", o, oe.Problems, len(want))
		}
		for i, w := range want {
			if !strings.Contains(oe.Problems[i], w) {
				t.Errorf("%+v: problem %q, want %q in it", o, oe.Problems[i], w)
			}
		}
	}
	ok := IngestOptions{Dir: "d", Exe: "x"}
	f(ok)
	f(IngestOptions{Dir: "d", Exe: "x", Shapes: []string{Sparse}, SparseEvents: 5, DuckDBTimeout: time.Second})
	f(IngestOptions{}, "work folder", "binary")
	f(IngestOptions{Dir: "d", Exe: "x", Shapes: []string{"dense", "wide", "dense"}, Events: -1, SparseEvents: gen.MaxEvents + 1, Threads: -2, DuckDBTimeout: -time.Second},
		`unknown shape "wide"`, `"dense" is listed twice`, "events -1", "sparse events", "threads -2", "timeout -1s")

	d := ok.WithDefaults()
	if len(d.Shapes) != 2 || d.Events != DefaultEvents || d.SparseEvents != DefaultSparseEvents || d.Threads < 1 || d.DuckDBTimeout != DefaultDuckDBTimeout {
		t.Errorf("defaults: %+v", d)
	}
}

func TestShapeSet(t *testing.T) {
	for _, shape := range Shapes {
		o, err := ShapeSet(shape, "d", 1000, 1)
		if err != nil {
			t.Fatalf("%s: %v", shape, err)
		}
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", shape, err)
		}
	}
	if _, err := ShapeSet("wide", "d", 1, 1); err == nil {
		t.Error("unknown shape accepted")
	}
}

func TestConvertSQL(t *testing.T) {
	f := func(o ConvertOptions, want string) {
		t.Helper()
		if got := ConvertSQL("/b/it's", "/b/out.parquet", o); got != want {
			t.Errorf("%+v:\n got %s\nwant %s", o, got, want)
		}
	}
	f(ConvertOptions{}, `COPY (SELECT unnest(Records, recursive := false) FROM read_json('/b/it''s/AWSLogs/**/*.json.gz')) TO '/b/out.parquet' (FORMAT parquet, COMPRESSION zstd)`)
	f(ConvertOptions{UnionByName: true, Threads: 2}, `COPY (SELECT unnest(Records, recursive := false) FROM read_json('/b/it''s/AWSLogs/**/*.json.gz', union_by_name = true)) TO '/b/out.parquet' (FORMAT parquet, COMPRESSION zstd)`)
	if got := ConvertSQL("/b", "/o", ConvertOptions{Columns: true}); !strings.Contains(got, "columns = {'Records': 'STRUCT(eventVersion VARCHAR, ") {
		t.Errorf("explicit columns: %s", got)
	}
}

func TestChildReason(t *testing.T) {
	stderr := `trailsql: cannot convert with duckdb: Invalid Input Error: JSON transform error in file "/w/dense-1-1/AWSLogs/1/CloudTrail/x.json.gz", in record/value 1: Object {"instanceId":"i-1","imageId":"ami... has unknown key "imageId"
Try increasing 'sample_size', ...`
	c := child{stderr: stderr}
	want := `Invalid Input Error: JSON transform error in file "AWSLogs/1/CloudTrail/x.json.gz", in record/value 1: Object {...} has unknown key "imageId"`
	if got := c.reason("/w/dense-1-1"); got != want {
		t.Errorf("reason:\n got %s\nwant %s", got, want)
	}
	if !schemaError(stderr) || schemaError("trailsql: cannot convert with duckdb: Out of Memory Error: could not allocate") {
		t.Error("schemaError")
	}
}

func TestSummaryLine(t *testing.T) {
	out := "objects   3 seen\nlake      /l: 4 files, 8.3 MB written; compacted 1 partitions (2 files into 1)\ntime      1s\n"
	if got, want := summaryLine(out), "lake /l: 4 files, 8.3 MB written; compacted 1 partitions (2 files into 1)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestPrint prints results of each outcome of the baseline; the golden
// file is testdata/print.golden (go test -update rewrites it).
func TestPrint(t *testing.T) {
	dense := ShapeResult{
		Shape: Dense, About: "1 account, 1 region, 90 days, hourly files", Threads: 2,
		Events: 1_000_000, Files: 2_360, JSONBytes: 1_424_000_000, GzipBytes: 275_000_000,
		Trailsql: Measure{Wall: 20 * time.Second, CPU: 36500 * time.Millisecond, MaxRSS: 823 << 20, Files: 4, DataBytes: 163_000_000, TokenBytes: 21_000_000},
		Summary:  "lake /w/lake-dense: 4 files, 184.0 MB written",
	}
	sparse := ShapeResult{
		Shape: Sparse, About: "5 accounts, 17 regions, 60 days, five-minute files", Threads: 2,
		Events: 300_000, Files: 218_298, JSONBytes: 433_400_000, GzipBytes: 210_400_000,
		Trailsql: Measure{Wall: 95 * time.Second, CPU: 150 * time.Second, MaxRSS: 600 << 20, Files: 15, DataBytes: 40_000_000, TokenBytes: 6_000_000},
		Summary:  "lake /w/lake-sparse: 15 files, 46.0 MB written; compacted 10 partitions (400 files into 15)",
	}
	refused := "Invalid Input Error: JSON transform error in file \"AWSLogs/x.json.gz\", in record/value 1: Object {...} has unknown key \"imageId\""
	finished, timedOut, failed, skipped := dense, sparse, dense, dense
	finished.DuckDB = &Baseline{
		Measure: Measure{Wall: 64 * time.Second, CPU: 120 * time.Second, MaxRSS: 1204 << 20, Files: 1, DataBytes: 113_400_000},
		Method:  "read_json, union_by_name = true", Refused: refused, RefusedAfter: 150 * time.Millisecond,
	}
	timedOut.DuckDB = &Baseline{
		Measure: Measure{Wall: 5 * time.Minute, CPU: 290 * time.Second, MaxRSS: 12 << 30},
		Method:  "read_json, union_by_name = true", Refused: refused, RefusedAfter: 2 * time.Second,
		TimedOut: true, Timeout: 5 * time.Minute,
	}
	failed.DuckDB = &Baseline{
		Measure: Measure{Wall: 3 * time.Second, MaxRSS: 300 << 20},
		Method:  "read_json, explicit columns", Failed: "Out of Memory Error: could not allocate block of size 256.0 KiB",
	}
	slower := dense
	slower.DuckDB = &Baseline{Measure: Measure{Wall: 8 * time.Second, CPU: 15 * time.Second, MaxRSS: 1 << 30, Files: 1, DataBytes: 120_000_000}, Method: "read_json"}
	var b bytes.Buffer
	for _, c := range []struct {
		name string
		res  IngestResult
	}{
		{"both shapes, DuckDB finished on one, timed out on the other", IngestResult{Shapes: []ShapeResult{finished, timedOut}}},
		{"DuckDB faster", IngestResult{Shapes: []ShapeResult{slower}}},
		{"DuckDB failed", IngestResult{Shapes: []ShapeResult{failed}}},
		{"no DuckDB", IngestResult{Shapes: []ShapeResult{skipped}}},
	} {
		b.WriteString("-- " + c.name + "\n")
		c.res.Print(&b)
	}
	golden := filepath.Join("testdata", "print.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("Print differs from %s (go test -update rewrites it):\n%s", golden, got)
	}
}
