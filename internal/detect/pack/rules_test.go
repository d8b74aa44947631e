package pack

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/sigma"
)

// tactics are the ATT&CK enterprise tactics, as Sigma tags spell them.
var tactics = []string{
	"reconnaissance", "resource-development", "initial-access", "execution", "persistence",
	"privilege-escalation", "defense-evasion", "credential-access", "discovery", "lateral-movement",
	"collection", "command-and-control", "exfiltration", "impact",
}

// techniques are the ATT&CK techniques the pack's tags name, with their
// names (ATT&CK v16), so that a typo in a tag fails.
var techniques = map[string]string{
	"t1021":     "Remote Services",
	"t1021.004": "Remote Services: SSH",
	"t1059":     "Command and Scripting Interpreter",
	"t1078.004": "Valid Accounts: Cloud Accounts",
	"t1087.004": "Account Discovery: Cloud Account",
	"t1098":     "Account Manipulation",
	"t1098.001": "Account Manipulation: Additional Cloud Credentials",
	"t1098.003": "Account Manipulation: Additional Cloud Roles",
	"t1110":     "Brute Force",
	"t1110.001": "Brute Force: Password Guessing",
	"t1484.002": "Domain or Tenant Policy Modification: Trust Modification",
	"t1485":     "Data Destruction",
	"t1496":     "Resource Hijacking",
	"t1530":     "Data from Cloud Storage",
	"t1535":     "Unused/Unsupported Cloud Regions",
	"t1537":     "Transfer Data to Cloud Account",
	"t1546":     "Event Triggered Execution",
	"t1550.001": "Use Alternate Authentication Material: Application Access Token",
	"t1552":     "Unsecured Credentials",
	"t1552.005": "Unsecured Credentials: Cloud Instance Metadata API",
	"t1555.006": "Credentials from Password Stores: Cloud Secrets Management Stores",
	"t1556":     "Modify Authentication Process",
	"t1556.006": "Modify Authentication Process: Multi-Factor Authentication",
	"t1562.001": "Impair Defenses: Disable or Modify Tools",
	"t1562.007": "Impair Defenses: Disable or Modify Cloud Firewall",
	"t1562.008": "Impair Defenses: Disable or Modify Cloud Logs",
	"t1565.001": "Data Manipulation: Stored Data Manipulation",
	"t1580":     "Cloud Infrastructure Discovery",
	"t1651":     "Cloud Administration Command",
	"t1666":     "Modify Cloud Resource Hierarchy",
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// loadPack returns the pack's rules, failing the test on any error.
func loadPack(t testing.TB) []*sigma.Rule {
	t.Helper()
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// quietRules are the rules that only a correlation counts (referenced by a
// correlation that does not generate them).
func quietRules(rules []*sigma.Rule) map[string]bool {
	byRef := sigma.Index(rules)
	quiet := map[string]bool{}
	for _, r := range rules {
		if r.Correlation != nil && !r.Correlation.Generate {
			for _, ref := range r.Correlation.Rules {
				if b := byRef[ref]; b != nil {
					quiet[b.Name] = true
				}
			}
		}
	}
	return quiet
}

func TestRules(t *testing.T) {
	rules := loadPack(t)
	quiet := quietRules(rules)
	if n := len(rules) - len(quiet); n < 45 {
		t.Errorf("%d rules, want at least 45", n)
	}
	ids, names := map[string]string{}, map[string]string{}
	levels := []string{"informational", "low", "medium", "high", "critical"}
	byRef := sigma.Index(rules)
	for _, r := range rules {
		where := r.File + ": " + r.Name
		if len(r.Unsupported) > 0 {
			t.Errorf("%s: unsupported: %s", where, strings.Join(r.Unsupported, "; "))
		}
		if err := sigma.Evaluable(r); err != nil {
			t.Errorf("%s: %v", where, err)
		}
		if !uuidRE.MatchString(r.ID) {
			t.Errorf("%s: id %q is not a random UUID", where, r.ID)
		}
		if prev, dup := ids[r.ID]; dup {
			t.Errorf("%s: id %s already used by %s", where, r.ID, prev)
		}
		ids[r.ID] = r.Name
		if r.Name == "" {
			t.Errorf("%s: no name", r.File)
		}
		if prev, dup := names[r.Name]; dup {
			t.Errorf("%s: name already used in %s", where, prev)
		}
		names[r.Name] = r.File
		if !quiet[r.Name] && path.Base(r.File) != r.Name+".yml" {
			t.Errorf("%s: a rule that runs on its own is in a file of another name", where)
		}
		for field, v := range map[string]string{"title": r.Title, "status": r.Status, "description": r.Description, "date": r.Date} {
			if v == "" {
				t.Errorf("%s: no %s", where, field)
			}
		}
		if r.Author != "trailsql" || r.Status != "test" || r.Date != "2026-12-08" {
			t.Errorf("%s: author %q, status %q, date %q", where, r.Author, r.Status, r.Date)
		}
		if !slices.Contains(levels, r.Level) {
			t.Errorf("%s: level %q", where, r.Level)
		}
		if len(r.FalsePositives) == 0 {
			t.Errorf("%s: no falsepositives", where)
		}
		if len(r.References) == 0 && !quiet[r.Name] {
			t.Errorf("%s: no references", where)
		}
		var tac, tech int
		for _, tag := range r.Tags {
			name, ok := strings.CutPrefix(tag, "attack.")
			switch {
			case !ok:
				t.Errorf("%s: tag %q is not an ATT&CK tag", where, tag)
			case slices.Contains(tactics, name):
				tac++
			case techniques[name] != "":
				tech++
			default:
				t.Errorf("%s: tag %q is no tactic and no known technique", where, tag)
			}
		}
		if tac == 0 || tech == 0 {
			t.Errorf("%s: tags %v want a tactic and a technique", where, r.Tags)
		}
		switch {
		case r.Correlation != nil:
			for _, ref := range r.Correlation.Rules {
				if byRef[ref] == nil {
					t.Errorf("%s: correlation refers to %q, which is not in the pack", where, ref)
				}
			}
		case r.Logsource.Product != "aws" || r.Logsource.Service != "cloudtrail":
			t.Errorf("%s: logsource %+v", where, r.Logsource)
		}
	}
}
