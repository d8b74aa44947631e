package athena

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./internal/athena -update rewrites it); got:\n%s", name, got)
	}
}

var (
	accounts = []string{"222222222222", "111111111111"}
	regions  = []string{"us-east-1", "eu-west-1"}
)

func TestDDLGolden(t *testing.T) {
	f := func(name string, o Options) {
		t.Helper()
		o.Accounts, o.Regions, o.FirstYear = accounts, regions, 2023
		var b bytes.Buffer
		if err := Write(&b, o); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		golden(t, name, b.Bytes())
	}
	f("athena_lake.sql", Options{Lake: "s3://lake-bucket/trailsql"})
	f("athena_raw_org.sql", Options{Raw: "s3://trail-bucket/AWSLogs/o-abc123def4/"})
	f("athena_raw_account.sql", Options{Raw: "s3://trail-bucket/logs/AWSLogs"})
	f("athena_lake_and_raw.sql", Options{Lake: "s3://lake-bucket/trailsql/", Raw: "s3://trail-bucket/AWSLogs/o-abc123def4", Database: "security"})
	f("trino_lake.sql", Options{Dialect: Trino, Lake: "s3://lake-bucket/trailsql"})
	f("trino_raw_org.sql", Options{Dialect: Trino, Raw: "s3://trail-bucket/AWSLogs/o-abc123def4/", Catalog: "hive", Database: "security"})
}

func TestDDLErrors(t *testing.T) {
	f := func(o Options, want ...string) {
		t.Helper()
		err := Write(&bytes.Buffer{}, o)
		if err == nil {
			t.Fatalf("%+v: no error", o)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: %q does not say %q", o, err, w)
			}
		}
	}
	f(Options{Accounts: accounts, Regions: regions}, "give the lake")
	f(Options{Lake: "s3://b", Dialect: "spark", Accounts: accounts, Regions: regions}, `dialect "spark"`)
	f(Options{Raw: "s3://b/logs/", Accounts: accounts, Regions: regions}, "AWSLogs")
	f(Options{Lake: "/tmp/lake", Accounts: accounts, Regions: regions}, "not an s3:// URL")
	// Every problem at once.
	f(Options{Lake: "s3://b", Raw: "s3://t/AWSLogs/", Table: "Bad-Name"}, "Bad-Name", "no account", "no region")
	f(Options{Raw: "s3://t/AWSLogs/", Accounts: accounts}, "no region to project in the raw table")
	f(Options{Lake: "s3://b", Accounts: accounts, Regions: []string{"us-east-1", "eu west"}}, `"eu west" cannot be a partition value`)
	f(Options{Lake: "s3://b", Accounts: []string{"1'; DROP"}, Regions: regions}, "cannot be a partition value")
}

// TestLakeWithoutRegions writes the lake's table without regions: they
// are columns of its files, not partitions.
func TestLakeWithoutRegions(t *testing.T) {
	for _, d := range []Dialect{Athena, Trino} {
		var b bytes.Buffer
		if err := Write(&b, Options{Dialect: d, Lake: "s3://b/p", Accounts: accounts}); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		for _, no := range []string{"projection.region", "region=", "${region}", "${day}", "Regions:"} {
			if strings.Contains(b.String(), no) {
				t.Errorf("%s: %q in\n%s", d, no, b.String())
			}
		}
	}
}

// TestColumnsMatchLakeFiles reads the schema of a data file as the lake
// writes it into a bucket and checks that it has the columns the DDL
// declares: those of cloudtrail.Event, then region and day.
func TestColumnsMatchLakeFiles(t *testing.T) {
	id, tm, region, day := "e1", "2024-05-01T00:00:00Z", "us-east-1", "01"
	var b bytes.Buffer
	row := lake.Row{Event: cloudtrail.Event{EventID: &id, EventTime: &tm}, Region: &region, Day: &day}
	if err := lake.WriteRows(&b, []lake.Row{row}); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := columnsOf(f.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if g, w := render(got), render(Columns()); g != w {
		t.Errorf("the lake's files have\n%s\nthe DDL declares\n%s", g, w)
	}
	if g, w := render(Columns()), render(mustColumns(lake.Row{})); g != w {
		t.Errorf("the DDL declares\n%s\nthe Parquet schema of lake.Row is\n%s", g, w)
	}
	cols := Columns()
	event := mustColumns(cloudtrail.Event{})
	str := Type{Kind: String}
	if want := append(event, Column{"region", str}, Column{"day", str}); render(cols) != render(want) {
		t.Errorf("the lake's columns are not cloudtrail.Event's, then region and day:\n%s", render(cols))
	}
	names := map[string]bool{}
	for _, c := range cols {
		names[c.Name] = true
	}
	for _, p := range lakePartitions {
		if names[p] {
			t.Errorf("partition column %s is also a data column", p)
		}
	}
	for _, p := range placeColumns {
		if !names[p] && !slices.Contains(lakePartitions, p) {
			t.Errorf("the lake's table has no column %s", p)
		}
	}
	for _, c := range SourceColumns() {
		if c.Helper() || slices.Contains(placeColumns, c.Name) {
			t.Errorf("%s among the source columns", c.Name)
		}
	}
	if n := len(event) - len(SourceColumns()); n < 2 {
		t.Errorf("only %d helper columns", n)
	}
}

func render(cols []Column) string {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString(c.Name + " " + hiveType(c.Type, "") + "\n")
	}
	return b.String()
}
