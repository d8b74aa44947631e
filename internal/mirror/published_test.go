package mirror

import "testing"

func TestPublished(t *testing.T) {
	f := func(rel string, want bool) {
		t.Helper()
		if got := published(rel); got != want {
			t.Fatalf("published(%q) = %v, want %v", rel, got, want)
		}
	}
	part := "cloudtrail/account=1/region=r/year=2024/month=01/day=02/"
	f(part+"part-abc.parquet", true)
	f(part+"_part-abc.tokens", true)
	f(part+"part-abc.tokens", false)      // not a sidecar: no leading _
	f(part+"_part-abc.tokens.tmp", false) // not a sidecar
	f(part+".tmp-_part-abc.tokens123", false)
	f(part+".tmp-part-abc.parquet123", false)
	f("_trailsql/quarantine/run/a.json", true)
	f("_trailsql/quarantine/run/.tmp-a.json", false)
	f("_trailsql/_part-abc.tokens", false)
	f("_trailsql/manifest.jsonl", false)
}
