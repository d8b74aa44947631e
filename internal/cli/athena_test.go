package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/iostreams"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./internal/cli -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./internal/cli -update rewrites it); got:\n%s", name, got)
	}
}

func TestAthenaDDLFlags(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	f := &Factory{IO: io, Getenv: func(string) string { return "" }}
	var got *AthenaDDLOptions
	cmd := newAthenaCmd(f, func(_ context.Context, _ *Factory, o *AthenaDDLOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"ddl", "--lake", "s3://l/p", "--raw", "s3://t/AWSLogs/", "--dialect", "trino", "--account", "1,2", "--first-year", "2020", "--endpoint-url", "http://x:1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Lake != "s3://l/p" || got.Raw != "s3://t/AWSLogs/" || got.Dialect != "trino" || len(got.Accounts) != 2 || got.FirstYear != 2020 || got.S3.EndpointURL != "http://x:1" {
		t.Errorf("options %+v", got)
	}
}

// TestAthenaDDLOffline writes the DDL from flags alone, without S3.
func TestAthenaDDLOffline(t *testing.T) {
	io, _, out, errOut := iostreams.Test()
	f := &Factory{IO: io, Getenv: func(string) string { return "" }}
	code := Run(context.Background(), f, []string{"athena", "ddl", "--lake", "s3://l/p", "--raw", "s3://t/AWSLogs/o-abcdefghij/",
		"--account", "111111111111", "--region", "eu-west-1", "--first-year", "2022"})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"CREATE EXTERNAL TABLE IF NOT EXISTS cloudtrail (", "LOCATION 's3://l/p/cloudtrail/'",
		"'storage.location.template'='s3://t/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${year}/${month}/${day}'",
		"CREATE OR REPLACE VIEW cloudtrail_111111111111 AS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestAthenaDDLUsage(t *testing.T) {
	f := func(want string, args ...string) {
		t.Helper()
		io, _, _, errOut := iostreams.Test()
		fc := &Factory{IO: io, Getenv: func(string) string { return "" }}
		if code := Run(context.Background(), fc, args); code != ExitUsage {
			t.Fatalf("%v: exit %d, want %d", args, code, ExitUsage)
		}
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("%v: %q does not say %q", args, errOut, want)
		}
	}
	f("needs --lake", "athena", "ddl")
	f("is not in S3", "athena", "ddl", "--lake", "./lake", "--account", "1", "--region", "r", "--first-year", "2020")
	f(`dialect "hive"`, "athena", "ddl", "--lake", "s3://l", "--dialect", "hive", "--account", "1", "--region", "r", "--first-year", "2020")
	f("unknown command", "athena", "tables")
}
