package tampering_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/tampering"
	"github.com/trailsql/trailsql/internal/trailtest"
)

const acct = "111122223333"

// event is one test record: its id, API call, request parameters and,
// when the call should be found, the reason expected ("" when it should
// not be found).
type event struct {
	id, source, name, params, errorCode, want string
}

var events = []event{
	{"e01", "cloudtrail", "StopLogging", `{"name":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}`, "", "trail stopped"},
	{"e02", "cloudtrail", "StopLogging", `{"name":"main"}`, "AccessDenied", ""},
	{"e03", "cloudtrail", "DeleteTrail", `{"name":"main"}`, "", "trail deleted"},
	{"e04", "cloudtrail", "UpdateTrail", `{"name":"main","s3BucketName":"attacker-bucket"}`, "", "delivery bucket set to attacker-bucket"},
	{"e05", "cloudtrail", "UpdateTrail", `{"name":"main","enableLogFileValidation":false,"isMultiRegionTrail":false}`, "", "log file validation disabled; multi-region logging off"},
	{"e06", "cloudtrail", "UpdateTrail", `{"name":"main","enableLogFileValidation":true}`, "", ""},
	{"e07", "cloudtrail", "PutEventSelectors", `{"eventSelectors":[{"dataResources":[],"excludeManagementEventSources":[],"includeManagementEvents":false,"readWriteType":"ReadOnly"}],"trailName":"main"}`, "", "management events off; only ReadOnly events"},
	{"e08", "cloudtrail", "PutEventSelectors", `{"eventSelectors":[{"dataResources":[],"excludeManagementEventSources":[],"includeManagementEvents":true,"readWriteType":"All"}],"trailName":"main"}`, "", ""},
	{"e09", "cloudtrail", "PutEventSelectors", `{"trailName":"main","advancedEventSelectors":[{"name":"S3 only","fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]}]}]}`, "", "advanced selectors without management events"},
	{"e10", "cloudtrail", "PutEventSelectors", `{"eventSelectors":[{"includeManagementEvents":true,"readWriteType":"All","excludeManagementEventSources":["kms.amazonaws.com"]}],"trailName":"main"}`, "", "management event sources excluded"},
	{"e11", "cloudtrail", "PutInsightSelectors", `{"trailName":"main","insightSelectors":[]}`, "", "Insights turned off"},
	{"e12", "cloudtrail", "PutInsightSelectors", `{"trailName":"main","insightSelectors":[{"insightType":"ApiCallRateInsight"},{"insightType":"ApiErrorRateInsight"}]}`, "", ""},
	{"e13", "cloudtrail", "PutInsightSelectors", `{"trailName":"main","insightSelectors":[{"insightType":"ApiErrorRateInsight"}]}`, "", "Insights reduced to ApiErrorRateInsight"},
	{"e14", "cloudtrail", "CreateTrail", `{"name":"org","s3BucketName":"org-trail-logs","isOrganizationTrail":true}`, "", ""},
	{"e15", "s3", "PutBucketLifecycle", `{"bucketName":"org-trail-logs","Host":"org-trail-logs.s3.amazonaws.com","lifecycle":"","LifecycleConfiguration":{"Rule":{"Expiration":{"Days":1},"ID":"x","Filter":{"Prefix":""},"Status":"Enabled"}}}`, "", "lifecycle rules that expire objects"},
	{"e16", "s3", "PutBucketLifecycle", `{"bucketName":"scratch","lifecycle":"","LifecycleConfiguration":{"Rule":{"Expiration":{"Days":1},"ID":"x","Status":"Enabled"}}}`, "", ""},
	{"e17", "s3", "PutBucketPolicy", `{"bucketName":"other-logs","policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\"}]}"}`, "", "bucket policy replaced"},
	{"e18", "s3", "PutBucketPolicy", `{"bucketName":"website","policy":"{\"Statement\":[]}"}`, "", ""},
	{"e19", "s3", "DeleteBucketPolicy", `{"bucketName":"org-trail-logs","policy":""}`, "", "bucket policy deleted"},
	{"e20", "s3", "PutBucketVersioning", `{"bucketName":"org-trail-logs","versioning":"","VersioningConfiguration":{"Status":"Suspended"}}`, "", "versioning suspended"},
	{"e21", "s3", "PutBucketVersioning", `{"bucketName":"org-trail-logs","versioning":"","VersioningConfiguration":{"Status":"Enabled"}}`, "", ""},
	{"e22", "s3", "DeleteObject", `{"bucketName":"any-bucket","key":"AWSLogs/o-abc1234567/111122223333/CloudTrail/us-east-1/2024/05/01/111122223333_CloudTrail_us-east-1_20240501T0005Z_x.json.gz"}`, "", "log objects deleted"},
	{"e23", "s3", "DeleteObject", `{"bucketName":"alb-logs","key":"AWSLogs/111122223333/elasticloadbalancing/us-east-1/2024/05/01/x.log.gz"}`, "", ""},
	{"e24", "s3", "DeleteObjects", `{"bucketName":"org-trail-logs","delete":"","Delete":{"Object":[{"Key":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/d.json.gz"}]}}`, "", "log objects deleted"},
	{"e25", "s3", "GetObject", `{"bucketName":"org-trail-logs","key":"AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/x.json.gz"}`, "", ""},
	{"e26", "s3", "PutBucketVersioning", `{"bucketName":"website","VersioningConfiguration":{"Status":"Suspended"}}`, "", ""},
	{"e27", "cloudtrail", "StopEventDataStoreIngestion", `{"eventDataStore":"arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE"}`, "", "event data store ingestion stopped"},
	{"e28", "cloudtrail", "DeleteEventDataStore", `{"eventDataStore":"EXAMPLE"}`, "", "event data store deleted"},
}

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// fixtureLake writes events as one CloudTrail file and ingests it.
func fixtureLake(t *testing.T) string {
	t.Helper()
	var recs []map[string]any
	for i, e := range events {
		r := map[string]any{
			"eventVersion": "1.08", "eventTime": t0.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			"eventSource": e.source + ".amazonaws.com", "eventName": e.name, "awsRegion": "us-east-1",
			"sourceIPAddress": "1.2.3.4", "userAgent": "aws-cli", "requestParameters": json.RawMessage(e.params),
			"eventID": e.id, "eventType": "AwsApiCall", "recipientAccountId": acct,
			"userIdentity": map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::" + acct + ":user/mallory", "accountId": acct},
		}
		if e.errorCode != "" {
			r["errorCode"] = e.errorCode
		}
		recs = append(recs, r)
	}
	b, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	src := filepath.Join(root, "AWSLogs", acct, "CloudTrail", "us-east-1", "2024", "05", "01")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, acct+"_CloudTrail_us-east-1_20240501T1230Z_fixture.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return ingestDir(t, root)
}

func ingestDir(t *testing.T, src string) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	lk, err := lake.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	s, err := source.NewLocal(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{s}, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, dir string, o tampering.Options) map[string][]string {
	t.Helper()
	ctx := context.Background()
	eng, err := query.Open(ctx, dir, query.Options{Conns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res, err := tampering.Find(ctx, eng, o)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range res.Columns {
		cols = append(cols, c.Name)
	}
	if got := strings.Join(cols, ","); got != "time,account,region,eventname,principal,sourceip,target,reason,severity,eventid" {
		t.Fatalf("columns %s", got)
	}
	out := map[string][]string{}
	for _, row := range res.Rows {
		id := fmt.Sprint(row[9])
		out[id] = []string{fmt.Sprint(row[7]), fmt.Sprint(row[8]), fmt.Sprint(row[6]), fmt.Sprint(row[3])}
	}
	return out
}

func TestFindFixture(t *testing.T) {
	dir := fixtureLake(t)
	got := run(t, dir, tampering.Options{})
	for _, e := range events {
		g, found := got[e.id]
		switch {
		case e.want == "" && found:
			t.Errorf("%s %s %s: found as %q, want nothing", e.id, e.name, e.params, g[0])
		case e.want != "" && !found:
			t.Errorf("%s %s %s: not found, want %q", e.id, e.name, e.params, e.want)
		case found && g[0] != e.want:
			t.Errorf("%s %s: reason %q, want %q", e.id, e.name, g[0], e.want)
		}
	}
	high := []string{}
	for id, g := range got {
		if g[1] == "high" {
			high = append(high, id)
		}
	}
	sort.Strings(high)
	if strings.Join(high, " ") != "e01 e03 e04 e05 e07 e22 e24 e28" {
		t.Errorf("high severity: %v", high)
	}
	if got["e01"][2] != "arn:aws:cloudtrail:us-east-1:111122223333:trail/main" || got["e15"][2] != "org-trail-logs" {
		t.Errorf("targets %v %v", got["e01"], got["e15"])
	}

	// A bucket named on the command line is a trail bucket.
	got = run(t, dir, tampering.Options{Buckets: []string{"website", "x"}})
	if got["e18"] == nil || got["e18"][0] != "bucket policy replaced" || got["e26"] == nil {
		t.Errorf("--bucket website: e18 %v, e26 %v", got["e18"], got["e26"])
	}
	// Time range and account.
	got = run(t, dir, tampering.Options{Since: t0.Add(2 * time.Minute), Until: t0.Add(4 * time.Minute)})
	if len(got) != 2 || got["e03"] == nil || got["e04"] == nil {
		t.Errorf("minutes 2 and 3: %v", got)
	}
	if got := run(t, dir, tampering.Options{Account: "999999999999"}); len(got) != 0 {
		t.Errorf("other account: %v", got)
	}
}

// TestFindGenerated: in generated data, the planted StopLogging is the only
// finding (the generator's DeleteObject calls remove load balancer logs).
func TestFindGenerated(t *testing.T) {
	src := t.TempDir()
	st, err := gen.Generate(context.Background(), gen.Options{Dir: src, Events: 3000, Accounts: 2, Regions: 2, Days: 3, Seed: 1,
		Start: time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC), Org: gen.DefaultOrg, Workers: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, ingestDir(t, src), tampering.Options{})
	if len(got) != 1 {
		t.Fatalf("findings %v, want the planted StopLogging only", got)
	}
	for _, g := range got {
		if g[0] != "trail stopped" || !strings.HasSuffix(g[2], ":trail/"+gen.ScenarioTrail) || !strings.Contains(g[2], st.Accounts[0]) {
			t.Errorf("finding %v", g)
		}
	}
}

// TestFindCorpus runs over the Stratus Red Team detonations of the shared
// corpus: the trail stopped, deleted, and its event selectors emptied.
func TestFindCorpus(t *testing.T) {
	corpus := trailtest.CorpusDir(t)
	src := t.TempDir()
	for _, name := range []string{"cloudtrail-stop", "cloudtrail-delete", "cloudtrail-event-selectors"} {
		b, err := os.ReadFile(filepath.Join(corpus, "stratus-red-team", "detonation-logs", "aws.defense-evasion."+name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(map[string]any{"Records": recs})
		if err := os.WriteFile(filepath.Join(src, name+".json"), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := run(t, ingestDir(t, src), tampering.Options{})
	var reasons []string
	for _, g := range got {
		reasons = append(reasons, g[3]+": "+g[0])
	}
	sort.Strings(reasons)
	want := "DeleteTrail: trail deleted|PutEventSelectors: management events off; only ReadOnly events|StopLogging: trail stopped"
	if strings.Join(reasons, "|") != want {
		t.Errorf("corpus findings:\n%s\nwant\n%s", strings.Join(reasons, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
}
