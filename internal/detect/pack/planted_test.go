package pack

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/sigma"
)

// sel selects planted records: those of case c (the rule a detection
// scenario is for, or a scenario of gen/scenario.go), near misses when
// miss is set, of eventName name when not empty.
type sel struct {
	c    string
	miss bool
	name string
}

func own(rule string) sel  { return sel{c: rule} }
func miss(rule string) sel { return sel{c: rule, miss: true} }

// wantFires is, for every rule of the pack that runs on its own, the
// planted records it fires on: nothing else that gen writes may fire it
// (but for root-activity, see regularAllowed).
var wantFires = map[string][]sel{
	"access-analyzer-deleted":            {own("access-analyzer-deleted")},
	"ami-shared":                         {own("ami-shared")},
	"bedrock-model-access-enabled":       {own("bedrock-model-access-enabled")},
	"cloudtrail-bucket-changed":          {own("cloudtrail-bucket-changed")},
	"cloudtrail-delete-trail":            {own("cloudtrail-delete-trail")},
	"cloudtrail-event-selectors-reduced": {own("cloudtrail-event-selectors-reduced")},
	"cloudtrail-stop-logging":            {{c: "stop-logging"}},
	"cloudtrail-trail-weakened":          {own("cloudtrail-trail-weakened")},
	"config-recording-stopped":           {own("config-recording-stopped")},
	"console-login-brute-force":          {own("console-login-brute-force")},
	"console-login-failed": {{c: "brute-force"}, own("console-login-brute-force"), miss("console-login-brute-force"),
		miss("root-console-login")},
	"console-login-without-mfa":          {{c: "no-mfa"}},
	"dns-query-logging-deleted":          {own("dns-query-logging-deleted")},
	"ebs-default-encryption-disabled":    {own("ebs-default-encryption-disabled")},
	"ebs-snapshot-shared":                {own("ebs-snapshot-shared")},
	"ec2-gpu-instances-launched":         {own("ec2-gpu-instances-launched")},
	"ec2-password-data-requested":        {own("ec2-password-data-requested")},
	"ec2-security-group-open-to-world":   {{c: "open-security-group"}},
	"ec2-serial-console-enabled":         {own("ec2-serial-console-enabled")},
	"ec2-ssh-key-pushed":                 {own("ec2-ssh-key-pushed")},
	"ec2-user-data-modified":             {own("ec2-user-data-modified")},
	"ec2-user-data-read":                 {own("ec2-user-data-read")},
	"enumeration-burst":                  {own("enumeration-burst")},
	"guardduty-disabled":                 {own("guardduty-disabled")},
	"iam-access-key-for-another-user":    {{c: "ghost-admin", name: "CreateAccessKey"}},
	"iam-admin-policy-attached":          {own("iam-admin-policy-attached"), {c: "ghost-admin", name: "AttachUserPolicy"}},
	"iam-identity-provider-changed":      {own("iam-identity-provider-changed")},
	"iam-inline-policy-allows-all":       {own("iam-inline-policy-allows-all")},
	"iam-login-profile-for-another-user": {own("iam-login-profile-for-another-user")},
	"iam-mfa-device-removed":             {own("iam-mfa-device-removed")},
	"iam-password-policy-weakened":       {own("iam-password-policy-weakened")},
	"iam-role-trust-allows-account":      {own("iam-role-trust-allows-account")},
	"iam-role-trust-allows-anyone":       {own("iam-role-trust-allows-anyone")},
	"instance-credentials-outside-aws":   {own("instance-credentials-outside-aws")},
	"kms-key-deletion-scheduled":         {own("kms-key-deletion-scheduled")},
	"kms-key-disabled":                   {own("kms-key-disabled")},
	"lambda-code-updated":                {own("lambda-code-updated")},
	"lambda-layer-attached":              {own("lambda-layer-attached")},
	"lambda-permission-public":           {own("lambda-permission-public")},
	"monitoring-rule-disabled":           {own("monitoring-rule-disabled")},
	"organizations-left":                 {own("organizations-left")},
	"rds-master-password-changed":        {own("rds-master-password-changed")},
	"rds-snapshot-shared":                {own("rds-snapshot-shared")},
	"rolesanywhere-trust-anchor-created": {own("rolesanywhere-trust-anchor-created")},
	"root-activity":                      {{c: "root", name: "GetAccountSummary"}, {c: "root", name: "ListBuckets"}},
	"root-console-login":                 {{c: "root", name: "ConsoleLogin"}},
	"s3-bucket-acl-public":               {own("s3-bucket-acl-public")},
	"s3-bucket-deleted":                  {own("s3-bucket-deleted")},
	"s3-bucket-policy-public":            {own("s3-bucket-policy-public")},
	"s3-public-access-block-removed":     {own("s3-public-access-block-removed")},
	"secrets-batch-retrieved":            {own("secrets-batch-retrieved")},
	"secrets-read-in-bulk":               {own("secrets-read-in-bulk")},
	"securityhub-disabled":               {own("securityhub-disabled")},
	"ssm-send-command":                   {own("ssm-send-command")},
	"ssm-start-session":                  {own("ssm-start-session")},
	"sts-federation-token-unrestricted":  {own("sts-federation-token-unrestricted")},
	"unusual-region":                     {own("unusual-region")},
	"vpc-flow-logs-deleted":              {own("vpc-flow-logs-deleted")},
}

// regularAllowed says whether a rule may fire on a record that is not
// planted, computed in Go from the record: root-activity on gen's
// ordinary root console calls, lambda-code-updated on its ordinary
// deployments by IAM users.
func regularAllowed(rule string, r map[string]any) bool {
	_, invoked := str(r, "userIdentity", "invokedBy")
	_, failed := str(r, "errorCode")
	typ, _ := str(r, "userIdentity", "type")
	name, _ := str(r, "eventName")
	et, _ := str(r, "eventType")
	switch rule {
	case "root-activity":
		return typ == "Root" && !invoked && name != "ConsoleLogin" && et != "AwsServiceEvent"
	case "lambda-code-updated":
		return strings.HasPrefix(name, "UpdateFunctionCode") && (typ == "IAMUser" || typ == "Root") && !failed
	}
	return false
}

// str returns the string at a path of a decoded record.
func str(v any, path ...string) (string, bool) {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[k]; !ok {
			return "", false
		}
	}
	s, ok := v.(string)
	return s, ok
}

// genSet is a generated set: its records and who they are.
type genSet struct {
	dir     string
	stats   gen.Stats
	records []map[string]any
	ids     []string // eventID of each record
	plants  []gen.Plant
	// planted maps an eventID to its Plant.
	planted map[string]gen.Plant
}

const genSeed = 1

// generate writes a set of n events in a temporary folder and reads it.
func generate(t testing.TB, n int64) *genSet {
	t.Helper()
	dir := t.TempDir()
	st, err := gen.Generate(context.Background(), gen.Options{Dir: dir, Events: n, Seed: genSeed, Org: gen.DefaultOrg}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &genSet{dir: dir, stats: st, plants: gen.Plants(genSeed), planted: map[string]gen.Plant{}}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json.gz") {
			return err
		}
		recs, err := readLogFile(path)
		s.records = append(s.records, recs...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The records of gen/scenario.go have random ids: find them by name
	// and time, in the first account.
	day, _ := time.Parse(time.DateOnly, gen.ScenarioDay)
	type at struct{ name, time, typ string }
	byAt := map[at]gen.Plant{}
	for _, p := range s.plants {
		if p.EventID != "" {
			s.planted[p.EventID] = p
			continue
		}
		byAt[at{p.Name, day.Add(time.Duration(p.Time) * time.Second).Format(time.RFC3339), p.IdentityType}] = p
	}
	found := 0
	for _, r := range s.records {
		id, _ := str(r, "eventID")
		s.ids = append(s.ids, id)
		name, _ := str(r, "eventName")
		when, _ := str(r, "eventTime")
		acct, _ := str(r, "recipientAccountId")
		typ, _ := str(r, "userIdentity", "type")
		if p, ok := byAt[at{name, when, typ}]; ok && acct == st.Accounts[0] {
			if q, dup := s.planted[id]; dup {
				t.Fatalf("two planted records have eventID %s: %+v and %+v", id, q, p)
			}
			s.planted[id] = p
			found++
		}
	}
	if found != len(byAt) || len(s.planted) != gen.PlantedEvents {
		t.Fatalf("found %d of the %d records of gen/scenario.go, %d planted of %d", found, len(byAt), len(s.planted), gen.PlantedEvents)
	}
	return s
}

// readLogFile decodes one gzip {"Records":[...]} file.
func readLogFile(path string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var doc struct{ Records []map[string]any }
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc.Records, nil
}

// want returns the eventIDs the table says rule fires on.
func (s *genSet) want(t *testing.T, rule string) []string {
	t.Helper()
	sels, ok := wantFires[rule]
	if !ok {
		t.Fatalf("%s: not in wantFires", rule)
	}
	var ids []string
	for _, sl := range sels {
		n := 0
		for id, p := range s.planted {
			if p.Case == sl.c && p.Miss == sl.miss && (sl.name == "" || p.Name == sl.name) {
				ids = append(ids, id)
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no planted record is %+v", rule, sl)
		}
	}
	sort.Strings(ids)
	return ids
}

// fired evaluates every rule of the pack that runs on its own over
// records with package sigma and returns, per rule name, the indexes of
// the records it fires on (a correlation: the records of its groups).
func fired(t testing.TB, rules []*sigma.Rule, records []map[string]any) map[string][]int {
	t.Helper()
	quiet := quietRules(rules)
	byRef := sigma.Index(rules)
	out := map[string][]int{}
	for _, r := range rules {
		if quiet[r.Name] {
			continue
		}
		var hits []int
		if r.Correlation != nil {
			gs, err := sigma.Correlate(r, byRef, records)
			if err != nil {
				t.Fatalf("%s: %v", r.Name, err)
			}
			for _, g := range gs {
				hits = append(hits, g.Records...)
			}
		} else {
			for i, rec := range records {
				ok, err := sigma.Match(r, rec)
				if err != nil {
					t.Fatalf("%s: %v", r.Name, err)
				}
				if ok {
					hits = append(hits, i)
				}
			}
		}
		slices.Sort(hits)
		out[r.Name] = slices.Compact(hits)
	}
	return out
}

// TestPlanted checks, with the plain Go evaluator, that each rule fires on
// exactly the planted records wantFires gives it: its cases, not its near
// misses, and nothing else gen writes.
func TestPlanted(t *testing.T) {
	rules := loadPack(t)
	set := generate(t, 5000)
	got := fired(t, rules, set.records)
	for name := range wantFires {
		if _, ok := got[name]; !ok {
			t.Errorf("wantFires names %s, which is not a rule of the pack", name)
		}
	}
	for _, name := range slices.Sorted(mapKeys(got)) {
		checkFired(t, set, name, set.eventIDs(got[name]))
	}
}

// eventIDs returns the distinct eventIDs of the records at idx, sorted.
func (s *genSet) eventIDs(idx []int) []string {
	var ids []string
	for _, i := range idx {
		ids = append(ids, s.ids[i])
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// record returns a record with eventID id.
func (s *genSet) record(id string) map[string]any {
	for i, x := range s.ids {
		if x == id {
			return s.records[i]
		}
	}
	return nil
}

// checkFired compares the events rule name fired on (distinct eventIDs)
// with wantFires.
func checkFired(t *testing.T, set *genSet, name string, ids []string) {
	t.Helper()
	var planted []string
	regular := 0
	for _, id := range ids {
		if p, ok := set.planted[id]; ok {
			if p.Case == name && p.Miss {
				t.Errorf("%s fires on its near miss %s %s (%s)", name, p.Name, id, p.Case)
			}
			planted = append(planted, id)
			continue
		}
		r := set.record(id)
		if r == nil || !regularAllowed(name, r) {
			b, _ := json.Marshal(r)
			t.Errorf("%s fires on %s, a record that is not planted for it: %s", name, id, b)
		}
		regular++
	}
	if want := set.want(t, name); !slices.Equal(planted, want) {
		t.Errorf("%s fires on planted records\n%s\nwant\n%s", name, describe(set, planted), describe(set, want))
	}
	if name == "root-activity" || name == "lambda-code-updated" {
		// The ordinary records, counted in Go.
		seen := map[string]bool{}
		for i, r := range set.records {
			id := set.ids[i]
			if _, ok := set.planted[id]; !ok && regularAllowed(name, r) {
				seen[id] = true
			}
		}
		if regular != len(seen) || len(seen) == 0 {
			t.Errorf("%s fires on %d ordinary records, %d are what it looks for", name, regular, len(seen))
		}
	}
}

func describe(set *genSet, ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		p := set.planted[id]
		kind := "case"
		if p.Miss {
			kind = "near miss"
		}
		b.WriteString("  " + p.Case + " " + kind + " " + p.Name + " " + id + "\n")
	}
	return b.String()
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
