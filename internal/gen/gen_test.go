package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// genFile is one generated file, read back with encoding/json.
type genFile struct {
	key  string // slash-separated, relative to the output folder
	k    cloudtrail.Key
	raw  []json.RawMessage
	recs []map[string]any
}

type genSet struct {
	stats Stats
	files []genFile
}

func (s *genSet) records() []map[string]any {
	var out []map[string]any
	for _, f := range s.files {
		out = append(out, f.recs...)
	}
	return out
}

// generate runs Generate into a temporary folder and reads every file back.
func generate(t testing.TB, o Options) *genSet {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	st, err := Generate(context.Background(), o, nil)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	set := &genSet{stats: st}
	err = filepath.WalkDir(o.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(o.Dir, path)
		key := filepath.ToSlash(rel)
		data, err := readGzip(path)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(data, &top); err != nil {
			t.Fatalf("%s: not JSON: %v", key, err)
		}
		if len(top) != 1 || top["Records"] == nil {
			t.Fatalf("%s: want exactly {\"Records\":[...]}, got keys %v", key, keys(top))
		}
		f := genFile{key: key, k: cloudtrail.ParseKey(key)}
		if err := json.Unmarshal(top["Records"], &f.raw); err != nil {
			t.Fatalf("%s: Records is not an array: %v", key, err)
		}
		for i, r := range f.raw {
			var m map[string]any
			if err := json.Unmarshal(r, &m); err != nil {
				t.Fatalf("%s: record %d: %v", key, i, err)
			}
			f.recs = append(f.recs, m)
		}
		set.files = append(set.files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// get walks a path of object members in a decoded record.
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

// readDir returns every file under dir, by relative path.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	o := Options{Events: 3000, Accounts: 2, Regions: 2, Days: 2, Seed: 7, Org: DefaultOrg}
	run := func(seed uint64, workers int) map[string][]byte {
		o := o
		o.Dir, o.Seed, o.Workers = t.TempDir(), seed, workers
		if _, err := Generate(context.Background(), o, nil); err != nil {
			t.Fatal(err)
		}
		return readDir(t, o.Dir)
	}
	a, b := run(7, 1), run(7, 4)
	if len(a) == 0 {
		t.Fatal("no files written")
	}
	if len(a) != len(b) {
		t.Fatalf("same options: %d files, then %d", len(a), len(b))
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			t.Fatalf("same options, different bytes in %s", k)
		}
	}
	c := run(8, 4)
	same := 0
	for k, v := range c {
		if bytes.Equal(v, a[k]) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seed 8 wrote %d files identical to seed 7's", same)
	}
}

func TestGenerate20000(t *testing.T) {
	const n = 20000
	set := generate(t, Options{Events: n, Seed: 1, Org: DefaultOrg})
	recs := set.records()
	st := set.stats

	t.Run("counts", func(t *testing.T) {
		if len(recs) != n || st.Events != n {
			t.Errorf("records: read %d, Stats.Events %d, want %d", len(recs), st.Events, n)
		}
		if int(st.Files) != len(set.files) {
			t.Errorf("Stats.Files %d, found %d", st.Files, len(set.files))
		}
		if len(st.Accounts) != DefaultAccounts {
			t.Errorf("accounts %v", st.Accounts)
		}
		if st.Scenario != int64(PlantedEvents) {
			t.Errorf("Stats.Scenario %d, want %d", st.Scenario, PlantedEvents)
		}
		per := st.JSONBytes / st.Events
		if per < 700 || per > 1500 {
			t.Errorf("%d bytes of JSON per record, want about 1 KB", per)
		}
	})

	t.Run("keys", func(t *testing.T) {
		// The planted record of an unusual region has a file of its own.
		regions := append(Regions(DefaultRegions), ScenarioUnusualRegion)
		name := regexp.MustCompile(`^(\d{12})_(CloudTrail|CloudTrail-Insight)_([a-z0-9-]+)_(\d{8})T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`)
		timeRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
		for _, f := range set.files {
			k := f.k
			if k.Kind != cloudtrail.KeyLog && k.Kind != cloudtrail.KeyInsight {
				t.Fatalf("%s: kind %v", f.key, k.Kind)
			}
			if k.Org != DefaultOrg || !slices.Contains(st.Accounts, k.Account) || !slices.Contains(regions, k.Region) || k.Date.IsZero() {
				t.Fatalf("%s: parsed as %+v", f.key, k)
			}
			m := name.FindStringSubmatch(k.Name)
			if m == nil || m[1] != k.Account || m[3] != k.Region || m[4] != k.Date.Format("20060102") {
				t.Fatalf("%s: file name does not match its folder", f.key)
			}
			if (m[2] == "CloudTrail-Insight") != (k.Kind == cloudtrail.KeyInsight) {
				t.Fatalf("%s: file name kind does not match the folder", f.key)
			}
			if len(f.recs) == 0 || len(f.recs) > perFiveMinutes {
				t.Fatalf("%s: %d records", f.key, len(f.recs))
			}
			prev := ""
			for _, r := range f.recs {
				et := str(r, "eventTime")
				if !timeRE.MatchString(et) {
					t.Fatalf("%s: eventTime %q", f.key, et)
				}
				if str(r, "recipientAccountId") != k.Account || str(r, "awsRegion") != k.Region || et[:10] != k.Date.Format(time.DateOnly) {
					t.Fatalf("%s: record of %s %s %s", f.key, str(r, "recipientAccountId"), str(r, "awsRegion"), et)
				}
				if et < prev {
					t.Fatalf("%s: records out of time order", f.key)
				}
				prev = et
				insight := str(r, "eventType") == "AwsCloudTrailInsight"
				if insight != (k.Kind == cloudtrail.KeyInsight) {
					t.Fatalf("%s: eventType %s in a %v file", f.key, str(r, "eventType"), k.Kind)
				}
			}
		}
	})

	t.Run("identities", func(t *testing.T) {
		types := map[string]int{}
		for _, r := range recs {
			types[str(r, "userIdentity", "type")]++
		}
		for _, want := range []string{"IAMUser", "AssumedRole", "Root", "AWSService", "AWSAccount", "FederatedUser", "SAMLUser", "WebIdentityUser", "IdentityCenterUser"} {
			if types[want] == 0 {
				t.Errorf("no userIdentity of type %s (have %v)", want, types)
			}
		}
		var issuer, web, invoked, ic, ec2 bool
		for _, r := range recs {
			u := get(r, "userIdentity")
			switch str(u, "type") {
			case "AssumedRole":
				if str(u, "sessionContext", "sessionIssuer", "type") != "Role" || str(u, "sessionContext", "attributes", "creationDate") == "" {
					t.Fatalf("AssumedRole without sessionIssuer/attributes: %v", u)
				}
				if !strings.HasPrefix(str(u, "accessKeyId"), "ASIA") {
					t.Fatalf("AssumedRole key %q", str(u, "accessKeyId"))
				}
				issuer = true
				web = web || str(u, "sessionContext", "webIdFederationData", "federatedProvider") != ""
				ec2 = ec2 || str(u, "sessionContext", "ec2RoleDelivery") == "2.0"
			case "AWSService":
				invoked = invoked || strings.HasSuffix(str(u, "invokedBy"), ".amazonaws.com")
			case "IdentityCenterUser":
				if str(u, "onBehalfOf", "userId") == "" || !strings.HasPrefix(str(u, "onBehalfOf", "identityStoreArn"), "arn:aws:identitystore::") || str(u, "credentialId") == "" {
					t.Fatalf("IdentityCenterUser shape: %v", u)
				}
				ic = true
			}
		}
		if !issuer || !web || !invoked || !ic || !ec2 {
			t.Errorf("sessionIssuer %v, webIdFederationData %v, invokedBy %v, onBehalfOf %v, ec2RoleDelivery %v", issuer, web, invoked, ic, ec2)
		}
	})

	t.Run("fields", func(t *testing.T) {
		versions := map[string]bool{}
		var errs, console, reqNull, reqObj, respNull, respObj, shared, vpce, tls int
		codes := map[string]bool{}
		ips, uas := map[string]bool{}, map[string]bool{}
		for _, r := range recs {
			versions[str(r, "eventVersion")] = true
			if v, ok := r["readOnly"]; ok {
				if _, isBool := v.(bool); !isBool {
					t.Fatalf("readOnly %#v is not a JSON boolean", v)
				}
			}
			if v, ok := r["managementEvent"]; ok {
				if _, isBool := v.(bool); !isBool {
					t.Fatalf("managementEvent %#v is not a JSON boolean", v)
				}
			}
			if v, ok := r["sessionCredentialFromConsole"]; ok {
				if v != "true" {
					t.Fatalf("sessionCredentialFromConsole %#v, want the string \"true\"", v)
				}
				console++
			}
			if c := str(r, "errorCode"); c != "" {
				errs++
				codes[c] = true
			}
			if v, ok := r["requestParameters"]; ok {
				if v == nil {
					reqNull++
				} else {
					reqObj++
				}
			}
			if v, ok := r["responseElements"]; ok {
				if v == nil {
					respNull++
				} else {
					respObj++
				}
			}
			if str(r, "sharedEventID") != "" {
				shared++
			}
			if strings.HasPrefix(str(r, "vpcEndpointId"), "vpce-") {
				vpce++
			}
			if str(r, "tlsDetails", "clientProvidedHostHeader") != "" {
				tls++
			}
			if ip := str(r, "sourceIPAddress"); ip != "" {
				ips[ip] = true
			}
			uas[str(r, "userAgent")] = true
		}
		for _, v := range []string{"1.08", "1.09", "1.10", "1.11"} {
			if !versions[v] {
				t.Errorf("no eventVersion %s", v)
			}
		}
		if rate := float64(errs) / float64(len(recs)); rate < 0.01 || rate > 0.08 {
			t.Errorf("error rate %.3f, want a few percent", rate)
		}
		for _, c := range []string{"AccessDenied", "Client.UnauthorizedOperation", "NoSuchBucket", "ThrottlingException", "AccessDeniedException"} {
			if !codes[c] {
				t.Errorf("no errorCode %s", c)
			}
		}
		if console == 0 || reqNull == 0 || reqObj == 0 || respNull == 0 || respObj == 0 || shared == 0 || vpce == 0 || tls == 0 {
			t.Errorf("console %d, requestParameters null %d / object %d, responseElements null %d / object %d, sharedEventID %d, vpcEndpointId %d, tlsDetails %d",
				console, reqNull, reqObj, respNull, respObj, shared, vpce, tls)
		}
		if len(ips) < 200 || len(uas) < 150 {
			t.Errorf("%d source addresses and %d user agents, want a few hundred", len(ips), len(uas))
		}
	})

	t.Run("data events", func(t *testing.T) {
		var s3, lambda int
		for _, r := range recs {
			if str(r, "eventCategory") != "Data" {
				continue
			}
			if r["managementEvent"] != false {
				t.Fatalf("data event with managementEvent %v", r["managementEvent"])
			}
			res, _ := r["resources"].([]any)
			switch str(r, "eventName") {
			case "GetObject", "PutObject":
				if len(res) != 2 || str(res[0], "type") != "AWS::S3::Object" || str(res[1], "type") != "AWS::S3::Bucket" ||
					str(res[1], "accountId") == "" || !strings.HasPrefix(str(res[1], "ARN"), "arn:aws:s3:::") {
					t.Fatalf("S3 object event resources: %v", res)
				}
				s3++
			case "Invoke":
				if len(res) != 1 || str(res[0], "type") != "AWS::Lambda::Function" || str(res[0], "accountId") == "" {
					t.Fatalf("Lambda Invoke resources: %v", res)
				}
				lambda++
			}
		}
		if s3 == 0 || lambda == 0 {
			t.Errorf("S3 object events %d, Lambda Invoke %d", s3, lambda)
		}
	})

	t.Run("access keys", func(t *testing.T) {
		// Every temporary key used by a role or federated session was
		// issued by an earlier STS call in the set.
		issued := map[string]string{}
		for _, r := range recs {
			if str(r, "eventSource") != "sts.amazonaws.com" {
				continue
			}
			if k := str(r, "responseElements", "credentials", "accessKeyId"); k != "" {
				if prev, ok := issued[k]; !ok || str(r, "eventTime") < prev {
					issued[k] = str(r, "eventTime")
				}
			}
		}
		used := 0
		for _, r := range recs {
			typ := str(r, "userIdentity", "type")
			if typ != "AssumedRole" && typ != "FederatedUser" {
				continue
			}
			k := str(r, "userIdentity", "accessKeyId")
			at, ok := issued[k]
			if !ok {
				t.Fatalf("key %s of %s is not issued by any STS call", k, str(r, "userIdentity", "arn"))
			}
			if at > str(r, "eventTime") {
				t.Fatalf("key %s used at %s before it was issued at %s", k, str(r, "eventTime"), at)
			}
			used++
		}
		var chained, cross int
		for _, r := range recs {
			if str(r, "eventName") != "AssumeRole" || str(r, "userIdentity", "type") != "AssumedRole" {
				continue
			}
			chained++
			res, _ := r["resources"].([]any)
			if len(res) == 1 && str(res[0], "accountId") != str(r, "userIdentity", "accountId") {
				cross++
			}
		}
		if used == 0 || chained == 0 || cross == 0 {
			t.Errorf("session records %d, role chaining %d, cross-account %d", used, chained, cross)
		}
		// A cross-account AssumeRole is delivered to both accounts: same
		// request and sharedEventID, its own eventID and recipient.
		pairs := map[string][]map[string]any{}
		for _, r := range recs {
			if str(r, "eventName") == "AssumeRole" && str(r, "sharedEventID") != "" {
				pairs[str(r, "sharedEventID")] = append(pairs[str(r, "sharedEventID")], r)
			}
		}
		both := 0
		for _, id := range keys(pairs) {
			p := pairs[id]
			if len(p) != 2 {
				continue
			}
			both++
			a, b := p[0], p[1]
			if str(a, "requestID") != str(b, "requestID") || str(a, "eventID") == str(b, "eventID") ||
				str(a, "recipientAccountId") == str(b, "recipientAccountId") || str(a, "awsRegion") != str(b, "awsRegion") ||
				str(a, "responseElements", "credentials", "accessKeyId") != str(b, "responseElements", "credentials", "accessKeyId") {
				t.Errorf("copies of a cross-account AssumeRole differ: %v / %v", a, b)
			}
		}
		if both == 0 {
			t.Error("no cross-account AssumeRole delivered to both accounts")
		}
	})

	t.Run("duplicates", func(t *testing.T) {
		seen := map[string]string{}
		dups := 0
		for _, f := range set.files {
			for _, r := range f.raw {
				if prev, ok := seen[string(r)]; ok {
					dups++
					if prev == f.key {
						t.Errorf("duplicate within one file %s", f.key)
					}
					continue
				}
				seen[string(r)] = f.key
			}
		}
		if dups == 0 || int64(dups) != st.Duplicates {
			t.Errorf("found %d duplicate records, Stats.Duplicates %d", dups, st.Duplicates)
		}
		if dups > n/500 {
			t.Errorf("%d duplicates, want about 0.1%%", dups)
		}
	})

	t.Run("insights", func(t *testing.T) {
		var starts, ends int
		for _, r := range recs {
			if str(r, "eventType") != "AwsCloudTrailInsight" {
				continue
			}
			if str(r, "eventCategory") != "Insight" || str(r, "insightDetails", "insightType") == "" || get(r, "insightDetails", "insightContext", "statistics", "baseline", "average") == nil {
				t.Fatalf("Insights record shape: %v", r)
			}
			switch str(r, "insightDetails", "state") {
			case "Start":
				starts++
			case "End":
				ends++
			}
		}
		if starts == 0 || starts != ends || int64(starts+ends) != st.Insights {
			t.Errorf("Insights: %d Start, %d End, Stats.Insights %d", starts, ends, st.Insights)
		}
	})

	t.Run("decode", func(t *testing.T) {
		kept := 0
		for _, f := range set.files {
			for _, r := range f.raw {
				e, err := cloudtrail.DecodeEvent(r)
				if err != nil {
					t.Fatalf("%s: %v", f.key, err)
				}
				if e.Raw != nil {
					kept++
				}
			}
		}
		if kept > 0 {
			t.Errorf("%d records could not be rebuilt from their columns", kept)
		}
	})

	t.Run("scenarios", func(t *testing.T) {
		checkScenarios(t, set, 1, "2019-09-30")
	})
	t.Run("detections", func(t *testing.T) {
		checkDetections(t, set, 1, "2019-09-30")
	})
}

func TestOptionsValidate(t *testing.T) {
	err := Options{Events: -1, Accounts: 1001, Regions: 99, Days: -2, Org: "org-1", Start: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)}.Validate()
	var oe *OptionsError
	if !errors.As(err, &oe) {
		t.Fatalf("Validate: %v, want an *OptionsError", err)
	}
	if len(oe.Problems) != 7 {
		t.Errorf("want 7 problems (folder, events, accounts, regions, days, start, org), got %d: %v", len(oe.Problems), oe)
	}
	if err := (Options{Dir: "x", Events: 10}).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	for _, w := range []time.Duration{-time.Minute, 30 * time.Second, 7 * time.Minute, 90 * time.Second, 48 * time.Hour} {
		if err := (Options{Dir: "x", Window: w}).Validate(); !errors.As(err, &oe) || len(oe.Problems) != 1 {
			t.Errorf("window %s: %v, want one problem", w, err)
		}
	}
	if _, err := Generate(context.Background(), Options{Events: -5}, nil); !errors.As(err, &oe) {
		t.Errorf("Generate with bad options: %v", err)
	}
}

func TestExactCounts(t *testing.T) {
	for _, n := range []int64{1, 7, 150, 999, 4321} {
		set := generate(t, Options{Events: n, Accounts: 2, Regions: 4, Days: 1, Seed: uint64(n), Org: DefaultOrg})
		if got := len(set.records()); int64(got) != n || set.stats.Events != n {
			t.Errorf("events %d: read %d records, Stats.Events %d", n, got, set.stats.Events)
		}
		if wantScenario := n >= ScenarioMinEvents; (set.stats.Scenario > 0) != wantScenario {
			t.Errorf("events %d: %d scenario records", n, set.stats.Scenario)
		}
	}
	dir := t.TempDir()
	st, err := Generate(context.Background(), Options{Dir: dir, Events: 0}, nil)
	if err != nil || st.Files != 0 || st.Events != 0 {
		t.Errorf("zero events: %+v, %v", st, err)
	}
}

func TestWindow(t *testing.T) {
	// One account and region, an hour's window: one file an hour of up
	// to 3,000 records (250 per five minutes), named after the window's
	// end, with no record after it (a duplicate delivery repeats an
	// earlier window's record).
	const n = 30000
	set := generate(t, Options{Events: n, Accounts: 1, Regions: 1, Days: 2, Seed: 2, Window: time.Hour})
	if got := len(set.records()); got != n {
		t.Fatalf("read %d records, want %d", got, n)
	}
	logs := 0
	hours := map[string]bool{}
	for _, f := range set.files {
		if f.k.Kind != cloudtrail.KeyLog {
			continue
		}
		logs++
		if len(f.recs) > 12*perFiveMinutes {
			t.Errorf("%s: %d records", f.key, len(f.recs))
		}
		// ..._20190928T0100Z_...: the window 00:00-01:00.
		stamp := f.k.Name[strings.Index(f.k.Name, "_2019")+1:][:14]
		if stamp[11:13] != "00" && stamp[11:13] != "59" {
			t.Fatalf("%s: file time %s is not a window's end", f.key, stamp)
		}
		if hours[f.k.Region+stamp] {
			t.Errorf("%s: a second file for the window ending %s", f.key, stamp)
		}
		hours[f.k.Region+stamp] = true
		end, _ := time.Parse("20060102T1504Z", stamp)
		for _, r := range f.recs {
			et, err := time.Parse(time.RFC3339, str(r, "eventTime"))
			if err != nil || !et.Before(end.Add(time.Minute)) {
				t.Fatalf("%s: eventTime %s after its window", f.key, str(r, "eventTime"))
			}
		}
	}
	if logs != 48+1 {
		t.Errorf("%d log files, want 48 (one an hour) and the planted one of %s", logs, ScenarioUnusualRegion)
	}
}

func TestScenarioDayFallback(t *testing.T) {
	// 2020-01-01 does not cover ScenarioDay: the scenarios move to the
	// first day.
	set := generate(t, Options{Events: DetectionMinEvents, Accounts: 1, Regions: 1, Days: 2, Seed: 3, Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	checkScenarios(t, set, 3, "2020-01-01")
	checkDetections(t, set, 3, "2020-01-01")
	// Below DetectionMinEvents, the scenarios of scenario.go only.
	set = generate(t, Options{Events: 1500, Accounts: 1, Regions: 1, Days: 2, Seed: 3, Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	checkScenarios(t, set, 3, "2020-01-01")
	if set.stats.Scenario != ScenarioEvents {
		t.Errorf("1500 events: Stats.Scenario %d, want %d", set.stats.Scenario, ScenarioEvents)
	}
	for _, f := range set.files {
		if f.k.Org != "" || !strings.HasPrefix(f.key, "AWSLogs/"+set.stats.Accounts[0]+"/CloudTrail") {
			t.Fatalf("plain layout expected, got %s", f.key)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	files := 0
	_, err := Generate(ctx, Options{Dir: t.TempDir(), Events: 200000, Seed: 1}, func(s Stats) {
		files++
		if s.Files >= 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Generate after cancel: %v", err)
	}
	if files > 1000 {
		t.Errorf("%d files written after cancel", files)
	}
}

func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	var st Stats
	runs := 0
	for b.Loop() {
		runs++
		var err error
		// One day of two accounts in two regions: files of about 170
		// records, as a busy trail writes them.
		st, err = Generate(context.Background(), Options{Dir: filepath.Join(dir, "run"), Events: 200000, Accounts: 2, Regions: 2, Days: 1, Seed: 1, Org: DefaultOrg}, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(filepath.Join(dir, "run"))
		b.StartTimer()
	}
	b.SetBytes(st.JSONBytes)
	b.ReportMetric(float64(st.Events)*float64(runs)/b.Elapsed().Seconds(), "events/s")
}
