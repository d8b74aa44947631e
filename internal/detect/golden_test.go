package detect_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/sigma"
	"github.com/trailsql/trailsql/internal/sqltree"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGoldenSQL keeps the SQL that every SigmaHQ rule and test rule
// compiles to in testdata/compiled.sql.golden (go test -update rewrites
// it), and checks that the query layer's parser reads each back.
func TestGoldenSQL(t *testing.T) {
	all := loadRules(t)
	extra, err := sigma.Load(filepath.Join("testdata", "rules"))
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, extra...)
	rules, _ := detect.Compile(all)
	var b strings.Builder
	for _, r := range rules {
		sql := detect.CorrelationSQL(r, detect.Range{})
		if !r.IsCorrelation() {
			sql = detect.PlainSQL([]*detect.Rule{r}, detect.Range{})
		}
		if _, err := sqltree.ParseQuery(sql); err != nil {
			t.Errorf("rule %s: the SQL does not parse: %v", r.ID(), err)
		}
		b.WriteString("-- " + filepath.Base(r.Sigma.File) + " " + r.ID() + "\n" + sql + "\n\n")
	}
	golden := filepath.Join("testdata", "compiled.sql.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != b.String() {
		t.Errorf("the compiled SQL differs from %s (go test -update rewrites it)", golden)
	}
}

// FuzzCompile compiles any rule that package sigma reads: no panic, and
// the SQL of every rule that compiles parses.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		"title: t\nid: x\nlogsource: {product: aws}\ndetection:\n  s:\n    requestParameters.a.b|contains|all: [x, 'y*']\n  condition: s\n",
		"title: t\nid: x\nlogsource: {product: aws}\ndetection:\n  k: [a, 'b?c']\n  f:\n    sourceIPAddress|cidr: 10.0.0.0/8\n  condition: k and not f\n",
		"title: t\nname: r\nlogsource: {product: aws}\ndetection:\n  s: {eventName: A}\n  condition: s\n---\ntitle: c\nid: y\ncorrelation:\n  type: value_count\n  rules: [r]\n  group-by: [userIdentity.arn]\n  timespan: 5m\n  condition: {field: requestParameters.x, gte: 2}\n",
		"title: t\nid: x\nlogsource: {product: aws}\ndetection:\n  s:\n    eventName: A\n  condition: s | count(userIdentity.arn) by sourceIPAddress > 3\n  timeframe: 1h\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := sigma.Parse("fuzz.yml", data)
		if err != nil {
			return
		}
		compiled, _ := detect.Compile(rules)
		for _, r := range compiled {
			sql := detect.CorrelationSQL(r, detect.Range{})
			if !r.IsCorrelation() {
				sql = detect.PlainSQL([]*detect.Rule{r}, detect.Range{})
			}
			if _, err := sqltree.ParseQuery(sql); err != nil {
				t.Fatalf("the SQL of a compiled rule does not parse: %v\n%s", err, sql)
			}
		}
	})
}
