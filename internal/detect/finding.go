package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Finding is one thing a rule found: one event that a plain rule matched,
// or one group of events in one window that a correlation rule matched.
type Finding struct {
	// RuleID is the rule's id (a UUID in Sigma rules); Title its title.
	RuleID string `json:"rule_id"`
	Title  string `json:"title"`
	// Level is the rule's level: informational, low, medium, high or
	// critical.
	Level string `json:"level"`
	// Tactics and Techniques are the rule's MITRE ATT&CK tags, as
	// "attack.defense-evasion" and "attack.t1562.008" are split by
	// SplitTags: tactic names ("defense-evasion") and technique ids
	// ("T1562.008").
	Tactics    []string `json:"tactics"`
	Techniques []string `json:"techniques"`
	// First and Last are the times of the first and last event.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Account, Region, Principal (the user identity's ARN) and SourceIP
	// describe the first event.
	Account   string `json:"account"`
	Region    string `json:"region"`
	Principal string `json:"principal"`
	SourceIP  string `json:"source_ip"`
	// EventIDs are the ids of the events that make up the finding, in time
	// order (at most MaxEventIDs of them); Events counts them all.
	EventIDs []string `json:"event_ids"`
	Events   int64    `json:"events"`
	// Group is the correlation's group-by values ("field=value" joined by
	// ", "), empty for a plain rule.
	Group string `json:"group,omitempty"`
	// Key identifies the finding for dedup: see FindingKey.
	Key string `json:"key"`
	// Detected is when the finding was first recorded.
	Detected time.Time `json:"detected"`
}

// MaxEventIDs bounds Finding.EventIDs.
const MaxEventIDs = 100

// FindingKey is the dedup key of a finding: a hash of the rule id, the
// group and the window. For a plain rule the group is the event id and the
// window is empty; for a correlation the window is the start of its
// timespan-aligned window. The same events evaluated twice give the same
// keys.
func FindingKey(ruleID, group, window string) string {
	h := sha256.New()
	for _, s := range []string{ruleID, group, window} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// SplitTags splits Sigma tags into MITRE ATT&CK tactics and technique ids:
// "attack.t1562.008" is technique "T1562.008", "attack.defense-evasion" is
// tactic "defense-evasion"; other tags (cve., car., detection.) are left
// out; the older spelling with underscores (privilege_escalation) is
// read as the current one. Order is kept and duplicates dropped.
func SplitTags(tags []string) (tactics, techniques []string) {
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		rest, ok := strings.CutPrefix(t, "attack.")
		rest = strings.ReplaceAll(rest, "_", "-") // older rules: privilege_escalation
		if !ok || rest == "" || seen[rest] {
			continue
		}
		seen[rest] = true
		if isTechnique(rest) {
			techniques = append(techniques, strings.ToUpper(rest))
		} else if !strings.HasPrefix(rest, "g") && !strings.HasPrefix(rest, "s0") {
			tactics = append(tactics, rest)
		}
	}
	return tactics, techniques
}

// isTechnique reports whether s looks like t1234 or t1234.001.
func isTechnique(s string) bool {
	if len(s) < 5 || s[0] != 't' {
		return false
	}
	for i, c := range s[1:] {
		if c == '.' && i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
