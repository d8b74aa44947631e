package detect_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/sigma"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestCoverage checks the README's list of the SigmaHQ rules that do not
// compile: every rule of ../shared/sigma compiles, or is listed there by
// file name with (part of) the exact reason the compiler gives.
func TestCoverage(t *testing.T) {
	dir := trailtest.SigmaDir(t)
	all, err := sigma.Load(filepath.Join(dir, "rules"), filepath.Join(dir, "unsupported"), filepath.Join(dir, "rules-placeholder"))
	if err != nil {
		t.Fatal(err)
	}
	compiled, cerr := detect.Compile(all)
	got := map[string]string{}
	if j, ok := cerr.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var re *detect.RuleError
			if !errors.As(e, &re) {
				t.Fatalf("not a RuleError: %v", e)
			}
			got[filepath.Base(re.File)] = re.Reason
		}
	}
	if len(compiled)+len(got) != len(all) {
		t.Errorf("%d rules, %d compiled, %d refused", len(all), len(compiled), len(got))
	}

	readme, err := os.ReadFile(filepath.Join(trailtest.RepoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "SigmaHQ coverage (")
	if start < 0 {
		t.Fatal("README has no SigmaHQ coverage list")
	}
	text = text[start:]
	list := strings.Index(text, "\n- ")
	if end := strings.Index(text[list:], "\n\n"); list >= 0 && end >= 0 {
		text = text[:list+end]
	}
	m := regexp.MustCompile("(?m)^- `([^`]+)`: (.+)$").FindAllStringSubmatch(text, -1)
	listed := map[string]string{}
	for _, x := range m {
		listed[x[1]] = x[2]
	}
	if n := regexp.MustCompile(`: (\d+) compile`).FindStringSubmatch(text); n == nil || n[1] != strconv.Itoa(len(compiled)) {
		t.Errorf("README says %v compile, %d do", n, len(compiled))
	}
	for f, reason := range got {
		if listed[f] == "" {
			t.Errorf("%s does not compile (%s) and is not listed in the README", f, reason)
		} else if !strings.Contains(reason, listed[f]) {
			t.Errorf("%s: README says %q, the compiler says %q", f, listed[f], reason)
		}
	}
	for f := range listed {
		if _, ok := got[f]; !ok {
			t.Errorf("%s is listed in the README but compiles", f)
		}
	}
}
