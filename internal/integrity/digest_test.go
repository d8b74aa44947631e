package integrity

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/trailtest"
)

const corpusDigestKey = "AWSLogs/123456789123/CloudTrail-Digest/us-west-2/2020/09/11/" +
	"123456789123_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_20200911T193649Z.json.gz"

func corpusConverted(t testing.TB) string {
	t.Helper()
	return filepath.Join(trailtest.CorpusDir(t), "elastic-integrations", "converted")
}

// TestCorpusDigest reads the real digest file of the shared corpus.
func TestCorpusDigest(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusConverted(t), filepath.FromSlash(corpusDigestKey)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, raw, err := ReadDigest(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 2465 {
		t.Errorf("uncompressed size %d, want 2465", len(raw))
	}
	checks := []struct{ name, got, want string }{
		{"awsAccountId", d.AWSAccountID, "123456789123"},
		{"digestStartTime", d.DigestStartTime, "2020-09-11T18:36:49Z"},
		{"digestEndTime", d.DigestEndTime, "2020-09-11T19:36:49Z"},
		{"digestS3Bucket", d.DigestS3Bucket, "alice-bucket"},
		{"digestS3Object", d.DigestS3Object, corpusDigestKey},
		{"digestPublicKeyFingerprint", d.DigestPublicKeyFingerprint, "47aaa19f7eec22e9bd0b5e58cfade8cb"},
		{"digestSignatureAlgorithm", d.DigestSignatureAlgorithm, "SHA256withRSA"},
		{"newestEventTime", d.NewestEventTime, "2020-09-11T19:26:24Z"},
		{"oldestEventTime", d.OldestEventTime, "2020-09-11T18:32:04Z"},
		{"previousDigestS3Bucket", d.PreviousDigestS3Bucket, "alice-bucket"},
		{"previousDigestS3Object", d.PreviousDigestS3Object, "AWSLogs/123456789123/CloudTrail-Digest/us-west-2/2020/09/11/" +
			"123456789123_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_20200911T183649Z.json.gz"},
		// 63 hex digits in the source: kept as it is.
		{"previousDigestHashValue", d.PreviousDigestHashValue, "531914fcfa0dbacf0c9dd1475a1fdcb5dea6e85921409f3c3ec0ba39063c860"},
		{"previousDigestHashAlgorithm", d.PreviousDigestHashAlgorithm, "SHA-256"},
		{"previousDigestSignature[:16]", d.PreviousDigestSignature[:16], "10e0872f32fa1d29"},
		{"logFiles[0].s3Object", d.LogFiles[0].S3Object, "AWSLogs/123456789123/CloudTrail/us-west-2/2020/09/11/" +
			"123456789123_CloudTrail_us-west-2_20200911T1930Z_l2pGqVS53QcGdAkp.json.gz"},
		{"logFiles[0].hashValue", d.LogFiles[0].HashValue, "420784a5bbc12e9ac442451e8ec1356744fdeabf4fee0d2222508db6d448139c"},
		{"logFiles[2].hashValue", d.LogFiles[2].HashValue, "2695aeb3b4c1f021fe76e0b36f5ac15e557c41c58af6eef282d77ef056210d70"},
		{"logFiles[2].hashAlgorithm", d.LogFiles[2].HashAlgorithm, "SHA-256"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(d.PreviousDigestSignature) != 512 {
		t.Errorf("previousDigestSignature has %d hex digits, want 512", len(d.PreviousDigestSignature))
	}
	if len(d.LogFiles) != 3 {
		t.Errorf("%d log files, want 3", len(d.LogFiles))
	}
	if !d.HasPrevious() {
		t.Error("HasPrevious = false")
	}
	if want := time.Date(2020, 9, 11, 19, 36, 49, 0, time.UTC); !d.EndTime.Equal(want) || !d.StartTime.Equal(want.Add(-time.Hour)) {
		t.Errorf("times %v – %v", d.StartTime, d.EndTime)
	}
	toSign := d.StringToSign(raw)
	lines := strings.Split(toSign, "\n")
	if len(lines) != 4 || lines[0] != "2020-09-11T19:36:49Z" || lines[1] != "alice-bucket/"+corpusDigestKey ||
		lines[2] != HashHex(raw) || lines[3] != d.PreviousDigestSignature {
		t.Errorf("string to sign:\n%s", toSign)
	}

	dk, err := ParseDigestKey(corpusDigestKey)
	if err != nil {
		t.Fatal(err)
	}
	if dk.Account != "123456789123" || dk.Region != "us-west-2" || dk.Trail != "leh-ct-test" ||
		dk.HomeRegion != "us-west-2" || !dk.End.Equal(d.EndTime) || dk.Backfill {
		t.Errorf("digest key %+v", dk)
	}
}

// TestCorpusVerify verifies the corpus folder that holds the real digest:
// without its signature or log files, nothing in it can be valid.
func TestCorpusVerify(t *testing.T) {
	st, err := OpenDir(corpusConverted(t))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Verify(context.Background(), st, Options{Account: "123456789123"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 1 {
		t.Fatalf("%d groups", len(r.Groups))
	}
	g := r.Groups[0]
	want := Counts{Logs: LogCounts{Deleted: 3}, Digests: DigestCounts{Unsigned: 1, Missing: 1}, Chain: ChainCounts{Gaps: 1}}
	if g.Counts != want || r.OK {
		t.Errorf("counts %+v, OK %v; want %+v", g.Counts, r.OK, want)
	}
}

func TestStringToSignFirstDigest(t *testing.T) {
	d := &Digest{DigestEndTime: "2015-08-17T15:01:31Z", DigestS3Bucket: "b", DigestS3Object: "AWSLogs/x.json.gz"}
	raw := []byte("{}")
	want := "2015-08-17T15:01:31Z\nb/AWSLogs/x.json.gz\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\nnull"
	if got := d.StringToSign(raw); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

const minimalDigest = `{"awsAccountId":"111122223333","digestStartTime":"2015-08-17T14:01:31Z",` +
	`"digestEndTime":"2015-08-17T15:01:31Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/x.json.gz",` +
	`"digestPublicKeyFingerprint":"31e8b5433410dfb61a9dc45cc65b22ff","digestSignatureAlgorithm":"SHA256withRSA",` +
	`"newestEventTime":null,"oldestEventTime":null,"previousDigestS3Bucket":null,"previousDigestS3Object":null,` +
	`"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[]}`

func TestParseDigest(t *testing.T) {
	d, err := ParseDigest([]byte(minimalDigest))
	if err != nil {
		t.Fatal(err)
	}
	if d.HasPrevious() || len(d.LogFiles) != 0 {
		t.Errorf("first digest: HasPrevious %v, %d log files", d.HasPrevious(), len(d.LogFiles))
	}

	f := func(input, wantErr string) {
		t.Helper()
		_, err := ParseDigest([]byte(input))
		if err == nil {
			t.Fatalf("%.40s: no error", input)
		}
		if !errors.Is(err, ErrMalformedDigest) || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%.40s: error %q, want ErrMalformedDigest and %q", input, err, wantErr)
		}
	}
	f(``, "offset 0")
	f(`{"awsAccountId": 12}`, "at offset 19")
	f(`{"awsAccountId":"1",`, "offset")
	f(`[]`, "offset")
	f(strings.Replace(minimalDigest, `"digestEndTime":"2015-08-17T15:01:31Z",`, "", 1), "missing digestEndTime")
	f(strings.Replace(minimalDigest, `"2015-08-17T14:01:31Z"`, `"yesterday"`, 1), `digestStartTime "yesterday" is not a time`)
	f(strings.Replace(minimalDigest, `"logFiles":[]`, `"logFiles":[{"s3Object":"k"}]`, 1), "logFiles[0] has no s3Object or hashValue")
}

func TestReadDigest(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.WriteString(zw, minimalDigest)
	zw.Close()
	d, raw, err := ReadDigest(&buf)
	if err != nil || d == nil || string(raw) != minimalDigest {
		t.Fatalf("ReadDigest: %v", err)
	}
	if _, _, err := ReadDigest(strings.NewReader(minimalDigest)); !errors.Is(err, ErrMalformedDigest) {
		t.Errorf("plain JSON: err %v", err)
	}
	buf.Reset()
	zw = gzip.NewWriter(&buf)
	zw.Write([]byte(minimalDigest[:20]))
	zw.Close()
	if _, raw, err := ReadDigest(&buf); !errors.Is(err, ErrMalformedDigest) || raw == nil {
		t.Errorf("truncated JSON: err %v, raw %q", err, raw)
	}
}

func TestParseDigestKey(t *testing.T) {
	f := func(key string, want DigestKey) {
		t.Helper()
		got, err := ParseDigestKey(key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if got.Org != want.Org || got.Account != want.Account || got.Region != want.Region ||
			got.Trail != want.Trail || got.HomeRegion != want.HomeRegion || !got.End.Equal(want.End) || got.Backfill != want.Backfill {
			t.Errorf("%s:\n got %+v\nwant %+v", key, got, want)
		}
	}
	end := time.Date(2015, 8, 17, 15, 1, 31, 0, time.UTC)
	f("AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz",
		DigestKey{Key: cloudtrail.Key{Account: "111122223333", Region: "us-east-2"},
			Trail: "your-trail-name", HomeRegion: "us-east-2", End: end})
	f("prefix/AWSLogs/o-abc/111122223333/CloudTrail-Digest/eu-west-1/2015/08/17/111122223333_CloudTrail-Digest_eu-west-1_my_org_trail_us-east-1_20150817T150131Z_backfill.json.gz",
		DigestKey{Key: cloudtrail.Key{Org: "o-abc", Account: "111122223333", Region: "eu-west-1"},
			Trail: "my_org_trail", HomeRegion: "us-east-1", End: end, Backfill: true})

	bad := func(key, wantErr string) {
		t.Helper()
		_, err := ParseDigestKey(key)
		if err == nil || !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %v, want one naming the key and saying %q", key, err, wantErr)
		}
	}
	dir := "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/"
	bad("AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/x.json.gz", "not under")
	bad(dir+"111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20150817T150131Z.json", "does not end in .json.gz")
	bad(dir+"999999999999_CloudTrail-Digest_us-east-2_t_us-east-2_20150817T150131Z.json.gz", "does not start with")
	bad(dir+"111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_2015-08-17.json.gz", "bad end time")
	bad(dir+"111122223333_CloudTrail-Digest_us-east-2_us-east-2_20150817T150131Z.json.gz", "no trail name")
}

func TestCanonicalKey(t *testing.T) {
	for key, want := range map[string]string{
		"AWSLogs/1/CloudTrail/x.json.gz":              "AWSLogs/1/CloudTrail/x.json.gz",
		"copy/AWSLogs/1/CloudTrail/x.json.gz":         "AWSLogs/1/CloudTrail/x.json.gz",
		"AWSLogs/AWSLogs/1/x.json.gz":                 "AWSLogs/1/x.json.gz",
		`c:\bucket\AWSLogs\1\x.json.gz`:               "AWSLogs/1/x.json.gz",
		"notAWSLogs/1/x.json.gz":                      "notAWSLogs/1/x.json.gz",
		"elsewhere/x.json.gz":                         "elsewhere/x.json.gz",
		"trails/AWSLogs/o-1/2/CloudTrail-Digest/x.gz": "AWSLogs/o-1/2/CloudTrail-Digest/x.gz",
	} {
		if got := canonicalKey(key); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", key, got, want)
		}
	}
	if got := rootOf("copy/AWSLogs/1/x.json.gz"); got != "copy/" {
		t.Errorf("rootOf = %q", got)
	}
}

// FuzzParseDigest feeds the digest parser arbitrary bytes: it must not
// panic, and what it accepts must marshal and parse back to itself. Its
// seed corpus in testdata/fuzz/FuzzParseDigest holds the real digest of
// the shared corpus and a backfill digest.
func FuzzParseDigest(f *testing.F) {
	f.Add([]byte(minimalDigest))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"logFiles":[{}]}`))
	f.Add([]byte(strings.Replace(minimalDigest, `"logFiles":[]`,
		`"logFiles":[{"s3Bucket":"b","s3Object":"k","hashValue":"00","hashAlgorithm":"SHA-256"}]`, 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDigest(data)
		if err != nil {
			if !errors.Is(err, ErrMalformedDigest) {
				t.Fatalf("error %v does not wrap ErrMalformedDigest", err)
			}
			return
		}
		_ = d.StringToSign(data)
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := ParseDigest(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("round trip:\n%+v\n%+v", d, d2)
		}
	})
}

// FuzzParseDigestKey checks that the key parser does not panic and that
// what it accepts is a digest key.
func FuzzParseDigestKey(f *testing.F) {
	f.Add(corpusDigestKey)
	f.Add("AWSLogs/o-1/2/CloudTrail-Digest/r/2020/01/01/2_CloudTrail-Digest_r_t_r_20200101T000000Z_backfill.json.gz")
	f.Add("AWSLogs/2/CloudTrail-Digest/r/2_CloudTrail-Digest_r__20200101T000000Z.json.gz")
	f.Fuzz(func(t *testing.T, key string) {
		dk, err := ParseDigestKey(key)
		if err == nil && (dk.Trail == "" || dk.HomeRegion == "" || dk.End.IsZero() || dk.Account == "") {
			t.Fatalf("accepted %q as %+v", key, dk)
		}
	})
}
