package report_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestCorpus runs every report on the real events of ../shared/corpus,
// and checks the answers the corpus holds.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a lake of the corpus")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lake")
	lk, err := lake.Open(ctx, dir, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	src, err := source.NewLocal(trailtest.CorpusDir(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{src}, Now: fixedNow})
	lk.Close()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := query.Open(ctx, dir, query.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()

	required := map[string]string{"principal": "Alice", "ip": "89.160.20.156", "user": "Alice"}
	answers := map[string][]map[string]string{}
	for _, r := range loadLib(t).Reports() {
		params := map[string]string{}
		for _, p := range r.Params {
			if p.Required {
				params[p.Name] = required[p.Name]
			}
		}
		run, err := r.Run(ctx, eng, report.Inputs{Params: params, Now: fixedNow})
		if err != nil {
			t.Errorf("report %s on the corpus: %v", r.Name, err)
			continue
		}
		answers[r.Name] = rowMaps(run)
	}

	f := func(name string, want map[string]string) {
		t.Helper()
		if !has(answers[name], want) {
			t.Errorf("%s: no row with %v among %d", name, want, len(answers[name]))
		}
	}
	// Three request shapes: ipPermissions.items with ipRanges.items, the
	// same with IPv6 and every protocol, and plain lists (no items).
	f("security-group-opened-to-world", map[string]string{"group_id": "sg-0d921df5d84f7270a", "ports": "22", "cidr": "0.0.0.0/0"})
	f("security-group-opened-to-world", map[string]string{"group_id": "sg-0abcdef1234567890", "ports": "80", "cidr": "0.0.0.0/0", "who": "arn:aws:iam::123456789012:user/Bob"})
	f("security-group-opened-to-world", map[string]string{"ports": "all", "cidr": "::/0"})
	f("s3-bucket-made-public", map[string]string{"eventname": "PutBucketPolicy", "bucket": "example-bucket", "how": "policy allows Principal *"})
	f("s3-bucket-made-public", map[string]string{"eventname": "DeleteAccountPublicAccessBlock", "how": "public access block deleted"})
	f("cloudtrail-tampering", map[string]string{"eventname": "StopLogging", "trail": "arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail"})
	f("cloudtrail-tampering", map[string]string{"eventname": "DeleteTrail", "trail": "example-trail"})
	f("snapshot-ami-shared", map[string]string{"eventname": "ModifyImageAttribute", "shared": "ami-6eb72111", "shared_with": `{"items":[{"group":"all"}]}`})
	f("console-login-without-mfa", map[string]string{"who": "arn:aws:iam::111122223333:user/JohnDoe"})
	f("kms-key-deletion", map[string]string{"eventname": "DisableKey", "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"})
	for _, name := range []string{"root-activity", "security-tooling-disabled", "iam-privilege-changes", "new-access-keys", "mfa-removed", "identity-provider-changes", "instance-user-data-changes", "user-creator"} {
		if len(answers[name]) == 0 {
			t.Errorf("%s: no rows on the corpus", name)
		}
	}
	for _, r := range answers["root-activity"] {
		if !strings.Contains(r["who"], "root") && r["who"] != "NULL" {
			t.Logf("root-activity row without root in its ARN: %v", r["who"])
		}
	}
}
