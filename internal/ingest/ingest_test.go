package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

var day = time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC)

func run(t *testing.T, lakeDir string, opts ingest.Options, paths ...string) ingest.Summary {
	t.Helper()
	for _, p := range paths {
		src, err := source.NewLocal(p)
		if err != nil {
			t.Fatal(err)
		}
		opts.Sources = append(opts.Sources, src)
	}
	lk, err := lake.Open(context.Background(), lakeDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	sum, err := ingest.Run(context.Background(), lk, opts)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return sum
}

// lakeEvents reads every event stored in a lake.
func lakeEvents(t *testing.T, dir string) []*cloudtrail.Event {
	t.Helper()
	files, err := lake.ListFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []*cloudtrail.Event
	for _, f := range files {
		evs, err := lake.ReadEvents(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
	}
	return out
}

func assertNoDuplicates(t *testing.T, evs []*cloudtrail.Event) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range evs {
		id := *e.EventID
		if seen[id] {
			t.Fatalf("eventID %s stored twice", id)
		}
		seen[id] = true
	}
}

func TestIncremental(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	n := trailtest.WriteTrail(t, src, trailtest.Trail{Org: "o-abc123", Accounts: []string{"111111111111", "222222222222"},
		Regions: []string{"us-east-1", "eu-west-1"}, Start: day, Days: 2, Files: 3, Events: 20, Seed: 1})

	s1 := run(t, lk, ingest.Options{}, src)
	if s1.New != 24 || s1.Written != n || s1.Duplicates != 0 {
		t.Fatalf("first run: %+v, want 24 objects and %d events", s1, n)
	}
	s2 := run(t, lk, ingest.Options{}, src)
	if !s2.NothingNew() || s2.Unchanged != 24 || s2.Written != 0 {
		t.Fatalf("second run: %+v, want nothing new", s2)
	}

	// A file delivered late into a day that was already ingested, and the
	// same event delivered twice (once in that file, once in a new one).
	late := trailtest.Event("111111111111", "us-east-1", day.Add(3*time.Hour), 99, "StopLogging")
	trailtest.WriteFile(t, src, trailtest.LogKey("o-abc123", "111111111111", "us-east-1", day.Add(3*time.Hour), "LATELATELATELATE"), trailtest.Gzip(t, trailtest.Records(late)))
	trailtest.WriteFile(t, src, trailtest.LogKey("o-abc123", "111111111111", "us-east-1", day.Add(4*time.Hour), "AGAINAGAINAGAIN1"), trailtest.Gzip(t, trailtest.Records(late)))
	s3 := run(t, lk, ingest.Options{}, src)
	if s3.New != 2 || s3.Written != 1 || s3.Duplicates != 1 {
		t.Fatalf("late run: %+v, want 2 new objects, 1 event written, 1 duplicate", s3)
	}
	evs := lakeEvents(t, lk)
	if len(evs) != n+1 {
		t.Fatalf("lake holds %d events, want %d", len(evs), n+1)
	}
	assertNoDuplicates(t, evs)

	// A changed object is read again; its events are not stored twice.
	path := filepath.Join(src, filepath.FromSlash(trailtest.LogKey("o-abc123", "111111111111", "us-east-1", day.Add(3*time.Hour), "LATELATELATELATE")))
	os.Chtimes(path, time.Now(), time.Now().Add(time.Hour))
	s4 := run(t, lk, ingest.Options{}, src)
	if s4.New != 1 || s4.Written != 0 || s4.Duplicates != 1 {
		t.Fatalf("changed-object run: %+v", s4)
	}
}

func TestPartitionsAndFilters(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111111111111", "222222222222"},
		Regions: []string{"us-east-1", "eu-west-1"}, Start: day, Days: 3, Files: 1, Events: 5, Seed: 2})
	s := run(t, lk, ingest.Options{Filter: source.Filter{Since: day.AddDate(0, 0, 1), Until: day.AddDate(0, 0, 1), Accounts: []string{"222222222222"}, Regions: []string{"eu-west-1"}}}, src)
	if s.Objects != 1 || s.Written != 5 {
		t.Fatalf("filtered run: %+v, want exactly one object listed", s)
	}
	parts, err := lake.Partitions(lk)
	if err != nil {
		t.Fatal(err)
	}
	want := cloudtrail.Partition{Account: "222222222222", Region: "eu-west-1", Year: "2019", Month: "10", Day: "01"}
	if len(parts) != 1 || parts[0] != want {
		t.Fatalf("partitions %v, want %v", parts, want)
	}
	// The rest comes in a later run without filters.
	s = run(t, lk, ingest.Options{}, src)
	if s.New != 11 || s.Written != 55 {
		t.Fatalf("unfiltered run: %+v", s)
	}
}

// TestBadInput feeds each kind of bad input and checks its outcome, its
// reason, and that the good records beside it are kept.
func TestBadInput(t *testing.T) {
	good := trailtest.Event("111111111111", "us-east-1", day, 1, "DescribeInstances")
	good2 := trailtest.Event("111111111111", "us-east-1", day, 2, "RunInstances")
	noTime := strings.Replace(good2, `"eventTime":"2019-09-30T00:00:00Z",`, "", 1)
	badTime := strings.Replace(good2, `"eventTime":"2019-09-30T00:00:00Z"`, `"eventTime":"eventTime"`, 1)
	huge := strings.Replace(good2, `"userAgent":"aws-cli/2.13.5"`, `"userAgent":"`+strings.Repeat("x", 3000)+`"`, 1)
	gz := trailtest.Gzip(t, trailtest.Records(good, good2))
	tests := []struct {
		name        string
		file        string
		data        []byte
		outcome     lake.Outcome
		reason      string
		written     int
		quarantined int
	}{
		{"truncated gzip", "a.json.gz", gz[:len(gz)-30], lake.OutcomePartial, "truncated gzip", 1, 1},
		{"gzip cut in its header", "a2.json.gz", gz[:5], lake.OutcomeQuarantined, "gzip", 0, 1},
		{"invalid JSON", "b.json", []byte(`{"Records":[` + good + `,{"eventVersion":"1.08",,}]}`), lake.OutcomePartial, "invalid JSON at offset", 1, 1},
		{"not CloudTrail", "c.json", []byte(`{"fileVersion":"1.0","configurationItems":[]}`), lake.OutcomeQuarantined, "not a CloudTrail log", 0, 1},
		{"digest", "d.json.gz", trailtest.Gzip(t, []byte(`{"awsAccountId":"111111111111","digestStartTime":"2019-09-30T00:00:00Z","logFiles":[]}`)), lake.OutcomeDigest, "", 0, 0},
		{"oversized record", "e.json", trailtest.Records(good, huge), lake.OutcomePartial, "over the 2048-byte limit", 1, 1},
		{"missing eventTime", "f.json", trailtest.Records(good, noTime), lake.OutcomePartial, "no usable eventTime: the record has none", 1, 1},
		{"placeholder eventTime", "g.json", trailtest.Records(good, badTime), lake.OutcomePartial, `no usable eventTime: "eventTime" is not a time`, 1, 1},
		{"lines with a bad line", "h.jsonl", []byte(good + "\n{not json}\n" + good2 + "\n"), lake.OutcomePartial, "line 2: invalid JSON", 2, 1},
		{"empty file", "i.json", []byte("  \n"), lake.OutcomeQuarantined, "not a CloudTrail log: empty", 0, 1},
		{"not JSON", "j.json", []byte("hello"), lake.OutcomeQuarantined, "not a CloudTrail log", 0, 1},
		{"array of events", "k.json", []byte("[" + good + "," + good2 + "]"), lake.OutcomeOK, "", 2, 0},
		{"EventBridge envelope", "l.json", []byte(`{"version":"0","detail-type":"AWS API Call via CloudTrail","detail":` + good + `}`), lake.OutcomeOK, "", 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, lk := t.TempDir(), t.TempDir()
			path := trailtest.WriteFile(t, src, tc.file, tc.data)
			s := run(t, lk, ingest.Options{MaxRecordBytes: 2048}, src)
			m, err := lake.LoadManifest(lk)
			if err != nil {
				t.Fatal(err)
			}
			e, ok := m.Get(path)
			if !ok {
				t.Fatalf("object not in the manifest")
			}
			if e.Outcome != tc.outcome || !strings.Contains(e.Reason, tc.reason) {
				t.Fatalf("outcome %s %q, want %s %q", e.Outcome, e.Reason, tc.outcome, tc.reason)
			}
			if s.Written != tc.written || s.QuarantinedRecs != tc.quarantined {
				t.Fatalf("written %d, quarantined %d; want %d, %d", s.Written, s.QuarantinedRecs, tc.written, tc.quarantined)
			}
			items, err := lake.QuarantineItems(lk)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != tc.quarantined {
				t.Fatalf("%d quarantine items, want %d", len(items), tc.quarantined)
			}
			for _, it := range items {
				if it.File != "" {
					kept, err := os.ReadFile(filepath.Join(lk, it.File))
					if err != nil || string(kept) != string(tc.data) {
						t.Fatalf("quarantined copy of the object differs from the source (%v)", err)
					}
				} else if it.Size == 0 && !strings.Contains(it.Reason, "gzip") {
					t.Fatalf("quarantined item keeps no text: %+v", it)
				}
			}
			// A rerun changes nothing.
			if s2 := run(t, lk, ingest.Options{MaxRecordBytes: 2048}, src); !s2.NothingNew() {
				t.Fatalf("rerun: %+v", s2)
			}
		})
	}
}

// TestOddRecords checks the deliberate outcome of each kind of odd record
// that real sources hold (see the README's table): stored, and rebuilt equal
// to its source.
func TestOddRecords(t *testing.T) {
	base := trailtest.Event("111111111111", "us-east-1", day, 1, "DescribeInstances")
	repl := func(old, new string) string { return strings.Replace(base, old, new, 1) }
	tests := []struct {
		name      string
		record    string
		partition string
		kept      bool // kept whole in _raw
		check     func(*cloudtrail.Event) error
	}{
		{"canonical", base, "account=111111111111/region=us-east-1/year=2019/month=09/day=30", false, nil},
		{"lower-case keys", strings.ToLower(base[:0]) + repl(`"eventName"`, `"eventname"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", true,
			func(e *cloudtrail.Event) error { return want(e.EventName, "DescribeInstances") }},
		{"eventId", repl(`"eventID"`, `"eventId"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", true,
			func(e *cloudtrail.Event) error { return notNil(e.EventID) }},
		{"readOnly as string", repl(`"readOnly":true`, `"readOnly":"True"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", true,
			func(e *cloudtrail.Event) error { return want(e.ReadOnly, "True") }},
		{"serviceEventDetails as string", repl(`"eventCategory"`, `"serviceEventDetails":"{\"a\":1}","eventCategory"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", false,
			func(e *cloudtrail.Event) error { return want(e.ServiceEventDetails, `"{\"a\":1}"`) }},
		{"short account id", strings.ReplaceAll(base, "111111111111", "12345"), "account=12345/region=us-east-1/year=2019/month=09/day=30", false, nil},
		{"placeholder account", repl(`"recipientAccountId":"111111111111"`, `"recipientAccountId":"..."`), "account=unknown/region=us-east-1/year=2019/month=09/day=30", false,
			func(e *cloudtrail.Event) error { return want(e.RecipientAccountID, "...") }},
		{"fake region", strings.ReplaceAll(base, "us-east-1", "sagov-westsouth-1r"), "account=111111111111/region=sagov-westsouth-1r/year=2019/month=09/day=30", false, nil},
		{"space timestamp", repl(`"2019-09-30T00:00:00Z"`, `"2019-09-30 23:27:12.000000000"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", false, nil},
		{"offset timestamp", repl(`"2019-09-30T00:00:00Z"`, `"2019-09-30T08:00:00+11:00"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=29", false, nil},
		{"enrichment keys", repl(`"eventCategory"`, `"p_log_type":"AWS.CloudTrail","p_any_ip_addresses":["1.2.3.4"],"eventCategory"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", false,
			func(e *cloudtrail.Event) error {
				return want(e.Extra, `{"p_log_type":"AWS.CloudTrail","p_any_ip_addresses":["1.2.3.4"]}`)
			}},
		{"request parameters keys differing in case", repl(`"requestParameters":{`, `"requestParameters":{"Key":"a","key":"b",`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", false, nil},
		{"request parameters not an object", repl(`"requestParameters":{"instancesSet":{"items":[{"instanceId":"i-00000000000000001"}]}}`, `"requestParameters":["a",1]`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", false,
			func(e *cloudtrail.Event) error { return want(e.RequestParameters, `["a",1]`) }},
		{"account id as a number", repl(`"recipientAccountId":"111111111111"`, `"recipientAccountId":111111111111`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", true, nil},
		{"userAgent as a list", repl(`"userAgent":"aws-cli/2.13.5"`, `"userAgent":["a","b"]`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", true, nil},
		{"unknown userIdentity key", repl(`"userName":"user1"`, `"userName":"user1","inScopeOf":{"issuerType":"AWS::Lambda::Function"}`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", true,
			func(e *cloudtrail.Event) error { return want(e.UserIdentity.UserName, "user1") }},
		{"explicit null", repl(`"errorCode"`, `"x"`), "account=111111111111/region=us-east-1/year=2019/month=09/day=30", false,
			func(e *cloudtrail.Event) error { return want(e.Nulls, "responseElements") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, lk := t.TempDir(), t.TempDir()
			trailtest.WriteFile(t, src, "x.json", trailtest.Records(tc.record))
			s := run(t, lk, ingest.Options{}, src)
			if s.Written != 1 {
				t.Fatalf("written %d, want 1 (%+v)", s.Written, s)
			}
			evs, err := lake.PartitionEvents(lk, hivePartition(t, tc.partition))
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 {
				t.Fatalf("%d events in partition %s, want 1", len(evs), tc.partition)
			}
			e := evs[0]
			if (e.Raw != nil) != tc.kept {
				t.Fatalf("kept whole: %v, want %v", e.Raw != nil, tc.kept)
			}
			if tc.check != nil {
				if err := tc.check(e); err != nil {
					t.Fatal(err)
				}
			}
			var a, b any
			if err := json.Unmarshal([]byte(tc.record), &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(cloudtrail.Rebuild(e), &b); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("rebuilt record differs:\nwant %s\n got %s", tc.record, cloudtrail.Rebuild(e))
			}
		})
	}
}

func want(p *string, v string) error {
	if p == nil {
		return fmt.Errorf("got NULL, want %q", v)
	}
	if *p != v {
		return fmt.Errorf("got %q, want %q", *p, v)
	}
	return nil
}

func notNil(p *string) error {
	if p == nil {
		return fmt.Errorf("got NULL")
	}
	return nil
}

func TestCompaction(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	n := 0
	for i := range 5 {
		sub := filepath.Join(src, fmt.Sprint(i))
		n += trailtest.WriteTrail(t, sub, trailtest.Trail{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"}, Start: day, Days: 1, Files: 1, Events: 50, Seed: uint64(i + 1)})
		run(t, lk, ingest.Options{CompactFiles: -1}, sub)
	}
	b := lake.Bucket{Account: "111111111111", Year: "2019", Month: "09"}
	l, err := lake.Open(context.Background(), lk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	files, _ := l.BucketFiles(b)
	if len(files) < 5 {
		t.Fatalf("%d files before compaction, want 5 or more", len(files))
	}
	st, err := l.Compact(b, 1)
	if err != nil {
		t.Fatal(err)
	}
	files, _ = l.BucketFiles(b)
	if len(files) != 1 || st.Events != n {
		t.Fatalf("after compaction: %d files, %d events; want 1 and %d", len(files), st.Events, n)
	}
	evs, _ := lake.ReadEvents(files[0])
	for i := 1; i < len(evs); i++ {
		if *evs[i].EventTimestamp < *evs[i-1].EventTimestamp {
			t.Fatalf("compacted file is not sorted by time at row %d", i)
		}
	}
}

// hivePartition reads a partition's Hive path (account=/region=/year=/month=/day=).
func hivePartition(t *testing.T, path string) cloudtrail.Partition {
	t.Helper()
	var v []string
	for _, kv := range strings.Split(path, "/") {
		_, val, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("bad partition path %q", path)
		}
		v = append(v, val)
	}
	if len(v) != 5 {
		t.Fatalf("bad partition path %q", path)
	}
	return cloudtrail.Partition{Account: v[0], Region: v[1], Year: v[2], Month: v[3], Day: v[4]}
}
