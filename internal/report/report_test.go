package report_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/report"
)

const fixtureAccount = "111122223333" // testdata/events

func loadLib(t *testing.T) *report.Library {
	t.Helper()
	lib, err := report.Load()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// runReport runs a report on the test lake and returns its rows as maps
// of column name to text (NULL for nil).
func runReport(t *testing.T, name string, params map[string]string, in report.Inputs) []map[string]string {
	t.Helper()
	r := loadLib(t).Lookup(name)
	if r == nil {
		t.Fatalf("no report %s", name)
	}
	in.Params = params
	in.Now = fixedNow
	run, err := r.Run(context.Background(), testLake.eng, in)
	if err != nil {
		t.Fatalf("report %s: %v", name, err)
	}
	return rowMaps(run)
}

// rowMaps returns a run's rows as maps of column name to text (NULL for
// nil, times in RFC 3339).
func rowMaps(run *report.Run) []map[string]string {
	var rows []map[string]string
	for _, row := range run.Result.Rows {
		m := map[string]string{}
		for i, c := range run.Result.Columns {
			if row[i] == nil {
				m[c.Name] = "NULL"
			} else if tm, ok := row[i].(time.Time); ok {
				m[c.Name] = tm.UTC().Format(time.RFC3339)
			} else {
				m[c.Name] = fmt.Sprint(row[i])
			}
		}
		rows = append(rows, m)
	}
	return rows
}

func column(rows []map[string]string, col string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r[col])
	}
	return out
}

func has(rows []map[string]string, want map[string]string) bool {
next:
	for _, r := range rows {
		for k, v := range want {
			if r[k] != v {
				continue next
			}
		}
		return true
	}
	return false
}

func TestLibrary(t *testing.T) {
	lib := loadLib(t)
	if n := len(lib.Reports()); n < 28 {
		t.Errorf("%d reports, want at least 28", n)
	}
	for _, r := range lib.Reports() {
		body := r.Body()
		// Every report is narrowed by --since, --until and --account, with
		// predicates on the partition columns so that files are pruned.
		for _, s := range []string{":since_day", ":until_day", ":since", ":until", "account = :account"} {
			if !strings.Contains(body, s) {
				t.Errorf("report %s does not use %s", r.Name, s)
			}
		}
		if r.Description == "" || !strings.HasSuffix(r.Question, "?") {
			t.Errorf("report %s: needs a description and a question ending in ?", r.Name)
		}
		if _, ok := reportTests[r.Name]; !ok {
			t.Errorf("report %s has no test in reportTests", r.Name)
		}
	}
}

// reportTests check each report's answer on the test lake; every report
// must have one (TestLibrary), so every report's SQL runs in the tests.
var reportTests = map[string]struct {
	params map[string]string
	check  func(t *testing.T, rows []map[string]string)
}{
	"security-group-opened-to-world": {nil, func(t *testing.T, rows []map[string]string) {
		want := []map[string]string{
			{"eventname": "AuthorizeSecurityGroupIngress", "group_id": gen.ScenarioOpenedGroup, "ports": "23", "cidr": "0.0.0.0/0", "sourceipaddress": gen.ScenarioAttackerIP, "protocol": "tcp"},
			{"eventname": "AuthorizeSecurityGroupIngress", "group_id": gen.ScenarioOpenedGroup, "ports": "23", "cidr": "::/0"},
			{"eventname": "ModifySecurityGroupRules", "group_id": gen.ScenarioModifiedGroup, "ports": "3389", "cidr": "0.0.0.0/0"},
		}
		// testdata/events opens a group to ::/0 with a list of rules,
		// one of which (10.0.0.0/8) is not the world.
		if !has(rows, map[string]string{"account": fixtureAccount, "eventname": "ModifySecurityGroupRules", "group_id": "sg-0fixture00000000a", "ports": "443", "cidr": "::/0"}) {
			t.Errorf("the fixture's IPv6 rule is missing: %v", rows)
		}
		var planted []map[string]string
		for _, r := range rows {
			if r["account"] != fixtureAccount {
				planted = append(planted, r)
			}
		}
		if len(planted) != len(want) || len(rows) != len(want)+1 {
			t.Fatalf("%d rows, want %d and the fixture's: %v", len(planted), len(want), rows)
		}
		rows = planted
		for i, w := range want {
			if !has(rows[i:i+1], w) {
				t.Errorf("row %d = %v, want %v", i, rows[i], w)
			}
			if !strings.HasSuffix(rows[i]["who"], ":user/"+gen.ScenarioMallory) || rows[i]["eventtime"][:10] != gen.ScenarioDay {
				t.Errorf("row %d: who %s at %s", i, rows[i]["who"], rows[i]["eventtime"])
			}
		}
	}},
	"s3-bucket-changes": {map[string]string{"bucket": "fixture-public"}, func(t *testing.T, rows []map[string]string) {
		if len(rows) != 1 || rows[0]["eventname"] != "PutBucketPolicy" {
			t.Errorf("rows = %v, want the one PutBucketPolicy", rows)
		}
	}},
	"top-errors": {map[string]string{"limit": "5"}, func(t *testing.T, rows []map[string]string) {
		if len(rows) != 5 {
			t.Fatalf("%d rows, want 5", len(rows))
		}
		for i := 1; i < len(rows); i++ {
			a, _ := strconv.Atoi(rows[i-1]["errors"])
			b, _ := strconv.Atoi(rows[i]["errors"])
			if b > a {
				t.Errorf("not sorted by errors: %v", column(rows, "errors"))
			}
		}
	}},
	"principal-api-calls": {map[string]string{"principal": gen.ScenarioGhostUser}, func(t *testing.T, rows []map[string]string) {
		got := column(rows, "eventname")
		sort.Strings(got)
		if g := strings.Join(got, ","); g != "DescribeInstances,GetCallerIdentity,GetSecretValue,ListBuckets,ListUsers" {
			t.Errorf("calls = %s", g)
		}
	}},
	"source-ip-accounts": {map[string]string{"ip": gen.ScenarioAttackerIP}, func(t *testing.T, rows []map[string]string) {
		if len(rows) != 1 || rows[0]["account_touched"] != testLake.accounts[0] || rows[0]["events"] != "8" {
			t.Fatalf("rows = %v, want 8 events in %s", rows, testLake.accounts[0])
		}
		if p := rows[0]["principals"]; !strings.Contains(p, gen.ScenarioMallory) || !strings.Contains(p, gen.ScenarioGhostUser) || !strings.Contains(p, "ANONYMOUS_PRINCIPAL") {
			t.Errorf("principals = %s", p)
		}
	}},
	"user-activity": {map[string]string{"user": gen.ScenarioGhostUser}, func(t *testing.T, rows []map[string]string) {
		got := strings.Join(column(rows, "eventname"), ",")
		if got != "GetCallerIdentity,ListBuckets,DescribeInstances,ListUsers,GetSecretValue" {
			t.Errorf("events in order = %s", got)
		}
	}},
	"user-creator": {map[string]string{"user": gen.ScenarioGhostUser}, func(t *testing.T, rows []map[string]string) {
		if len(rows) != 1 || !strings.HasSuffix(rows[0]["creator"], ":user/"+gen.ScenarioAlice) {
			t.Fatalf("rows = %v, want alice", rows)
		}
		g := rows[0]["then_granted"]
		if !strings.Contains(g, "AttachUserPolicy "+gen.ScenarioGhostPolicy) || !strings.Contains(g, "CreateAccessKey "+gen.ScenarioGhostAccessKey) {
			t.Errorf("then_granted = %s", g)
		}
	}},
	"s3-anonymous-requests": {nil, func(t *testing.T, rows []map[string]string) {
		if len(rows) != 5 {
			t.Fatalf("%d rows, want 5", len(rows))
		}
		for _, r := range rows {
			if r["bucket"] != gen.ScenarioPublicBucket || r["eventname"] != "GetObject" {
				t.Errorf("row %v", r)
			}
		}
		if !has(rows, map[string]string{"object_key": "backups/db-dump-2019-09-29.sql.gz", "bytes_out": "18342117"}) {
			t.Errorf("the database dump read is missing")
		}
	}},
	"root-activity": {nil, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"account": testLake.accounts[0], "eventname": "ConsoleLogin"}) ||
			!has(rows, map[string]string{"account": testLake.accounts[0], "eventname": "GetAccountSummary"}) {
			t.Errorf("planted root sign-in or call missing from %d rows", len(rows))
		}
		for _, r := range rows {
			if !strings.HasSuffix(r["who"], ":root") {
				t.Errorf("not root: %v", r["who"])
			}
		}
	}},
	"console-login-without-mfa": {nil, func(t *testing.T, rows []map[string]string) {
		if len(rows) != 1 || !strings.HasSuffix(rows[0]["who"], ":user/"+gen.ScenarioNoMFAUser) || rows[0]["sourceipaddress"] != gen.ScenarioBruteForceIP {
			t.Errorf("rows = %v, want carol", rows)
		}
	}},
	"console-login-failures": {nil, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"user_name": gen.ScenarioNoMFAUser, "sourceipaddress": gen.ScenarioBruteForceIP, "failures": "2", "later_successes_from_ip": "1"}) ||
			!has(rows, map[string]string{"user_name": "HIDDEN_DUE_TO_SECURITY_REASONS", "failures": "1"}) {
			t.Errorf("rows = %v", rows)
		}
	}},
	"cloudtrail-tampering": {nil, func(t *testing.T, rows []map[string]string) {
		// The planted StopLogging, then the trail changes of gen's
		// detection scenarios (cases and near misses: the report lists
		// every change, failed ones included).
		if len(rows) != 7 || rows[0]["eventname"] != "StopLogging" || !strings.HasSuffix(rows[0]["trail"], "/"+gen.ScenarioTrail) {
			t.Errorf("rows = %v", rows)
		}
		if got := strings.Join(column(rows, "eventname"), ","); got != "StopLogging,DeleteTrail,DeleteTrail,PutEventSelectors,PutEventSelectors,UpdateTrail,UpdateTrail" {
			t.Errorf("events = %s", got)
		}
	}},
	"logging-weakened": {nil, func(t *testing.T, rows []map[string]string) {
		// The planted StopLogging, then the cases of gen's detection
		// scenarios that weaken logging (not their near misses: a denied
		// DeleteTrail, selectors and an update that log as much).
		if len(rows) != 4 || rows[0]["eventname"] != "StopLogging" || !strings.HasSuffix(rows[0]["target"], "/"+gen.ScenarioTrail) || rows[0]["severity"] != "high" {
			t.Errorf("rows = %v, want the planted StopLogging first", rows)
		}
		if got := strings.Join(column(rows, "eventname"), ","); got != "StopLogging,DeleteTrail,PutEventSelectors,UpdateTrail" {
			t.Errorf("events = %s", got)
		}
		for _, r := range rows[1:] {
			if !strings.HasSuffix(r["principal"], ":user/"+gen.ScenarioTrudy) {
				t.Errorf("row %v", r)
			}
		}
	}},
	"security-tooling-disabled": {nil, func(t *testing.T, rows []map[string]string) {
		// The fixture's, then gen's detection scenarios' (not their near
		// misses).
		if got := strings.Join(column(rows, "eventname"), ","); got != "DeleteDetector,StopConfigurationRecorder,DeleteFlowLogs,UpdateDetector,DeleteDetector,BatchDisableStandards,StopConfigurationRecorder,DeleteAnalyzer" {
			t.Errorf("events = %s", got)
		}
	}},
	"new-access-keys": {nil, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"for_user": gen.ScenarioGhostUser, "access_key_id": gen.ScenarioGhostAccessKey}) {
			t.Errorf("rows = %v", rows)
		}
	}},
	"iam-privilege-changes": {nil, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"eventname": "AttachUserPolicy", "target": gen.ScenarioGhostUser, "policy": gen.ScenarioGhostPolicy}) {
			t.Errorf("AttachUserPolicy of ghost-admin missing")
		}
		if !has(rows, map[string]string{"eventname": "CreateRole"}) || !has(rows, map[string]string{"eventname": "PutRolePolicy"}) {
			t.Errorf("generated role changes missing")
		}
	}},
	"mfa-removed": {nil, func(t *testing.T, rows []map[string]string) {
		// gen's detection scenario (trudy deactivates alice's device),
		// then the fixture's.
		if len(rows) != 2 || rows[0]["for_user"] != gen.ScenarioAlice || !strings.HasSuffix(rows[0]["who"], ":user/"+gen.ScenarioTrudy) || rows[1]["for_user"] != "erin" {
			t.Errorf("rows = %v", rows)
		}
	}},
	"identity-provider-changes": {nil, func(t *testing.T, rows []map[string]string) {
		// gen's detection scenario, then the fixture's.
		if len(rows) != 2 || rows[0]["provider"] != "okta-backup" || rows[1]["provider"] != "evil-idp" {
			t.Errorf("rows = %v", rows)
		}
	}},
	"kms-key-deletion": {nil, func(t *testing.T, rows []map[string]string) {
		// The fixture's, then gen's detection scenarios' ScheduleKeyDeletion
		// and DisableKey (not their near misses).
		if len(rows) != 3 || rows[0]["pending_days"] != "7" || rows[1]["eventname"] != "ScheduleKeyDeletion" || rows[2]["eventname"] != "DisableKey" {
			t.Errorf("rows = %v", rows)
		}
	}},
	"s3-bucket-made-public": {nil, func(t *testing.T, rows []map[string]string) {
		got := strings.Join(column(rows, "bucket"), ",")
		// fixture-private's policy has Principal * in a Deny: not public.
		// Then gen's detection scenarios: an ACL, a policy and a deleted
		// Block Public Access on one bucket, Block Public Access turned off
		// on another (not the near misses: a log delivery grant, a policy
		// for one account, Block Public Access all on).
		if got != "fixture-public,fixture-acl,fixture-pab,acme-marketing-assets,acme-marketing-assets,acme-marketing-assets,acme-customer-exports" {
			t.Errorf("buckets = %s", got)
		}
	}},
	"snapshot-ami-shared": {nil, func(t *testing.T, rows []map[string]string) {
		// The fixture's, then gen's detection scenarios' snapshot, AMI and
		// RDS snapshot (not the near misses, which remove permissions).
		if len(rows) != 4 || !strings.Contains(rows[0]["shared_with"], "999988887777") ||
			strings.Join(column(rows, "eventname"), ",") != "ModifySnapshotAttribute,ModifySnapshotAttribute,ModifyImageAttribute,ModifyDBSnapshotAttribute" {
			t.Errorf("rows = %v", rows)
		}
	}},
	"instance-user-data-changes": {nil, func(t *testing.T, rows []map[string]string) {
		// The fixture's, then gen's detection scenario (not its near miss,
		// which changes the instance type).
		if len(rows) != 2 || rows[0]["instance_id"] != "i-0fixture000000001" || rows[1]["instance_id"] != "i-0d4f6a8b0c2e4f6a8" {
			t.Errorf("rows = %v", rows)
		}
	}},
	"cross-account-access": {nil, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"eventname": "AssumeRole"}) {
			t.Errorf("no cross-account AssumeRole among %d rows", len(rows))
		}
		for _, r := range rows {
			if r["caller_account"] == r["account_touched"] {
				t.Errorf("same account: %v", r)
			}
		}
	}},
	"unusual-regions": {map[string]string{"max_percent": "10"}, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"account": fixtureAccount, "awsregion": "ap-south-1", "calls": "RunInstances"}) {
			t.Errorf("rows = %v", rows)
		}
	}},
	"access-denied-bursts": {nil, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"account": fixtureAccount, "denials": "6", "who": "arn:aws:iam::" + fixtureAccount + ":user/probe"}) {
			t.Errorf("rows = %v", rows)
		}
	}},
	"secrets-read": {nil, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"who": "arn:aws:iam::" + testLake.accounts[0] + ":user/" + gen.ScenarioGhostUser, "reads": "1", "source_ips": gen.ScenarioAttackerIP}) {
			t.Errorf("ghost-admin's read missing")
		}
	}},
	"console-write-activity": {nil, func(t *testing.T, rows []map[string]string) {
		if len(rows) == 0 {
			t.Errorf("no console writes")
		}
	}},
	"old-tls": {nil, func(t *testing.T, rows []map[string]string) {
		if len(rows) != 1 || rows[0]["tls_version"] != "TLSv1" {
			t.Errorf("rows = %v", rows)
		}
	}},
	"changes-outside-cloudformation": {map[string]string{"service": "ec2.amazonaws.com"}, func(t *testing.T, rows []map[string]string) {
		if !has(rows, map[string]string{"eventname": "AuthorizeSecurityGroupIngress"}) {
			t.Errorf("mallory's change missing")
		}
		for _, r := range rows {
			if r["eventsource"] != "ec2.amazonaws.com" || strings.HasPrefix(r["eventname"], "Describe") {
				t.Errorf("row %v", r)
			}
		}
	}},
	"role-assumptions": {nil, func(t *testing.T, rows []map[string]string) {
		for _, k := range []map[string]string{{"eventname": "AssumeRoleWithSAML"}, {"eventname": "AssumeRoleWithWebIdentity"}, {"cross_account": "true"}} {
			if !has(rows, k) {
				t.Errorf("no row with %v", k)
			}
		}
	}},
}

func TestReports(t *testing.T) {
	for name, tc := range reportTests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.check(t, runReport(t, name, tc.params, report.Inputs{}))
		})
	}
}

func TestScope(t *testing.T) {
	day := func(s string) time.Time { tm, _ := report.ParseTime(s); return tm }
	f := func(in report.Inputs, want int) {
		t.Helper()
		if got := len(runReport(t, "security-group-opened-to-world", nil, in)); got != want {
			t.Errorf("%+v: %d rows, want %d", in, got, want)
		}
	}
	f(report.Inputs{Since: day("2019-09-30"), Until: day("2019-10-01")}, 4)
	f(report.Inputs{Since: day("2019-09-30T13:38:00Z")}, 1)
	f(report.Inputs{Since: day("2019-09-30T12:31:00Z"), Until: day("2019-09-30T13:38:00Z")}, 2)
	f(report.Inputs{Since: day("2019-10-01")}, 0)
	f(report.Inputs{Account: testLake.accounts[0]}, 3)
	f(report.Inputs{Account: testLake.accounts[1]}, 0)

	// The scope prunes partitions: one day of one account reads few files.
	r := loadLib(t).Lookup("root-activity")
	run, err := r.Run(context.Background(), testLake.eng, report.Inputs{Since: day("2019-09-30"), Until: day("2019-10-01"), Account: testLake.accounts[0]})
	if err != nil {
		t.Fatal(err)
	}
	if s := run.Result.Stats; s.Files == 0 || s.Files*3 > s.FilesTotal {
		t.Errorf("read %d of %d files, want the partitions of one account and day", s.Files, s.FilesTotal)
	}
}

func TestBindErrors(t *testing.T) {
	lib := loadLib(t)
	f := func(name string, in report.Inputs, want string) {
		t.Helper()
		_, _, _, err := lib.Lookup(name).Bind(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s %+v: error %v, want %q", name, in, err, want)
		}
	}
	f("user-activity", report.Inputs{}, "needs --param user=VALUE")
	f("top-errors", report.Inputs{Params: map[string]string{"limit": "many"}}, `"many" is not an integer`)
	f("top-errors", report.Inputs{Params: map[string]string{"nope": "1"}}, `has no parameter "nope"`)
	f("top-errors", report.Inputs{Account: "12"}, "not a 12-digit")
	f("top-errors", report.Inputs{Since: time.Unix(10, 0), Until: time.Unix(5, 0)}, "is not before")
}

func TestBindNeverPastesValues(t *testing.T) {
	r := loadLib(t).Lookup("user-activity")
	evil := "x' OR '1'='1"
	text, args, _, err := r.Bind(report.Inputs{Params: map[string]string{"user": evil}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, evil) || strings.Contains(text, ":user") {
		t.Errorf("the value or its name is in the SQL:\n%s", text)
	}
	n := 0
	for _, a := range args {
		if a == evil {
			n++
		}
	}
	if n != strings.Count(r.Body(), ":user") {
		t.Errorf("bound %d times, want %d", n, strings.Count(r.Body(), ":user"))
	}
	if rows := runReport(t, "user-activity", map[string]string{"user": evil}, report.Inputs{}); len(rows) != 0 {
		t.Errorf("%d rows for an injection attempt", len(rows))
	}
}
