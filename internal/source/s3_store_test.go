package source_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestS3Store checks the verify store against MinIO: listing by account,
// region and day through prefixes (digest folders whole), streaming reads,
// signatures from metadata and missing objects as fs.ErrNotExist.
func TestS3Store(t *testing.T) {
	ctx := context.Background()
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	const a, b = "111122223333", "444455556666"
	d1, d2, d3 := day0, day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 5)
	log := func(account, region string, t0 time.Time, s string) trailtest.Object {
		return trailtest.Object{Key: "pfx/" + trailtest.LogKey("", account, region, t0.Add(10*time.Hour), s),
			Body: trailtest.Gzip(t, []byte(`{"Records":[]}`))}
	}
	digest := func(account, region string, end time.Time) trailtest.Object {
		o := trailtest.DigestObject(t, "", account, region, end.Add(11*time.Hour))
		o.Key = "pfx/" + o.Key
		return o
	}
	objs := []trailtest.Object{
		log(a, "us-east-1", d1, "a1"), log(a, "us-east-1", d2, "a2"), log(a, "us-east-1", d3, "a3"),
		digest(a, "us-east-1", d1), digest(a, "us-east-1", d3),
		log(a, "eu-west-1", d1, "e1"), digest(a, "eu-west-1", d1),
		log(b, "us-east-1", d1, "b1"), digest(b, "us-east-1", d1),
		{Key: "other/AWSLogs/" + a + "/CloudTrail/us-east-1/x.json.gz", Body: []byte("x")},
	}
	m.PutObjects(t, bucket, objs)
	c, err := source.DialS3(ctx, bucket, source.S3Config{EndpointURL: m.Endpoint, Credentials: m.Credentials(),
		MaxAttempts: 3, MaxBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	keys := func(objs ...trailtest.Object) []string {
		var out []string
		for _, o := range objs {
			out = append(out, o.Key)
		}
		slices.Sort(out)
		return out
	}

	list := func(url, prefix string, f source.Filter) ([]string, source.Requests) {
		t.Helper()
		st, err := source.NewS3Store(c, url, f, func() time.Time { return d3.AddDate(0, 0, 1) })
		if err != nil {
			t.Fatal(err)
		}
		before := c.Requests()
		var got []string
		if err := st.List(ctx, prefix, func(k string) error { got = append(got, k); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		return got, c.Requests().Sub(before)
	}

	// Everything below the prefix, nothing beside it.
	got, _ := list("s3://"+bucket+"/pfx", "", source.Filter{})
	if want := keys(objs[:9]...); !slices.Equal(got, want) {
		t.Errorf("whole trail:\n got %q\nwant %q", got, want)
	}
	// One account and region: listed through their folders only.
	got, reqs := list("s3://"+bucket+"/pfx/", "", source.Filter{Accounts: []string{a}, Regions: []string{"us-east-1"}})
	if want := keys(objs[:5]...); !slices.Equal(got, want) {
		t.Errorf("one place:\n got %q\nwant %q", got, want)
	}
	// pfx/ (finds AWSLogs/), AWSLogs/, the account, its two kinds, and the
	// two region folders.
	if reqs.List != 7 {
		t.Errorf("one place: %d LIST requests, want 7", reqs.List)
	}
	// One day: the logs of that day, the digests of every day.
	got, _ = list("s3://"+bucket+"/pfx", "", source.Filter{Accounts: []string{a}, Regions: []string{"us-east-1"}, Since: d2, Until: d2})
	if want := keys(objs[1], objs[3], objs[4]); !slices.Equal(got, want) {
		t.Errorf("one day:\n got %q\nwant %q", got, want)
	}
	// A prefix of List inside the root, and one outside it.
	got, _ = list("s3://"+bucket+"/pfx", "pfx/AWSLogs/"+b+"/", source.Filter{})
	if want := keys(objs[7:9]...); !slices.Equal(got, want) {
		t.Errorf("list prefix:\n got %q\nwant %q", got, want)
	}
	if got, _ = list("s3://"+bucket+"/pfx", "other/", source.Filter{}); len(got) != 0 {
		t.Errorf("list outside the root: %q", got)
	}

	st, err := source.NewS3Store(c, "s3://"+bucket+"/pfx", source.Filter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A digest: its content streamed, its signature from the same answer.
	dg := objs[3]
	before := c.Requests()
	rc, err := st.Open(ctx, dg.Key)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(body) != string(dg.Body) {
		t.Errorf("read %d bytes (%v), want %d", len(body), err, len(dg.Body))
	}
	meta, err := st.Metadata(ctx, dg.Key)
	if err != nil || meta["signature"] != dg.Meta["signature"] || meta["signature-algorithm"] != "SHA256withRSA" {
		t.Errorf("metadata %v (%v), want %v", meta, err, dg.Meta)
	}
	if r := c.Requests().Sub(before); r.Get != 1 || r.Head != 0 {
		t.Errorf("open and metadata of a digest: %+v, want one GET", r)
	}
	// Without an Open first: a HEAD request.
	if meta, err := st.Metadata(ctx, objs[4].Key); err != nil || meta["signature"] != objs[4].Meta["signature"] {
		t.Errorf("metadata %v (%v), want %v", meta, err, objs[4].Meta)
	}
	if meta, err := st.Metadata(ctx, objs[0].Key); err != nil || meta == nil || len(meta) != 0 {
		t.Errorf("metadata of a log file: %v (%v), want empty", meta, err)
	}

	// Missing objects.
	missing := "pfx/" + trailtest.LogKey("", a, "us-east-1", d1, "gone")
	_, err = st.Open(ctx, missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "s3://"+bucket+"/"+missing) {
		t.Errorf("open of a missing object: %v", err)
	}
	_, err = st.Metadata(ctx, missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "s3://"+bucket+"/"+missing) {
		t.Errorf("metadata of a missing object: %v", err)
	}

	// A bucket that is not there is not a missing object.
	c2, err := source.DialS3(ctx, bucket, source.S3Config{EndpointURL: m.Endpoint, Credentials: m.Credentials(), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	c2.Bucket = "no-such-bucket"
	st2, err := source.NewS3Store(c2, "s3://no-such-bucket", source.Filter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st2.Open(ctx, objs[0].Key)
	if err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "s3://no-such-bucket/") {
		t.Errorf("open in a missing bucket: %v", err)
	}
}
