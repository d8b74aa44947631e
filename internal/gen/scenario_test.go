package gen

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// checkScenarios checks that each planted scenario is in set exactly as
// documented, on day (yyyy-mm-dd), in the first account's us-east-1 files.
// The records of the detection scenarios (set generated with seed) are
// left out: checkDetections checks them.
func checkScenarios(t *testing.T, set *genSet, seed uint64, day string) {
	t.Helper()
	acct := set.stats.Accounts[0]
	type found struct {
		f *genFile
		r map[string]any
	}
	detection := map[string]bool{}
	for _, p := range Plants(seed) {
		if p.EventID != "" {
			detection[p.EventID] = true
		}
	}
	var all []found
	for i := range set.files {
		f := &set.files[i]
		for _, r := range f.recs {
			if !detection[str(r, "eventID")] {
				all = append(all, found{f, r})
			}
		}
	}
	// where checks that a scenario record is where scenarios go.
	where := func(x found) {
		t.Helper()
		r := x.r
		if x.f.k.Account != acct || x.f.k.Region != ScenarioRegion || !strings.HasPrefix(str(r, "eventTime"), day) ||
			str(r, "recipientAccountId") != acct || str(r, "awsRegion") != ScenarioRegion {
			t.Errorf("%s %s at %s in %s, want account %s, %s, %s", str(r, "eventSource"), str(r, "eventName"), str(r, "eventTime"), x.f.key, acct, ScenarioRegion, day)
		}
	}
	filter := func(pred func(r map[string]any) bool) []found {
		var out []found
		for _, x := range all {
			if pred(x.r) {
				out = append(out, x)
			}
		}
		return out
	}
	cidrs := func(perm any, set, item, field string) []string {
		var out []string
		items, _ := get(perm, set, "items").([]any)
		for _, it := range items {
			out = append(out, str(it, field))
		}
		_ = item
		return out
	}

	// (1) mallory opens ScenarioOpenedGroup to the world on port 23.
	sg := filter(func(r map[string]any) bool {
		return str(r, "eventName") == "AuthorizeSecurityGroupIngress" && str(r, "requestParameters", "groupId") == ScenarioOpenedGroup
	})
	if len(sg) != 1 {
		t.Fatalf("AuthorizeSecurityGroupIngress on %s: %d records, want 1", ScenarioOpenedGroup, len(sg))
	}
	where(sg[0])
	r := sg[0].r
	if str(r, "userIdentity", "type") != "IAMUser" || str(r, "userIdentity", "userName") != ScenarioMallory ||
		!strings.HasSuffix(str(r, "userIdentity", "arn"), ":user/"+ScenarioMallory) || str(r, "sourceIPAddress") != ScenarioAttackerIP {
		t.Errorf("security group opened by %v from %s", r["userIdentity"], str(r, "sourceIPAddress"))
	}
	perms, _ := get(r, "requestParameters", "ipPermissions", "items").([]any)
	if len(perms) != 1 {
		t.Fatalf("ipPermissions.items: %v", get(r, "requestParameters", "ipPermissions"))
	}
	p := perms[0]
	if str(p, "ipProtocol") != "tcp" || get(p, "fromPort") != float64(ScenarioOpenedPort) || get(p, "toPort") != float64(ScenarioOpenedPort) ||
		!slices.Contains(cidrs(p, "ipRanges", "items", "cidrIp"), "0.0.0.0/0") || !slices.Contains(cidrs(p, "ipv6Ranges", "items", "cidrIpv6"), "::/0") {
		t.Errorf("ipPermissions item: %v", p)
	}
	world := filter(func(r map[string]any) bool {
		if str(r, "eventName") != "AuthorizeSecurityGroupIngress" {
			return false
		}
		items, _ := get(r, "requestParameters", "ipPermissions", "items").([]any)
		for _, it := range items {
			if slices.Contains(cidrs(it, "ipRanges", "items", "cidrIp"), "0.0.0.0/0") {
				return true
			}
		}
		return false
	})
	if len(world) != 1 {
		t.Errorf("%d AuthorizeSecurityGroupIngress calls open a group to 0.0.0.0/0, want only the planted one", len(world))
	}
	mod := filter(func(r map[string]any) bool {
		return str(r, "eventName") == "ModifySecurityGroupRules" &&
			str(r, "requestParameters", "ModifySecurityGroupRulesRequest", "GroupId") == ScenarioModifiedGroup
	})
	if len(mod) != 1 {
		t.Fatalf("ModifySecurityGroupRules on %s: %d records", ScenarioModifiedGroup, len(mod))
	}
	where(mod[0])
	rule := get(mod[0].r, "requestParameters", "ModifySecurityGroupRulesRequest", "SecurityGroupRule")
	if str(rule, "SecurityGroupRuleId") != ScenarioModifiedRule || str(rule, "SecurityGroupRule", "CidrIpv4") != "0.0.0.0/0" ||
		get(rule, "SecurityGroupRule", "FromPort") != float64(ScenarioModifiedPort) || str(mod[0].r, "userIdentity", "userName") != ScenarioMallory {
		t.Errorf("ModifySecurityGroupRules request: %v", rule)
	}

	// (2) alice creates ghost-admin, makes it an administrator, gives it a
	// key, and the key is used.
	byAlice := func(name string) found {
		t.Helper()
		xs := filter(func(r map[string]any) bool {
			return str(r, "eventName") == name && str(r, "requestParameters", "userName") == ScenarioGhostUser
		})
		if len(xs) != 1 {
			t.Fatalf("%s for %s: %d records", name, ScenarioGhostUser, len(xs))
		}
		x := xs[0]
		where(x)
		if !strings.Contains(str(x.r, "userIdentity", "arn"), ScenarioAlice) || str(x.r, "userIdentity", "type") != "IAMUser" || str(x.r, "errorCode") != "" {
			t.Errorf("%s by %v", name, x.r["userIdentity"])
		}
		return x
	}
	byAlice("CreateUser")
	if att := byAlice("AttachUserPolicy"); str(att.r, "requestParameters", "policyArn") != ScenarioGhostPolicy {
		t.Errorf("AttachUserPolicy policy %s", str(att.r, "requestParameters", "policyArn"))
	}
	key := byAlice("CreateAccessKey")
	if str(key.r, "responseElements", "accessKey", "accessKeyId") != ScenarioGhostAccessKey || str(key.r, "responseElements", "accessKey", "status") != "Active" {
		t.Errorf("CreateAccessKey response: %v", key.r["responseElements"])
	}
	ghost := filter(func(r map[string]any) bool { return str(r, "userIdentity", "accessKeyId") == ScenarioGhostAccessKey })
	fromAttacker := 0
	for _, x := range ghost {
		where(x)
		if str(x.r, "userIdentity", "userName") != ScenarioGhostUser || str(x.r, "eventTime") <= str(key.r, "eventTime") {
			t.Errorf("ghost key used by %v at %s", x.r["userIdentity"], str(x.r, "eventTime"))
		}
		if str(x.r, "sourceIPAddress") == ScenarioAttackerIP {
			fromAttacker++
		}
	}
	if len(ghost) < 3 || fromAttacker == 0 {
		t.Errorf("ghost-admin's key used in %d records, %d from %s", len(ghost), fromAttacker, ScenarioAttackerIP)
	}

	// (3) anonymous reads of the public bucket.
	anon := filter(func(r map[string]any) bool { return str(r, "userIdentity", "accountId") == "ANONYMOUS_PRINCIPAL" })
	if len(anon) == 0 {
		t.Fatal("no anonymous requests")
	}
	for _, x := range anon {
		where(x)
		u, _ := x.r["userIdentity"].(map[string]any)
		if len(u) != 3 || u["type"] != "AWSAccount" || u["principalId"] != "" || u["arn"] != nil {
			t.Errorf("anonymous userIdentity %v", u)
		}
		if str(x.r, "eventName") != "GetObject" || str(x.r, "requestParameters", "bucketName") != ScenarioPublicBucket || str(x.r, "eventCategory") != "Data" {
			t.Errorf("anonymous %s on %s", str(x.r, "eventName"), str(x.r, "requestParameters", "bucketName"))
		}
	}

	// (4) a console login without MFA, and failed ones.
	noMFA := filter(func(r map[string]any) bool {
		return str(r, "eventName") == "ConsoleLogin" && str(r, "additionalEventData", "MFAUsed") == "No" && str(r, "responseElements", "ConsoleLogin") == "Success"
	})
	if len(noMFA) != 1 {
		t.Fatalf("successful ConsoleLogin without MFA: %d records, want 1", len(noMFA))
	}
	where(noMFA[0])
	if str(noMFA[0].r, "userIdentity", "userName") != ScenarioNoMFAUser || str(noMFA[0].r, "eventType") != "AwsConsoleSignIn" {
		t.Errorf("ConsoleLogin without MFA by %v", noMFA[0].r["userIdentity"])
	}
	failed := filter(func(r map[string]any) bool {
		return str(r, "eventName") == "ConsoleLogin" && str(r, "responseElements", "ConsoleLogin") == "Failure"
	})
	if len(failed) < 2 {
		t.Errorf("%d failed console logins", len(failed))
	}
	for _, x := range failed {
		where(x)
		if str(x.r, "errorMessage") != "Failed authentication" || str(x.r, "sourceIPAddress") != ScenarioBruteForceIP {
			t.Errorf("failed login: %s from %s", str(x.r, "errorMessage"), str(x.r, "sourceIPAddress"))
		}
	}

	// (5) StopLogging by a user, and root activity.
	stop := filter(func(r map[string]any) bool { return str(r, "eventName") == "StopLogging" })
	if len(stop) != 1 {
		t.Fatalf("StopLogging: %d records", len(stop))
	}
	where(stop[0])
	if str(stop[0].r, "userIdentity", "type") != "IAMUser" || !strings.HasSuffix(str(stop[0].r, "requestParameters", "name"), ":trail/"+ScenarioTrail) {
		t.Errorf("StopLogging by %v of %s", stop[0].r["userIdentity"], str(stop[0].r, "requestParameters", "name"))
	}
	rootLogin := filter(func(r map[string]any) bool {
		return str(r, "userIdentity", "type") == "Root" && str(r, "eventName") == "ConsoleLogin"
	})
	if len(rootLogin) != 1 {
		t.Errorf("root console logins: %d", len(rootLogin))
	} else {
		where(rootLogin[0])
	}
	if root := filter(func(r map[string]any) bool { return str(r, "userIdentity", "type") == "Root" }); len(root) < 3 {
		t.Errorf("root activity: %d records", len(root))
	}
}

// checkDetections checks that every record of Plants is in set once, on
// day, in the first account, in its region, with its name and time, and
// that the records of scenario.go are found by name and time.
func checkDetections(t *testing.T, set *genSet, seed uint64, day string) {
	t.Helper()
	acct := set.stats.Accounts[0]
	base, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	type at struct{ name, time, typ string }
	byID := map[string][]map[string]any{}
	byAt := map[at]int{}
	for _, f := range set.files {
		for _, r := range f.recs {
			byID[str(r, "eventID")] = append(byID[str(r, "eventID")], r)
			if str(r, "recipientAccountId") == acct {
				byAt[at{str(r, "eventName"), str(r, "eventTime"), str(r, "userIdentity", "type")}]++
			}
		}
	}
	plants := Plants(seed)
	if len(plants) != PlantedEvents {
		t.Fatalf("Plants: %d records, want %d", len(plants), PlantedEvents)
	}
	if set.stats.Scenario != int64(PlantedEvents) {
		t.Fatalf("Stats.Scenario %d, want %d", set.stats.Scenario, PlantedEvents)
	}
	cases := map[string]bool{}
	for _, p := range plants {
		when := base.Add(time.Duration(p.Time) * time.Second).Format(time.RFC3339)
		if p.EventID == "" {
			if n := byAt[at{p.Name, when, p.IdentityType}]; n != 1 {
				t.Errorf("%s %s at %s: %d records of %s", p.Case, p.Name, when, n, acct)
			}
			continue
		}
		cases[p.Case] = true
		rs := byID[p.EventID]
		if len(rs) != 1 {
			t.Errorf("%s %s: %d records with eventID %s", p.Case, p.Name, len(rs), p.EventID)
			continue
		}
		r := rs[0]
		if str(r, "eventName") != p.Name || str(r, "eventTime") != when || str(r, "awsRegion") != p.Region || str(r, "recipientAccountId") != acct {
			t.Errorf("%s: %s %s %s in %s, want %s %s %s in %s", p.Case, str(r, "eventName"), str(r, "eventTime"), str(r, "awsRegion"), str(r, "recipientAccountId"), p.Name, when, p.Region, acct)
		}
	}
	if len(cases) < 45 {
		t.Errorf("detection scenarios for %d rules, want at least 45", len(cases))
	}
}
