package sigma

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/trailtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// loadSigmaHQ parses every shared SigmaHQ rule, keyed by the file's path
// relative to the shared folder.
func loadSigmaHQ(t testing.TB) (map[string]*Rule, []string) {
	t.Helper()
	dir := trailtest.SigmaDir(t)
	rules, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	byFile := map[string]*Rule{}
	var names []string
	for _, r := range rules {
		rel, err := filepath.Rel(dir, r.File)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := byFile[rel]; dup {
			t.Fatalf("%s holds more than one rule", rel)
		}
		byFile[rel] = r
		names = append(names, rel)
	}
	sort.Strings(names)
	return byFile, names
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file (run with -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestSigmaHQParse parses every shared SigmaHQ rule: all 66 parse, and the
// ones carrying Unsupported notes are exactly those listed.
func TestSigmaHQParse(t *testing.T) {
	byFile, names := loadSigmaHQ(t)
	if len(names) != 66 {
		t.Errorf("parsed %d rules, want 66", len(names))
	}
	var b strings.Builder
	for _, n := range names {
		r := byFile[n]
		if r.Title == "" || r.ID == "" || r.Detection == nil {
			t.Errorf("%s: title %q id %q detection %v", n, r.Title, r.ID, r.Detection)
		}
		for _, u := range r.Unsupported {
			fmt.Fprintf(&b, "%s: %s\n", n, u)
		}
	}
	want := `rules-placeholder/cloud/aws/cloudtrail/aws_cloudtrail_console_login_success_from_susp_locations.yml: modifier "expand" on field src_country
rules-placeholder/cloud/aws/cloudtrail/aws_cloudtrail_console_login_success_from_susp_locations.yml: modifier "expand" on field src_ip
unsupported/cloud/aws_lambda_function_created_or_invoked.yml: aggregation "near"
unsupported/cloud/aws_ses_messaging_enabled.yml: timeframe 5m without an aggregation (the condition would be evaluated on single events)
`
	if got := b.String(); got != want {
		t.Errorf("unsupported notes:\n%s\nwant:\n%s", got, want)
	}
	// The other unsupported/ rules are old aggregations, evaluated by
	// Correlate.
	aggs := 0
	for _, n := range names {
		if byFile[n].Detection.Aggregation != nil {
			aggs++
		}
	}
	if aggs != 6 {
		t.Errorf("%d rules with an aggregation, want 6", aggs)
	}
}

// TestSigmaHQDetonations runs every evaluable SigmaHQ rule over every
// Stratus Red Team detonation and keeps, in a golden file, which technique
// each rule fires on (plain rules: events matched; aggregations: groups
// fired).
func TestSigmaHQDetonations(t *testing.T) {
	byFile, names := loadSigmaHQ(t)
	dets := trailtest.Detonations(t)
	var b strings.Builder
	for _, n := range names {
		r := byFile[n]
		if Evaluable(r) != nil {
			fmt.Fprintf(&b, "%s: not evaluated (%s)\n", n, r.Unsupported[0])
			continue
		}
		var hits []string
		for _, d := range dets {
			if r.Detection.Aggregation != nil {
				gs, err := Correlate(r, nil, d.Records)
				if err != nil {
					t.Fatalf("%s: %v", n, err)
				}
				if len(gs) > 0 {
					hits = append(hits, fmt.Sprintf("%s (%d groups)", d.Name, len(gs)))
				}
				continue
			}
			c := 0
			for _, rec := range d.Records {
				ok, err := Match(r, rec)
				if err != nil {
					t.Fatalf("%s: %v", n, err)
				}
				if ok {
					c++
				}
			}
			if c > 0 {
				hits = append(hits, fmt.Sprintf("%s (%d)", d.Name, c))
			}
		}
		if len(hits) == 0 {
			hits = []string{"-"}
		}
		fmt.Fprintf(&b, "%s: %s\n", n, strings.Join(hits, ", "))
	}
	checkGolden(t, "detonations.golden", []byte(b.String()))
}
