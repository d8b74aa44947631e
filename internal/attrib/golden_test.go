package attrib_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailsql/trailsql/internal/attrib"
	"github.com/trailsql/trailsql/internal/gen"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden pins whois's output for the planted key, the first chain of
// three sessions, and a chain that breaks.
func TestGolden(t *testing.T) {
	chain := col(t, `WITH i AS (
		  SELECT `+issued+` AS k, useridentity.accesskeyid AS ck FROM cloudtrail
		  WHERE eventsource = 'sts.amazonaws.com' AND responseelements IS NOT NULL)
		SELECT DISTINCT a.k FROM i a JOIN i b ON a.ck = b.k JOIN i c ON b.ck = c.k ORDER BY 1 LIMIT 1`)
	for name, who := range map[string]string{
		"ghost-key.txt":   gen.ScenarioGhostAccessKey,
		"three-hops.txt":  chain[0],
		"break.txt":       "ASIAFIXTUREORPHAN001",
		"sso-session.txt": "ASIAFIXTURESSO000001",
	} {
		var buf bytes.Buffer
		if err := attrib.Write(&buf, whois(t, who)); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("whois %s differs from %s (run with -update if the change is right):\n%s", who, golden, buf.String())
		}
	}
}
