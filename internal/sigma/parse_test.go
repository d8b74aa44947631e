package sigma

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/trailtest"
)

// dump prints a rule's model, one fact a line, for golden files.
func dump(r *Rule) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("rule %s:%d", filepath.Base(r.File), r.Line)
	w("  id=%q name=%q title=%q", r.ID, r.Name, r.Title)
	w("  status=%q level=%q author=%q date=%q modified=%q", r.Status, r.Level, r.Author, r.Date, r.Modified)
	w("  description=%q", r.Description)
	w("  tags=%q references=%q falsepositives=%q", r.Tags, r.References, r.FalsePositives)
	w("  logsource product=%q service=%q category=%q", r.Logsource.Product, r.Logsource.Service, r.Logsource.Category)
	if d := r.Detection; d != nil {
		for _, s := range d.Searches {
			w("  search %s (line %d)", s.Name, s.Line)
			for i, g := range s.Groups {
				w("    group %d", i+1)
				for _, fm := range g {
					w("      %s", dumpMatcher(fm))
					for _, v := range fm.Values {
						w("        %s", dumpValue(fm, v))
					}
				}
			}
		}
		w("  condition %q (line %d) = %s", d.ConditionText, d.ConditionLine, d.Condition)
		if a := d.Aggregation; a != nil {
			w("  aggregation %q: func=%s field=%q by=%q %s %d", a.Text, a.Func, a.Field, a.GroupBy, a.Threshold.Op, a.Threshold.Value)
		}
		if d.Timeframe != 0 {
			w("  timeframe %s", d.Timeframe)
		}
	}
	if c := r.Correlation; c != nil {
		w("  correlation type=%s rules=%q group-by=%q timespan=%s generate=%v", c.Type, c.Rules, c.GroupBy, c.Timespan, c.Generate)
		w("    condition field=%q thresholds=%v", c.Condition.Field, c.Condition.Thresholds)
		if c.Aliases != nil {
			w("    aliases %v", c.Aliases)
		}
	}
	for _, u := range r.Unsupported {
		w("  unsupported: %s", u)
	}
	return b.String()
}

func dumpMatcher(fm *FieldMatcher) string {
	s := fmt.Sprintf("%q (line %d) field=%q path=%q op=%s", fm.Key, fm.Line, fm.Field, fm.Path, fm.Op)
	if fm.Keyword {
		s += " keyword"
	}
	if fm.Position != Whole {
		s += " " + fm.Position.String()
	}
	if fm.All {
		s += " all"
	}
	if fm.Cased {
		s += " cased"
	}
	return s
}

func dumpValue(fm *FieldMatcher, v Value) string {
	s := fmt.Sprintf("%s %q (line %d)", v.Kind, v.Text, v.Line)
	switch fm.Op {
	case OpPattern:
		for _, p := range v.Patterns {
			s += fmt.Sprintf(" pattern=%q", p.String())
		}
	case OpRegexp:
		if v.Regexp != nil {
			s += fmt.Sprintf(" re=%q", v.Regexp.String())
		}
	case OpCIDR:
		s += " prefix=" + v.Prefix.String()
	case OpExists:
		s += fmt.Sprintf(" exists=%v", v.Exists)
	case OpFieldRef:
		s += fmt.Sprintf(" ref=%q path=%q", v.Ref, v.RefPath)
	}
	return s
}

// TestGoldenModels keeps the parsed model of our test rules and a few
// SigmaHQ rules in testdata/models/.
func TestGoldenModels(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "rules", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test rules: %v", err)
	}
	dir := trailtest.SigmaDir(t)
	for _, f := range []string{
		"rules/cloud/aws/cloudtrail/aws_cloudtrail_guardduty_detector_deleted_or_updated.yml",
		"rules/cloud/aws/cloudtrail/aws_cloudtrail_imds_malicious_usage.yml",
		"rules/cloud/aws/cloudtrail/aws_iam_s3browser_templated_s3_bucket_policy_creation.yml",
		"unsupported/cloud/aws_macic_evasion.yml",
	} {
		files = append(files, filepath.Join(dir, f))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			rules, err := ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, r := range rules {
				b.WriteString(dump(r))
			}
			checkGolden(t, filepath.Join("models", strings.TrimSuffix(filepath.Base(f), ".yml")+".golden"), []byte(b.String()))
		})
	}
}

const ruleHead = "title: t\nlogsource:\n    product: aws\n"

// TestParseErrors checks that bad rules give one-line errors naming the
// file and line.
func TestParseErrors(t *testing.T) {
	f := func(src, want string) {
		t.Helper()
		_, err := Parse("t.yml", []byte(src))
		if err == nil {
			t.Errorf("%q: no error, want %q", src, want)
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Line < 1 || e.File != "t.yml" {
			t.Errorf("%q: error %#v is not an *Error with a line", src, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error has several lines: %q", src, err)
		}
		if got := err.Error(); got != want {
			t.Errorf("%q:\n got %s\nwant %s", src, got, want)
		}
	}
	det := func(body string) string { return ruleHead + "detection:\n" + body }

	f("title: x\n", "t.yml:1: a rule needs detection or correlation")
	f("title: [\n", "t.yml:1: cannot read YAML: did not find expected node content")
	f("- a\n- b\n", "t.yml:1: a rule must be a map, not a list")
	f("action: global\ntitle: x\n", `t.yml:1: action "global" is not supported: write each rule as a whole document`)
	f("title: [a]\ndetection: {}\n", "t.yml:1: title must be a scalar, not a list")
	f(det("    sel:\n        a: b\n"), "t.yml:5: detection has no condition")
	f(det("    condition: sel\n"), "t.yml:5: detection has no search")
	f(det("    sel:\n        a|foo: b\n    condition: sel\n"), `t.yml:6: unknown modifier "foo"`)
	f(det("    sel:\n        a|: b\n    condition: sel\n"), `t.yml:6: empty modifier in "a|"`)
	f(det("    sel:\n        a|contains|startswith: b\n    condition: sel\n"), `t.yml:6: modifiers "contains" and "startswith" cannot be combined`)
	f(det("    sel:\n        a|re|cidr: b\n    condition: sel\n"), `t.yml:6: modifiers "re" and "cidr" cannot be combined`)
	f(det("    sel:\n        a|re|contains: b\n    condition: sel\n"), `t.yml:6: modifiers "re" and "contains" cannot be combined`)
	f(det("    sel:\n        a|base64|base64offset: b\n    condition: sel\n"), `t.yml:6: modifiers "base64" and "base64offset" cannot be combined`)
	f(det("    sel:\n        a|wide|utf16: b\n    condition: sel\n"), `t.yml:6: modifiers "wide" and "utf16" cannot be combined`)
	f(det("    sel:\n        a|cidr|base64: b\n    condition: sel\n"), `t.yml:6: modifiers "cidr" and "base64" cannot be combined`)
	f(det("    sel:\n        a|i: b\n    condition: sel\n"), `t.yml:6: modifier "i" needs "re" before it`)
	f(det("    sel:\n        a|exists: maybe\n    condition: sel\n"), `t.yml:6: field a: exists takes true or false, not "maybe"`)
	f(det("    sel:\n        a|exists: [true, false]\n    condition: sel\n"), `t.yml:6: field a: exists takes one value, true or false`)
	f(det("    sel:\n        a|cidr: 10.0.0.0/33\n    condition: sel\n"), `t.yml:6: field a: invalid cidr "10.0.0.0/33"`)
	f(det("    sel:\n        a|fieldref: 12\n    condition: sel\n"), `t.yml:6: field a: fieldref takes a field name, not "12"`)
	f(det("    sel:\n        a|contains: null\n    condition: sel\n"), `t.yml:6: field a: null cannot take modifiers "contains"`)
	f(det("    sel:\n        a|base64: 'x*'\n    condition: sel\n"), `t.yml:6: field a: base64 of a value with wildcards: "x*"`)
	f(det("    sel:\n        a..b: x\n    condition: sel\n"), `t.yml:6: field "a..b" has an empty path element`)
	f(det("    sel:\n        a: []\n    condition: sel\n"), `t.yml:6: field a has an empty list of values`)
	f(det("    sel:\n        a:\n            b: c\n    condition: sel\n"), `t.yml:7: field a: a value must be a scalar, not a map`)
	f(det("    sel:\n        a: [[x]]\n    condition: sel\n"), `t.yml:6: field a: a value must be a scalar, not a list`)
	f(det("    sel:\n        a: 1\n        a: 2\n    condition: sel\n"), `t.yml:7: search "sel": duplicate key "a"`)
	f(det("    sel:\n    condition: sel\n"), `t.yml:5: search "sel" is empty`)
	f(det("    sel: x\n    condition: sel\n"), `t.yml:5: search "sel" must be a map or a list, not a scalar`)
	f(det("    sel: {}\n    condition: sel\n"), `t.yml:5: search "sel" has an empty map`)
	f(det("    sel:\n        - a: b\n        - c\n    condition: sel\n"), `t.yml:5: search "sel" mixes maps and plain values`)
	f(det("    sel:\n        - |exists: true\n    condition: sel\n"), `t.yml:6: cannot read YAML: did not find expected comment or line break`)
	f(det("    sel:\n        '|exists': true\n    condition: sel\n"), `t.yml:6: modifier "exists" needs a field name`)
	f(det("    sel:\n        a: b\n    condition: sel and x\n"), `t.yml:7: condition "sel and x": column 9: unknown search "x"`)
	f(det("    sel:\n        a: b\n    condition: sel and\n"), `t.yml:7: condition "sel and": column 8: expected a search, found end of condition`)
	f(det("    sel:\n        a: b\n    condition: (sel\n"), `t.yml:7: condition "(sel": column 5: expected ) to close ( at column 1, found "end of condition"`)
	f(det("    sel:\n        a: b\n    condition: 2 of sel*\n"), `t.yml:7: condition "2 of sel*": column 1: "2" of: only `+"`1 of` and `all of`"+` are defined`)
	f(det("    sel:\n        a: b\n    condition: 1 of x*\n"), `t.yml:7: condition "1 of x*": column 6: no search matches "x*"`)
	f(det("    sel:\n        a: b\n    condition: sel*\n"), `t.yml:7: condition "sel*": column 1: pattern "sel*" needs `+"`1 of` or `all of`")
	f(det("    sel:\n        a: b\n    condition: sel | count() >\n"), "t.yml:7: cannot read aggregation \"count() >\": want `count(field) by f1, f2 > n`")
	f(det("    sel:\n        a: b\n    condition: sel | frob() > 1\n"), `t.yml:7: unknown aggregation function "frob"`)
	f(det("    sel:\n        a: b\n    timeframe: 10x\n    condition: sel\n"), `t.yml:7: timeframe: invalid timespan "10x": want a number and s, m, h or d`)
	f(det("    sel:\n        a: b\n    condition: sel\n")+"correlation:\n    type: temporal\n", "t.yml:1: a rule has detection or correlation, not both")

	corr := func(body string) string { return "title: c\ncorrelation:\n" + body }
	f(corr("    type: frequency\n"), `t.yml:3: unknown correlation type "frequency"`)
	f(corr("    rules: [a]\n    timespan: 1h\n"), "t.yml:3: correlation has no type")
	f(corr("    type: temporal\n    timespan: 1h\n"), "t.yml:3: correlation has no rules")
	f(corr("    type: temporal\n    rules: [a]\n"), "t.yml:3: correlation has no timespan")
	f(corr("    type: event_count\n    rules: [a]\n    timespan: 1h\n"), "t.yml:3: event_count correlation has no condition")
	f(corr("    type: value_count\n    rules: [a]\n    timespan: 1h\n    condition:\n        gt: 1\n"), "t.yml:7: value_count correlation condition has no field")
	f(corr("    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition:\n        more: 1\n"), `t.yml:7: unknown correlation condition "more"`)
	f(corr("    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition:\n        gt: many\n"), `t.yml:7: correlation condition gt: want an integer, not "many"`)
	f(corr("    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition:\n        field: x\n"), "t.yml:7: correlation condition has no gt, gte, lt, lte, eq or neq")
	f(corr("    type: event_count\n    rules: [a]\n    timespan: 0m\n"), `t.yml:5: correlation timespan: invalid timespan "0m": must be more than zero`)
	f(corr("    type: temporal\n    rules: [a]\n    timespan: 1h\n    generate: maybe\n"), `t.yml:6: correlation generate must be true or false, not "maybe"`)
	f(corr("    type: temporal\n    rules: [a]\n    timespan: 1h\n    window: 1h\n"), `t.yml:6: unknown correlation key "window"`)
	f(corr("    type: temporal\n    rules: [a]\n    timespan: 1h\n    aliases: [x]\n"), "t.yml:6: correlation aliases must be a map, not a list")
	// The second document fails: its line is counted from the file start.
	f(det("    sel:\n        a: b\n    condition: sel\n")+"---\n"+det("    sel:\n        a|x: b\n    condition: sel\n"), `t.yml:14: unknown modifier "x"`)
}

// TestParseUnsupported checks that features read but not evaluated leave
// the rule parsed, with the exact feature noted.
func TestParseUnsupported(t *testing.T) {
	f := func(body string, want ...string) {
		t.Helper()
		rules, err := Parse("t.yml", []byte(body))
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		got := rules[0].Unsupported
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%q:\n got %q\nwant %q", body, got, want)
		}
		if len(want) > 0 {
			if _, err := Match(rules[0], map[string]any{}); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), want[0]) {
				t.Errorf("%q: Match error %v, want ErrUnsupported naming %q", body, err, want[0])
			}
		}
	}
	det := func(body string) string { return ruleHead + "detection:\n" + body }
	f(det("    sel:\n        CommandLine|wide: ping\n    condition: sel\n"), `modifier "wide" on field CommandLine`)
	f(det("    sel:\n        CommandLine|utf16be|re: ping\n    condition: sel\n"), `modifier "utf16be" on field CommandLine`)
	f(det("    sel:\n        CommandLine|windash|contains: -enc\n    condition: sel\n"), `modifier "windash" on field CommandLine`)
	f(det("    sel:\n        '|utf16le': x\n    condition: sel\n"), `modifier "utf16le" on keywords`)
	f(det("    sel:\n        port|gt: 1024\n    condition: sel\n"), `modifier "gt" on field port`)
	f(det("    sel:\n        a|re: 'foo(?!bar)'\n    condition: sel\n"), `modifier "re" on field a: "(?!" (lookaround) is not in RE2`)
	f(det("    sel:\n        a|re: '(a)\\1'\n    condition: sel\n"), "modifier \"re\" on field a: RE2 cannot compile \"(a)\\\\1\": error parsing regexp: invalid escape sequence: `\\1`")
	f(det("    s1:\n        a: b\n    s2:\n        c: d\n    condition: s1 | near s2\n"), `aggregation "near"`)
	f(det("    s1:\n        a: b\n    condition: s1 | max(x) by y > 3\n"), `aggregation "max"`)
	f(det("    s1:\n        a: b\n    timeframe: 5m\n    condition: s1\n"), "timeframe 5m without an aggregation (the condition would be evaluated on single events)")
	f(det("    s1:\n        a: b\n    condition:\n        - s1 | count() > 1\n        - s1\n"), "several conditions with an aggregation")
	f("title: c\ncorrelation:\n    type: value_sum\n    rules: [a]\n    timespan: 1h\n    condition:\n        field: x\n        gt: 1\n", `correlation type "value_sum"`)
	f("title: c\ncorrelation:\n    type: temporal_ordered\n    rules: [a, b]\n    timespan: 1h\n    condition:\n        gte: 1\n", "condition on a temporal_ordered correlation")
	// And what is supported leaves no note.
	f(det("    sel:\n        a|re|i|m|s: x\n        b|base64offset|contains: y\n        c|cased|endswith: z\n        d|wide|base64offset|contains: w\n    condition: sel\n"))
}

// TestParseDocuments checks multi-document files, empty documents, the
// old top-level timeframe and defaults.
func TestParseDocuments(t *testing.T) {
	src := "---\n" + ruleHead + "name: base\nid: b1\ndetection:\n    sel:\n        a: b\n    condition: sel\n" +
		"---\n---\n" + "title: c\ncorrelation:\n    type: temporal\n    rules: [base, b1]\n    timespan: 2h\n" +
		"---\n" + ruleHead + "timeframe: 1d\ndetection:\n    sel:\n        a: b\n    condition: sel | count() by x > 2\n"
	rules, err := Parse("m.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 3 {
		t.Fatalf("got %d rules, want 3", len(rules))
	}
	if rules[0].Name != "base" || rules[0].Line != 2 || rules[1].Line != 13 || rules[2].Line != 19 {
		t.Errorf("names/lines: %q %d %d %d", rules[0].Name, rules[0].Line, rules[1].Line, rules[2].Line)
	}
	c := rules[1].Correlation
	if c.Timespan != 2*time.Hour || len(c.Condition.Thresholds) != 1 || c.Condition.Thresholds[0] != (Threshold{Gte, 2}) {
		t.Errorf("temporal defaults: %+v", c)
	}
	if d := rules[2].Detection; d.Timeframe != 24*time.Hour || d.Aggregation == nil || d.Aggregation.GroupBy[0] != "x" {
		t.Errorf("old aggregation: %+v %+v", d, d.Aggregation)
	}
	idx := Index(rules)
	if idx["base"] != rules[0] || idx["b1"] != rules[0] || len(idx) != 2 {
		t.Errorf("Index: %v", idx)
	}
	if rules, err := Parse("e.yml", []byte("---\n...\n")); err != nil || len(rules) != 0 {
		t.Errorf("empty file: %v %v", rules, err)
	}
}

// TestLoad checks that Load walks folders for *.yml and *.yaml only and
// keeps going after a bad file.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := mkdirWrite(p, body); err != nil {
			t.Fatal(err)
		}
	}
	good := ruleHead + "detection:\n    sel:\n        a: b\n    condition: sel\n"
	write("a.yml", good)
	write("sub/b.YAML", good)
	write("c.txt", "not a rule")
	write("z/bad.yml", "title: x\n")
	rules, err := Load(dir, filepath.Join(dir, "c.txt"))
	if len(rules) != 2 {
		t.Errorf("got %d rules, want 2", len(rules))
	}
	if err == nil || !strings.Contains(err.Error(), "bad.yml:1: a rule needs detection or correlation") ||
		!strings.Contains(err.Error(), "c.txt:1: a rule must be a map, not a scalar") {
		t.Errorf("error %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil || !strings.HasPrefix(err.Error(), "cannot read rules: ") {
		t.Errorf("missing path: %v", err)
	}
}

func mkdirWrite(path, body string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(body), 0o644)
}
