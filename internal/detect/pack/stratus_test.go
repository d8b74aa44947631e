package pack

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/sigma"
	"github.com/trailsql/trailsql/internal/trailtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// loadSigmaHQ returns SigmaHQ's CloudTrail rules in ../shared/sigma (not
// the placeholder one), Rule.File relative to that folder.
func loadSigmaHQ(t testing.TB) []*sigma.Rule {
	t.Helper()
	dir := trailtest.SigmaDir(t)
	var rules []*sigma.Rule
	for _, sub := range []string{"rules", "unsupported"} {
		rs, err := sigma.Load(filepath.Join(dir, sub))
		if err != nil {
			t.Fatalf("cannot read SigmaHQ's rules: %v", err)
		}
		rules = append(rules, rs...)
	}
	if len(rules) < 60 {
		t.Fatalf("%d SigmaHQ rules in %s", len(rules), dir)
	}
	for _, r := range rules {
		r.File, _ = filepath.Rel(dir, r.File)
	}
	return rules
}

// fires returns how many events each rule fires on in records (a
// correlation or an old aggregation: the events of its groups), for the
// rules that fire; rules that cannot be evaluated are left out. name
// names a rule in the result.
func fires(t testing.TB, rules []*sigma.Rule, records []map[string]any, name func(*sigma.Rule) string) map[string]int {
	t.Helper()
	byRef := sigma.Index(rules)
	quiet := quietRules(rules)
	out := map[string]int{}
	for _, r := range rules {
		if quiet[r.Name] || sigma.Evaluable(r) != nil {
			continue
		}
		n := 0
		if r.Correlation != nil || r.Detection.Aggregation != nil {
			gs, err := sigma.Correlate(r, byRef, records)
			if err != nil {
				t.Fatalf("%s: %v", name(r), err)
			}
			for _, g := range gs {
				n += len(g.Records)
			}
		} else {
			for _, rec := range records {
				ok, err := sigma.Match(r, rec)
				if err != nil {
					t.Fatalf("%s: %v", name(r), err)
				}
				if ok {
					n++
				}
			}
		}
		if n > 0 {
			out[name(r)] = n
		}
	}
	return out
}

func list(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%d)", n, m[n])
	}
	return b.String()
}

// TestStratus runs the pack's rules and SigmaHQ's over every Stratus Red
// Team detonation and keeps, in testdata/stratus.golden, which rules fire
// on which technique (events matched, in parentheses). The README's
// table is made from it.
func TestStratus(t *testing.T) {
	pack := loadPack(t)
	hq := loadSigmaHQ(t)
	var b strings.Builder
	caught := 0
	dets := trailtest.Detonations(t)
	for _, d := range dets {
		ours := fires(t, pack, d.Records, func(r *sigma.Rule) string { return r.Name })
		theirs := fires(t, hq, d.Records, func(r *sigma.Rule) string {
			return strings.TrimSuffix(filepath.Base(r.File), ".yml")
		})
		if len(ours) > 0 {
			caught++
		}
		fmt.Fprintf(&b, "%s\n  pack: %s\n  sigmahq: %s\n", d.Name, list(ours), list(theirs))
	}
	fmt.Fprintf(&b, "pack catches %d of %d techniques\n", caught, len(dets))
	got := []byte(b.String())
	path := filepath.Join("testdata", "stratus.golden")
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
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Stratus coverage differs from %s (run with -update if the change is right):\n%s", path, got)
	}
}
