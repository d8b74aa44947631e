package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// detectTestRules writes three rules: StopLogging (plain), a burst of
// mallory's calls (event_count over 10m windows) and one with the expand
// modifier, which the compiler refuses.
func detectTestRules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"stop.yml": `title: Trail stopped
id: 11111111-1111-4111-8111-111111111111
status: test
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: stoplogging
        requestParameters.name: MAIN
    condition: selection
tags: [attack.defense-evasion, attack.t1562.008]
level: high
`,
		"burst.yml": `title: Calls by mallory
id: 22222222-2222-4222-8222-222222222222
name: mallory_calls
status: test
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        userIdentity.userName: mallory
    condition: selection
level: informational
---
title: Burst of calls by one user
id: 33333333-3333-4333-8333-333333333333
status: test
correlation:
    type: event_count
    rules: [mallory_calls]
    group-by: [userIdentity.userName]
    timespan: 10m
    condition: {gte: 2}
level: medium
`,
		"expand.yml": `title: Placeholder expansion
id: 44444444-4444-4444-8444-444444444444
status: test
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        sourceIPAddress|expand: '%admin_ips%'
    condition: selection
level: low
`,
	}
	for n, body := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDetectCommand(t *testing.T) {
	lake := queryTestLake(t)
	rules := detectTestRules(t)

	code, out, errOut := runQueryCmd(t, "", "detect", "--lake", lake, "--rules", rules)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// StopLogging at 10:20; mallory's four calls 10:15-10:30 fall in the
	// windows [10:10, 10:20) (one call) and [10:20, 10:30) (two calls)
	// and [10:30, 10:40) (one): one burst.
	if len(recs) != 3 {
		t.Fatalf("want a header and 2 findings:\n%s\nstderr: %s", out, errOut)
	}
	head := strings.Join(recs[0], ",")
	if head != "level,rule_id,title,first,last,account,region,principal,source_ip,events,grp,tactics,techniques,event_ids,key,new" {
		t.Errorf("header %s", head)
	}
	var stop, burst []string
	for _, r := range recs[1:] {
		switch r[1] {
		case "11111111-1111-4111-8111-111111111111":
			stop = r
		case "33333333-3333-4333-8333-333333333333":
			burst = r
		}
	}
	if stop == nil || stop[0] != "high" || stop[5] != "444455556666" || stop[11] != "defense-evasion" || stop[12] != "T1562.008" || stop[15] != "true" {
		t.Errorf("StopLogging finding: %q", stop)
	}
	if burst == nil || burst[9] != "2" || burst[10] != "userIdentity.userName=mallory" || !strings.HasPrefix(burst[3], "2019-09-30 10:20:00") {
		t.Errorf("burst finding: %q", burst)
	}
	if !strings.Contains(errOut, "rule not run:") || !strings.Contains(errOut, "44444444-4444-4444-8444-444444444444") || !strings.Contains(errOut, `modifier "expand"`) {
		t.Errorf("the expand rule is not reported: %s", errOut)
	}
	if !strings.Contains(errOut, "2 findings (2 new") {
		t.Errorf("summary: %s", errOut)
	}

	// Again: nothing new.
	code, out, errOut = runQueryCmd(t, "", "detect", "--lake", lake, "--rules", rules, "--format", "jsonl")
	if code != ExitOK || !strings.Contains(errOut, "2 findings (0 new") {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var row map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &row); err != nil || row["new"] != false {
		t.Errorf("jsonl: %v %v", row, err)
	}

	// The findings table holds the two findings once.
	code, out, errOut = runQueryCmd(t, "", "query", "--lake", lake, "SELECT count(*), count(DISTINCT key), max(events) FROM findings")
	if code != ExitOK || strings.ReplaceAll(strings.TrimSpace(out), "\r\n", "\n") != "_col0,_col1,_col2\n2,2,2" {
		t.Errorf("findings table: exit %d: %q %s", code, out, errOut)
	}

	// A range from 10:21 to 10:26: StopLogging (10:20) is before it, but
	// the burst's window [10:20, 10:30) is read from its start, so its
	// calls at 10:20 and 10:25 make a burst.
	code, out, _ = runQueryCmd(t, "", "detect", "--lake", lake, "--rules", rules, "--no-store", "--since", "2019-09-30T10:21:00Z", "--until", "2019-09-30T10:26:00Z", "--format", "markdown")
	if code != ExitOK || !strings.HasPrefix(out, "| level | rule_id |") || strings.Count(out, "\n") != 3 || !strings.Contains(out, "| medium | 33333333-3333-4333-8333-333333333333 | Burst of calls by one user | 2019-09-30T10:20:00Z | 2019-09-30T10:25:00Z |") {
		t.Errorf("markdown over 10:21-10:26: %q", out)
	}
}

func TestDetectListCommand(t *testing.T) {
	rules := detectTestRules(t)
	code, out, errOut := runQueryCmd(t, "", "detect", "list", "--rules", rules)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 {
		t.Fatalf("want 4 rules:\n%s", out)
	}
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[0]] = r
	}
	if r := byID["44444444-4444-4444-8444-444444444444"]; r == nil || r[6] != "false" || !strings.Contains(r[7], `modifier "expand"`) {
		t.Errorf("expand rule: %q", r)
	}
	if r := byID["33333333-3333-4333-8333-333333333333"]; r == nil || r[3] != "event_count" || r[6] != "true" {
		t.Errorf("correlation: %q", r)
	}
	if r := byID["22222222-2222-4222-8222-222222222222"]; r == nil || r[6] != "true" || r[7] != "runs inside its correlation only" {
		t.Errorf("referenced rule: %q", r)
	}
}

func TestDetectCommandErrors(t *testing.T) {
	rules := detectTestRules(t)
	for _, args := range [][]string{
		{"detect", "--rules", rules, "--format", "xml"},
		{"detect", "--rules", rules, "--since", "yesterday"},
		{"detect", "--rules", filepath.Join(rules, "missing.yml")},
		{"detect", "--rules", rules, "--since", "2019-10-02", "--until", "2019-10-01"},
	} {
		if code, _, errOut := runQueryCmd(t, "", args...); code != ExitUsage || strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitUsage, errOut)
		}
	}
}

// TestDetectListBuiltin: without --rules, the built-in pack, every rule of
// which compiles.
func TestDetectListBuiltin(t *testing.T) {
	code, out, errOut := runQueryCmd(t, "", "detect", "list", "--format", "csv")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 41 {
		t.Fatalf("%d built-in rules, want at least 40", len(recs)-1)
	}
	for _, r := range recs[1:] {
		if r[6] != "true" || !strings.HasPrefix(r[8], "pack/") {
			t.Errorf("built-in rule %s (%s): compiled %s, %s", r[0], r[8], r[6], r[7])
		}
	}
}
