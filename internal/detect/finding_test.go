package detect

import (
	"slices"
	"testing"
)

func TestSplitTags(t *testing.T) {
	tactics, techniques := SplitTags([]string{
		"attack.defense-evasion", "attack.t1562.008", "attack.T1078",
		"attack.defense-evasion", "attack.defense_evasion", "attack.g0016", "attack.s0002", "cve.2021-1234", "detection.threat-hunting",
	})
	if want := []string{"defense-evasion"}; !slices.Equal(tactics, want) {
		t.Errorf("tactics = %q, want %q", tactics, want)
	}
	if want := []string{"T1562.008", "T1078"}; !slices.Equal(techniques, want) {
		t.Errorf("techniques = %q, want %q", techniques, want)
	}
}

func TestFindingKey(t *testing.T) {
	a := FindingKey("r1", "ev1", "")
	if a != FindingKey("r1", "ev1", "") {
		t.Fatal("key not stable")
	}
	for _, other := range []string{FindingKey("r1", "ev2", ""), FindingKey("r2", "ev1", ""), FindingKey("r1", "ev1", "w"), FindingKey("r1e", "v1", "")} {
		if other == a {
			t.Errorf("keys collide: %s", a)
		}
	}
}
