package cli

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/iostreams"
)

// genFactory returns a Factory on test streams whose clock advances one
// second per call.
func genFactory() (*Factory, *bytes.Buffer, *bytes.Buffer) {
	io, _, out, errOut := iostreams.Test()
	now := time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)
	f := &Factory{IO: io, Getenv: func(string) string { return "" }, Now: func() time.Time {
		now = now.Add(time.Second)
		return now
	}}
	return f, out, errOut
}

func TestGenCommand(t *testing.T) {
	dir := t.TempDir()
	f, out, errOut := genFactory()
	code := Run(context.Background(), f, []string{"gen", "--out", dir, "--events", "500"})
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	line := regexp.MustCompile(`^wrote (\d+) files, 500 events \(\d+ duplicates, 0 Insights\) to .+: [\d.]+ MB JSON, [\d.]+ MB gzip, 1\.0s\n$`)
	m := line.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("summary %q", out.String())
	}
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		k := cloudtrail.ParseKey(filepath.ToSlash(rel))
		if k.Kind != cloudtrail.KeyLog || k.Org != gen.DefaultOrg || k.Region == "" || k.Date.IsZero() {
			t.Errorf("%s parsed as %+v", rel, k)
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if m[1] != strconv.Itoa(files) {
		t.Errorf("summary says %s files, found %d", m[1], files)
	}
}

func TestGenFlags(t *testing.T) {
	f, _, _ := genFactory()
	var got *GenOptions
	capture := func(_ context.Context, _ *Factory, o *GenOptions) error {
		got = o
		return nil
	}
	cmd := newGenCmdWith(f, capture)
	cmd.SetArgs([]string{"--out", "x", "--org", ""})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := gen.Options{Dir: "x", Events: 10000, Accounts: 3, Regions: 3, Days: 3, Seed: 1, Start: time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC)}
	if got == nil || got.Gen != want {
		t.Errorf("parsed %+v, want %+v", got.Gen, want)
	}

	for _, args := range [][]string{
		{"gen", "--events", "5"},                            // no --out
		{"gen", "--out", "x", "--events", "-1"},             // negative
		{"gen", "--out", "x", "--accounts", "0"},            // too few
		{"gen", "--out", "x", "--accounts", "1001"},         // too many
		{"gen", "--out", "x", "--regions", "99"},            // unknown regions
		{"gen", "--out", "x", "--start", "2019-13-01"},      // bad date
		{"gen", "--out", "x", "--org", "acme"},              // bad org id
		{"gen", "--out", "x", "--events", "ten"},            // not a number
		{"gen", "--out", "x", "--bogus"},                    // unknown flag
		{"gen", "--out", "x", "extra"},                      // argument
		{"gen", "--out", "x", "--days", "0", "--seed", "2"}, // zero days
	} {
		f, _, errOut := genFactory()
		if code := Run(context.Background(), f, args); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args, code, ExitUsage, errOut.String())
		}
		if !strings.HasPrefix(errOut.String(), "trailsql: ") || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%q: error output %q, want one line", args, errOut.String())
		}
	}
}

func TestGenFlagsReportedTogether(t *testing.T) {
	f, _, errOut := genFactory()
	code := Run(context.Background(), f, []string{"gen", "--out", "x", "--events", "-1", "--accounts", "0", "--start", "2019-02-30"})
	msg := errOut.String()
	if code != ExitUsage || !strings.Contains(msg, "--accounts 0") || !strings.Contains(msg, "events -1") || !strings.Contains(msg, `--start "2019-02-30"`) {
		t.Errorf("exit %d, %q: want every problem in one usage error", code, msg)
	}
}

func TestGenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _, _ := genFactory()
	if code := Run(ctx, f, []string{"gen", "--out", t.TempDir(), "--events", "100000"}); code != ExitCancel {
		t.Errorf("exit %d, want %d", code, ExitCancel)
	}
}
