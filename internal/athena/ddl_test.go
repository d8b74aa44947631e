package athena

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
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
	f(Options{Lake: "s3://b", Table: "Bad-Name"}, "Bad-Name", "no account", "no region")
	f(Options{Lake: "s3://b", Accounts: []string{"1'; DROP"}, Regions: regions}, "cannot be a partition value")
}

// TestColumnsMatchLakeFiles reads the schema of a data file as the lake
// writes it and checks that it has the columns the DDL declares.
func TestColumnsMatchLakeFiles(t *testing.T) {
	id, tm := "e1", "2024-05-01T00:00:00Z"
	var b bytes.Buffer
	if err := lake.WriteEvents(&b, []*cloudtrail.Event{{EventID: &id, EventTime: &tm}}); err != nil {
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
	for _, c := range SourceColumns() {
		if c.Helper() {
			t.Errorf("helper %s among the source columns", c.Name)
		}
	}
	if n := len(Columns()) - len(SourceColumns()); n < 2 {
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
