package report_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func TestDocuments(t *testing.T) {
	since, _ := report.ParseTime("2019-09-30")
	until, _ := report.ParseTime("2019-10-01")
	r := loadLib(t).Lookup("security-group-opened-to-world")
	run, err := r.Run(context.Background(), testLake.eng, report.Inputs{
		Params: map[string]string{"group": gen.ScenarioOpenedGroup}, Since: since, Until: until, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer, *report.Run) error
	}{
		{"security-group-opened-to-world.md", func(b *bytes.Buffer, r *report.Run) error { return report.WriteMarkdown(b, r) }},
		{"security-group-opened-to-world.html", func(b *bytes.Buffer, r *report.Run) error { return report.WriteHTML(b, r) }},
	} {
		var buf bytes.Buffer
		if err := tc.write(&buf, run); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", tc.file)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s differs from the golden file (run with -update if the change is right):\n%s", tc.file, buf.String())
		}
	}
}
