package source_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

const bucket = "trail-bucket"

var day0 = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// s3Source opens the source at url on m with the root credentials.
func s3Source(t *testing.T, m *trailtest.MinIO, url string, opts source.S3Options, mod ...func(*source.S3Config)) *source.S3 {
	t.Helper()
	cfg := source.S3Config{EndpointURL: m.Endpoint, Credentials: m.Credentials(), MaxAttempts: 3, MaxBackoff: 50 * time.Millisecond}
	for _, f := range mod {
		f(&cfg)
	}
	s, err := source.NewS3(context.Background(), url, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(t *testing.T, dir string, f source.Filter, srcs ...ingest.Source) (ingest.Summary, error) {
	t.Helper()
	lk, err := lake.Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	return ingest.Run(context.Background(), lk, ingest.Options{Sources: srcs, Filter: f, Workers: 8, CompactFiles: -1})
}

// lakeEvents counts the events of the lake at dir by eventID.
func lakeEvents(t *testing.T, dir string) map[string]int {
	t.Helper()
	files, err := lake.ListFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range files {
		evs, err := lake.ReadEvents(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			out[*e.EventID]++
		}
	}
	return out
}

func checkOnce(t *testing.T, got map[string]int, want int) {
	t.Helper()
	if len(got) != want {
		t.Errorf("lake holds %d distinct events, want %d", len(got), want)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("event %s is stored %d times", id, n)
		}
	}
}

var orgTrail = trailtest.Trail{
	Org:      "o-abc123def4",
	Accounts: []string{"111111111111", "222222222222", "333333333333"},
	Regions:  []string{"eu-west-1", "us-east-1"},
	Start:    day0,
	Days:     3,
	Files:    2,
	Events:   4,
	Seed:     1,
}

// putTrail writes tr to the bucket (under prefix) and returns its events
// and objects.
func putTrail(t *testing.T, m *trailtest.MinIO, prefix string, tr trailtest.Trail) (events, objects int) {
	t.Helper()
	dir := t.TempDir()
	events = trailtest.WriteTrail(t, dir, tr)
	return events, m.PutDir(t, bucket, prefix, dir)
}

// TestS3OrgTrail ingests an organization trail, then ingests again with
// nothing new, then finds a file delivered late into an old day and an
// account that appeared; digest files are kept with their signatures.
func TestS3OrgTrail(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	events, objects := putTrail(t, m, "", orgTrail)
	var digests []trailtest.Object
	for _, a := range orgTrail.Accounts {
		digests = append(digests, trailtest.DigestObject(t, orgTrail.Org, a, "us-east-1", day0.Add(time.Hour)))
	}
	m.PutObjects(t, bucket, digests)
	dir := t.TempDir()
	digestDir := filepath.Join(dir, "_trailsql", "digests")
	src := s3Source(t, m, "s3://"+bucket, source.S3Options{DigestDir: digestDir})

	sum, err := run(t, dir, source.Filter{}, src)
	if err != nil || len(sum.Errors) > 0 || len(src.Problems()) > 0 {
		t.Fatalf("first run: %v %v %v", err, sum.Errors, src.Problems())
	}
	if sum.Objects != objects+len(digests) || sum.Digests != len(digests) || sum.Written != events {
		t.Fatalf("first run: %d objects (%d digests), %d events written; want %d (%d), %d", sum.Objects, sum.Digests, sum.Written, objects+len(digests), len(digests), events)
	}
	checkOnce(t, lakeEvents(t, dir), events)
	for _, d := range digests {
		path := source.DigestPath(digestDir, bucket, d.Key)
		body, err := os.ReadFile(path)
		if err != nil || string(body) != string(d.Body) {
			t.Fatalf("digest %s not kept: %v", d.Key, err)
		}
		sig, err := os.ReadFile(path + source.SignatureSuffix)
		if err != nil || string(sig) != d.Meta["signature"] {
			t.Fatalf("signature of %s: %q, %v; want %q", d.Key, sig, err, d.Meta["signature"])
		}
	}
	if src.DigestsKept() != len(digests) {
		t.Errorf("%d digests kept, want %d", src.DigestsKept(), len(digests))
	}

	// Nothing new.
	sum, err = run(t, dir, source.Filter{}, src)
	if err != nil || !sum.NothingNew() || sum.Unchanged != objects+len(digests) {
		t.Fatalf("second run: %v; %+v", err, sum)
	}
	if src.DigestsKept() != 0 {
		t.Errorf("second run copied %d digests again", src.DigestsKept())
	}

	// A file delivered late into the first day, and a new account.
	late := trailtest.Trail{Org: orgTrail.Org, Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"}, Start: day0, Days: 1, Files: 1, Events: 5, Seed: 2}
	lateEvents, _ := putTrail(t, m, "", late)
	newAcct := trailtest.Trail{Org: orgTrail.Org, Accounts: []string{"444444444444"}, Regions: []string{"ap-south-1"}, Start: day0, Days: 2, Files: 1, Events: 3, Seed: 3}
	newEvents, newObjects := putTrail(t, m, "", newAcct)
	sum, err = run(t, dir, source.Filter{}, src)
	if err != nil || len(sum.Errors) > 0 {
		t.Fatalf("third run: %v %v", err, sum.Errors)
	}
	if sum.New != 1+newObjects || sum.Written != lateEvents+newEvents {
		t.Fatalf("third run: %d new objects, %d events; want %d, %d", sum.New, sum.Written, 1+newObjects, lateEvents+newEvents)
	}
	checkOnce(t, lakeEvents(t, dir), events+lateEvents+newEvents)
}

// listRequests counts the LIST requests of a one-day ingest of a bucket
// with years of logs of several accounts: they depend on the accounts and
// regions, not on the objects in the bucket.
func TestS3ListRequestsOneDay(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	const accounts, regions = 4, 3
	tr := trailtest.Trail{Org: "o-zzz9999999", Regions: []string{"eu-west-1", "us-east-1", "us-west-2"}, Files: 1, Events: 1, Seed: 4}
	for i := range accounts {
		tr.Accounts = append(tr.Accounts, fmt.Sprintf("%012d", 100000000000+i))
	}
	// The first day of every month of three years, and ten days in a row.
	dir := t.TempDir()
	for y := 2021; y <= 2023; y++ {
		for mo := 1; mo <= 12; mo++ {
			tr.Start, tr.Days = time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC), 1
			tr.Seed++
			trailtest.WriteTrail(t, dir, tr)
		}
	}
	tr.Start, tr.Days = time.Date(2024, 2, 20, 0, 0, 0, 0, time.UTC), 10
	want := trailtest.WriteTrail(t, dir, tr)
	objects := m.PutDir(t, bucket, "", dir)
	var digests []trailtest.Object
	for _, a := range tr.Accounts {
		for _, r := range tr.Regions {
			digests = append(digests, trailtest.DigestObject(t, tr.Org, a, r, time.Date(2024, 2, 25, 1, 0, 0, 0, time.UTC)))
		}
	}
	m.PutObjects(t, bucket, digests)

	src := s3Source(t, m, "s3://"+bucket, source.S3Options{})
	before := src.Client().Requests()
	day := time.Date(2024, 2, 25, 0, 0, 0, 0, time.UTC)
	sum, err := run(t, t.TempDir(), source.Filter{Since: day, Until: day}, src)
	if err != nil || len(sum.Errors) > 0 {
		t.Fatal(err, sum.Errors)
	}
	got := src.Client().Requests().Sub(before)
	// Root (finds AWSLogs/), AWSLogs/ (the org), the org (accounts), per
	// account its kinds, per account and kind its regions, per account,
	// kind and region one day.
	const kinds = 2
	wantLists := int64(3 + accounts + accounts*kinds + accounts*kinds*regions)
	t.Logf("one-day ingest of %d objects (%d accounts x %d regions x %d kinds): %d LIST, %d GET requests; %d objects read",
		objects+len(digests), accounts, regions, kinds, got.List, got.Get, sum.New)
	if got.List != wantLists {
		t.Errorf("%d LIST requests, want %d", got.List, wantLists)
	}
	if sum.Written != want/10 || sum.New != accounts*regions*2 {
		t.Errorf("one day: %d events from %d objects, want %d from %d", sum.Written, sum.New, want/10, accounts*regions*2)
	}
	if got.Get != int64(accounts*regions) {
		t.Errorf("%d GET requests, want %d (one per log file; digests are not read)", got.Get, accounts*regions)
	}

	// A long range is listed through the year and month folders: for
	// 2022-06-15 .. 2024-03-01, per place: the region folder, the two
	// partial years' month folders, then the whole months or days.
	before = src.Client().Requests()
	f := source.Filter{Since: time.Date(2022, 6, 15, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	sum, err = run(t, t.TempDir(), f, src)
	if err != nil || len(sum.Errors) > 0 {
		t.Fatal(err, sum.Errors)
	}
	got = src.Client().Requests().Sub(before)
	t.Logf("range ingest: %d LIST requests, %d objects", got.List, sum.New)
	if want := accounts * regions * (6 + 12 + 10); sum.Written != want {
		t.Errorf("range: %d events, want %d", sum.Written, want)
	}
}

// TestS3AccessDenied: a prefix the credentials may not list, and one whose
// objects they may not read, are named in errors; the rest is ingested.
func TestS3AccessDenied(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	events, _ := putTrail(t, m, "", orgTrail)
	perFile := orgTrail.Events
	perAccount := len(orgTrail.Regions) * orgTrail.Days * orgTrail.Files * perFile
	noList := "AWSLogs/" + orgTrail.Org + "/222222222222/"
	noRead := "AWSLogs/" + orgTrail.Org + "/333333333333/CloudTrail/us-east-1/"
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]},
 {"Effect":"Deny","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::%[1]s"],"Condition":{"StringLike":{"s3:prefix":["%[2]s*"]}}},
 {"Effect":"Deny","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%[1]s/%[2]s*","arn:aws:s3:::%[1]s/%[3]s*"]}]}`, bucket, noList, noRead)
	creds := m.RestrictedCredentials(t, policy)
	src := s3Source(t, m, "s3://"+bucket, source.S3Options{}, func(c *source.S3Config) { c.Credentials = creds })
	dir := t.TempDir()
	sum, err := run(t, dir, source.Filter{}, src)
	if err != nil {
		t.Fatal(err)
	}
	probs := src.Problems()
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "cannot list s3://"+bucket+"/"+noList+": access denied") {
		t.Fatalf("problems: %v", probs)
	}
	unreadable := orgTrail.Days * orgTrail.Files
	if len(sum.Errors) != unreadable {
		t.Fatalf("%d errors, want %d: %v", len(sum.Errors), unreadable, sum.Errors)
	}
	for _, e := range sum.Errors {
		if !strings.HasPrefix(e, "cannot read s3://"+bucket+"/"+noRead) || !strings.Contains(e, "access denied") {
			t.Errorf("error %q does not name the key and say access denied", e)
		}
	}
	t.Logf("errors name the place: %v; %s", probs[0], sum.Errors[0])
	want := events - perAccount - unreadable*perFile
	checkOnce(t, lakeEvents(t, dir), want)
}

// TestS3ServerStopped stops the server in the middle of an ingest: the run
// stops within seconds with one error that names the endpoint and says the
// connection was refused, and no error per object; what was read is stored,
// and the run after the restart stores exactly the rest.
func TestS3ServerStopped(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	tr := orgTrail
	tr.Days, tr.Files = 4, 6
	events, objects := putTrail(t, m, "", tr)

	var gets atomic.Int64
	var once sync.Once
	hc := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodGet && !r.URL.Query().Has("list-type") && gets.Add(1) == int64(objects/3) {
			once.Do(m.Stop)
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	// The retries of a throttled or failing store may take minutes; those
	// of a store that refuses connections must not.
	src := s3Source(t, m, "s3://"+bucket, source.S3Options{}, func(c *source.S3Config) {
		c.HTTPClient = hc
		c.MaxAttempts = 8
		c.MaxBackoff = 20 * time.Second
	})
	dir := t.TempDir()
	start := time.Now()
	sum, err := run(t, dir, source.Filter{}, src)
	took := time.Since(start)
	if !source.IsUnreachable(err) {
		t.Fatalf("the run with the server stopped ended with %v, want an unreachable source; %d errors: %.3q", err, len(sum.Errors), sum.Errors)
	}
	if took > 20*time.Second {
		t.Errorf("the run took %s to find the server stopped", took)
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot reach s3://"+bucket+" at "+m.Endpoint+": connection refused") || strings.Contains(msg, "\n") {
		t.Errorf("error does not name the endpoint and the cause on one line: %s", msg)
	}
	if len(sum.Errors) > 0 {
		t.Errorf("%d errors per object besides the one: %.3q", len(sum.Errors), sum.Errors)
	}
	if sum.New >= objects {
		t.Errorf("every object was read although the server was stopped")
	}
	t.Logf("server stopped: %d of %d objects stored in %s; %s; %d GET requests", sum.New, objects, took.Round(time.Millisecond), msg, src.Client().Requests().Get)
	checkOnce(t, lakeEvents(t, dir), sum.Written)

	m.Start()
	sum2, err := run(t, dir, source.Filter{}, src)
	if err != nil || len(sum2.Errors) > 0 {
		t.Fatalf("rerun: %v; %d errors: %.3q", err, len(sum2.Errors), sum2.Errors)
	}
	if sum2.New != objects-sum.New || sum2.Written != events-sum.Written || sum2.Duplicates != 0 {
		t.Errorf("rerun read %d objects, stored %d events (%d again); want the other %d objects, %d events", sum2.New, sum2.Written, sum2.Duplicates, objects-sum.New, events-sum.Written)
	}
	checkOnce(t, lakeEvents(t, dir), events)
}

func startProxy(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestS3RetriesAndResumes puts a proxy in front of the server that answers
// every third request with 503 SlowDown and breaks every other download in
// the middle: the ingest retries, resumes, and stores everything.
func TestS3RetriesAndResumes(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	events, _ := putTrail(t, m, "", orgTrail)
	target, _ := url.Parse(m.Endpoint)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	var n, broken atomic.Int64
	proxy.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		if r.Method == http.MethodGet && !r.URL.Query().Has("list-type") && resp.StatusCode == http.StatusOK && resp.ContentLength > 64 && n.Load()%2 == 0 {
			broken.Add(1)
			resp.Body = &breakingBody{rc: resp.Body, left: resp.ContentLength / 2}
		}
		return nil
	}
	srv := startProxy(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
			return
		}
		proxy.ServeHTTP(w, r)
	})
	src := s3Source(t, m, "s3://"+bucket, source.S3Options{}, func(c *source.S3Config) {
		c.EndpointURL = srv
		c.MaxAttempts = 10
	})
	dir := t.TempDir()
	sum, err := run(t, dir, source.Filter{}, src)
	if err != nil || len(sum.Errors) > 0 {
		t.Fatalf("%v %v", err, sum.Errors)
	}
	req := src.Client().Requests()
	t.Logf("%d requests, %d retried after 503 SlowDown; %d downloads broken and resumed", req.Total(), req.Retries, broken.Load())
	if req.Retries == 0 || broken.Load() == 0 {
		t.Fatalf("no retries (%d) or no broken downloads (%d)", req.Retries, broken.Load())
	}
	checkOnce(t, lakeEvents(t, dir), events)
}

type breakingBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *breakingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("connection reset by the test")
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *breakingBody) Close() error { return b.rc.Close() }

// TestS3Layouts lists sources rooted at different places of the layout.
func TestS3Layouts(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	_, org := putTrail(t, m, "", orgTrail)
	plain := trailtest.Trail{Accounts: []string{"555555555555"}, Regions: []string{"eu-west-1"}, Start: day0, Days: 2, Files: 1, Events: 2, Seed: 9}
	_, prefixed := putTrail(t, m, "logs/cloudtrail/", plain)
	m.Put(t, bucket, "exports/a.json", trailtest.Records(trailtest.Event("666666666666", "eu-west-1", day0, 1, "GetObject")), nil)
	m.Put(t, bucket, "exports/sub/b.json.gz", trailtest.Gzip(t, trailtest.Records(trailtest.Event("666666666666", "eu-west-1", day0, 2, "GetObject"))), nil)
	m.Put(t, bucket, "AWSLogs/"+orgTrail.Org+"/111111111111/elasticloadbalancing/eu-west-1/2024/05/01/x.log.gz", []byte("elb"), nil)
	one := trailtest.LogKey(orgTrail.Org, "111111111111", "eu-west-1", day0, "ONE")
	m.Put(t, bucket, one, trailtest.Gzip(t, trailtest.Records(trailtest.Event("111111111111", "eu-west-1", day0, 3, "GetObject"))), nil)
	org++

	perAccount := org / 3 // the extra file is in account 111111111111
	f := func(url string, filter source.Filter, want int) {
		t.Helper()
		src := s3Source(t, m, url, source.S3Options{})
		var keys []string
		err := src.List(context.Background(), filter, func(o source.Object) error {
			keys = append(keys, o.Rel)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if len(keys) != want {
			slices.Sort(keys)
			t.Errorf("%s: %d objects, want %d: %v", url, len(keys), want, keys)
		}
	}
	f("s3://"+bucket, source.Filter{}, org)
	f("s3://"+bucket+"/AWSLogs/", source.Filter{}, org)
	f("s3://"+bucket+"/AWSLogs/"+orgTrail.Org, source.Filter{}, org)
	f("s3://"+bucket+"/AWSLogs/"+orgTrail.Org+"/222222222222/", source.Filter{}, perAccount)
	f("s3://"+bucket+"/AWSLogs/"+orgTrail.Org+"/222222222222/CloudTrail/eu-west-1/", source.Filter{}, perAccount/2)
	f("s3://"+bucket+"/AWSLogs/"+orgTrail.Org+"/222222222222/CloudTrail/eu-west-1/2024/05/02/", source.Filter{}, orgTrail.Files)
	f("s3://"+bucket+"/AWSLogs/"+orgTrail.Org+"/222222222222/", source.Filter{Accounts: []string{"111111111111"}}, 0)
	f("s3://"+bucket, source.Filter{Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"}}, perAccount/2)
	f("s3://"+bucket, source.Filter{Since: day0.AddDate(0, 0, 1), Until: day0.AddDate(0, 0, 1)}, 3*2*orgTrail.Files)
	f("s3://"+bucket+"/logs", source.Filter{}, prefixed)
	f("s3://"+bucket+"/logs/cloudtrail/AWSLogs/555555555555/CloudTrail/", source.Filter{}, prefixed)
	f("s3://"+bucket+"/exports/", source.Filter{}, 2)
	f("s3://"+bucket+"/"+one, source.Filter{}, 1)

	// Discover finds the places without listing objects.
	src := s3Source(t, m, "s3://"+bucket, source.S3Options{})
	places, err := src.Discover(context.Background(), source.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range places {
		got = append(got, p.Org+"/"+p.String())
	}
	want := []string{
		orgTrail.Org + "/111111111111/CloudTrail/eu-west-1", orgTrail.Org + "/111111111111/CloudTrail/us-east-1",
		orgTrail.Org + "/222222222222/CloudTrail/eu-west-1", orgTrail.Org + "/222222222222/CloudTrail/us-east-1",
		orgTrail.Org + "/333333333333/CloudTrail/eu-west-1", orgTrail.Org + "/333333333333/CloudTrail/us-east-1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Discover: %v, want %v", got, want)
	}
	src = s3Source(t, m, "s3://"+bucket+"/logs/", source.S3Options{})
	places, err = src.Discover(context.Background(), source.Filter{})
	if err != nil || len(places) != 1 || places[0].Prefix != "logs/cloudtrail/AWSLogs/555555555555/CloudTrail/eu-west-1/" {
		t.Errorf("Discover below a prefix: %v %v", places, err)
	}
	if k := cloudtrail.ParseKey(places[0].Prefix + "2024/05/01/x.json.gz"); k.Account != "555555555555" {
		t.Errorf("place prefix does not parse: %+v", k)
	}
}

// TestS3ListWhole lists a region that ListWhole selects with its whole
// history, and the others only for the filter's days.
func TestS3ListWhole(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	putTrail(t, m, "", orgTrail)
	src := s3Source(t, m, "s3://"+bucket, source.S3Options{})
	src.ListWhole(func(p source.Place) bool { return p.Account == "333333333333" })
	last := day0.AddDate(0, 0, orgTrail.Days-1)
	n := 0
	err := src.List(context.Background(), source.Filter{Since: last}, func(o source.Object) error {
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	perPlaceDay := orgTrail.Files
	want := 2*2*perPlaceDay + 2*orgTrail.Days*perPlaceDay
	if n != want {
		t.Errorf("%d objects, want %d", n, want)
	}
}

func TestParseS3URL(t *testing.T) {
	f := func(in, bucket, prefix string, ok bool) {
		t.Helper()
		b, p, err := source.ParseS3URL(in)
		if (err == nil) != ok || b != bucket || p != prefix {
			t.Errorf("ParseS3URL(%q) = %q, %q, %v", in, b, p, err)
		}
	}
	f("s3://b", "b", "", true)
	f("s3://b/", "b", "", true)
	f("s3://b/AWSLogs/o-1/", "b", "AWSLogs/o-1/", true)
	f("s3:///x", "", "", false)
	f("/tmp/x", "", "", false)
}
