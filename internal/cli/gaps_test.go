package cli

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// genIngestLake generates 3,000 events (with the planted scenarios) and
// ingests them into a lake, through the commands.
func genIngestLake(t *testing.T) string {
	t.Helper()
	src, dir := t.TempDir(), filepath.Join(t.TempDir(), "lake")
	for _, args := range [][]string{
		{"gen", "--out", src, "--events", "3000", "--accounts", "2", "--regions", "2"},
		{"ingest", src, "--lake", dir},
	} {
		f, _, errOut := genFactory()
		if code := Run(context.Background(), f, args); code != ExitOK {
			t.Fatalf("%q: exit %d, %s", args, code, errOut)
		}
	}
	return dir
}

func TestGapsCommand(t *testing.T) {
	dir := genIngestLake(t)
	svg := filepath.Join(t.TempDir(), "gaps.svg")
	f, out, errOut := genFactory()
	if code := Run(context.Background(), f, []string{"gaps", "--lake", dir, "--svg", svg, "--region", "us-east-1"}); code != ExitOK {
		t.Fatalf("exit %d, %s", code, errOut)
	}
	for _, want := range []string{"delivery from 2019-09-28 00:00 to 2019-10-01 00:00 UTC (72 hours), 2 account/region pairs",
		"management-trail  StopLogging  2019-09-30T13:45:02Z", "user/mallory", "not restarted"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		Groups  []struct {
			Region string `xml:"data-region,attr"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || len(doc.Groups) != 2 || doc.Groups[0].Region != "us-east-1" {
		t.Errorf("svg: %v, %+v", err, doc)
	}

	f, out, _ = genFactory()
	if code := Run(context.Background(), f, []string{"gaps", "--lake", dir, "--format", "json", "--since", "2019-09-30", "--until", "2019-09-30"}); code != ExitOK {
		t.Fatalf("json: exit %d", code)
	}
	if !strings.Contains(out.String(), `"trail": "management-trail"`) || !strings.Contains(out.String(), `"start": "2019-09-30T00:00:00Z"`) {
		t.Errorf("json output:\n%s", out)
	}
}

func TestGapsFlags(t *testing.T) {
	f, _, _ := genFactory()
	var got *GapsOptions
	cmd := newGapsCmdWith(f, func(_ context.Context, _ *Factory, o *GapsOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--lake", "l", "--since", "7d", "--until", "2024-01-02", "--account", "111122223333", "--region", "eu-west-1", "--min-hours", "3", "--svg", "x.svg"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := GapsOptions{Lake: "l", Since: "7d", Until: "2024-01-02", Account: "111122223333", Region: "eu-west-1", MinHours: 3, SVG: "x.svg", Format: "text"}
	if got == nil || *got != want {
		t.Errorf("parsed %+v, want %+v", got, want)
	}
	g, err := gapsOptions(f, "2024-01-01", "2024-01-02")
	if err != nil || !g.Since.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || !g.Until.Equal(time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("range %+v, %v", g, err)
	}
	for _, args := range [][]string{
		{"gaps", "extra"},
		{"gaps", "--format", "xml"},
		{"gaps", "--min-hours", "0"},
		{"gaps", "--since", "yesterday"},
		{"gaps", "--since", "2024-01-02", "--until", "2024-01-01"},
		{"tampering", "extra"},
		{"tampering", "--format", "xml"},
		{"tampering", "--until", "soon"},
	} {
		f, _, errOut := genFactory()
		f.Getenv = func(string) string { return t.TempDir() } // $TRAILSQL_LAKE: an empty folder
		if code := Run(context.Background(), f, args); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, code, ExitUsage, errOut)
		}
	}
}
