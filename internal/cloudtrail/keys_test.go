package cloudtrail

import (
	"testing"
	"time"
)

func TestParseKey(t *testing.T) {
	d := time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		key  string
		want Key
	}{
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2019/09/30/111122223333_CloudTrail_us-east-1_20190930T0000Z_abc.json.gz",
			Key{Kind: KeyLog, Account: "111122223333", Region: "us-east-1", Date: d, Name: "111122223333_CloudTrail_us-east-1_20190930T0000Z_abc.json.gz"}},
		{"prefix/x/AWSLogs/o-abc123def4/111122223333/CloudTrail/eu-west-1/2019/09/30/f.json.gz",
			Key{Kind: KeyLog, Org: "o-abc123def4", Account: "111122223333", Region: "eu-west-1", Date: d, Name: "f.json.gz"}},
		{"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2019/09/30/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20190930T000000Z.json.gz",
			Key{Kind: KeyDigest, Account: "111122223333", Region: "us-east-1", Date: d, Name: "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20190930T000000Z.json.gz"}},
		{"AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2019/09/30/f.json.gz",
			Key{Kind: KeyInsight, Account: "111122223333", Region: "us-east-1", Date: d, Name: "f.json.gz"}},
		{"AWSLogs/111122223333/CloudTrail-NetworkActivity/us-east-1/2019/09/30/f.json.gz",
			Key{Kind: KeyNetworkActivity, Account: "111122223333", Region: "us-east-1", Date: d, Name: "f.json.gz"}},
		{"AWSLogs/111122223333/Config/us-east-1/2019/9/30/ConfigSnapshot/f.json.gz",
			Key{Kind: KeyForeign, Account: "111122223333", Name: "f.json.gz"}},
		{"AWSLogs/111122223333/Config/ConfigWritabilityCheckFile",
			Key{Kind: KeyForeign, Account: "111122223333", Name: "ConfigWritabilityCheckFile"}},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2019/09/30/notes.txt",
			Key{Kind: KeyForeign, Account: "111122223333", Region: "us-east-1", Date: d, Name: "notes.txt"}},
		{"AWSLogs/___/CloudTrail/___/1970/01/01/x.json.gz",
			Key{Kind: KeyLog, Account: "___", Region: "___", Date: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), Name: "x.json.gz"}},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2019/13/45/x.json.gz",
			Key{Kind: KeyLog, Account: "111122223333", Region: "us-east-1", Name: "x.json.gz"}},
		{`C:\logs\AWSLogs\111122223333\CloudTrail\us-east-1\2019\09\30\x.json`,
			Key{Kind: KeyLog, Account: "111122223333", Region: "us-east-1", Date: d, Name: "x.json"}},
		{"exports/cloudwatch-2019-09-30.jsonl", Key{Kind: KeyPlain, Name: "cloudwatch-2019-09-30.jsonl"}},
		{"rules/test.yml", Key{Kind: KeyForeign, Name: "test.yml"}},
		{"AWSLogs", Key{Kind: KeyForeign, Name: "AWSLogs"}},
		{"AWSLogs/o-abc", Key{Kind: KeyForeign, Org: "o-abc", Name: "o-abc"}},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			got := ParseKey(tc.key)
			if got != tc.want {
				t.Fatalf("ParseKey(%q)\n got %+v\nwant %+v", tc.key, got, tc.want)
			}
		})
	}
}

func TestPrefix(t *testing.T) {
	d := time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		org, account, kind, region string
		day                        time.Time
		want                       string
	}{
		{"", "", "", "", time.Time{}, "AWSLogs/"},
		{"o-x", "", "", "", time.Time{}, "AWSLogs/o-x/"},
		{"o-x", "1", "CloudTrail", "", time.Time{}, "AWSLogs/o-x/1/CloudTrail/"},
		{"", "1", "CloudTrail", "us-east-1", d, "AWSLogs/1/CloudTrail/us-east-1/2019/09/30/"},
	}
	for _, tc := range tests {
		if got := Prefix(tc.org, tc.account, tc.kind, tc.region, tc.day); got != tc.want {
			t.Errorf("Prefix = %q, want %q", got, tc.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2019-09-30T23:59:59Z", "2019-09-30T23:59:59Z", true},
		{"2019-09-30T23:59:59.123Z", "2019-09-30T23:59:59.123Z", true},
		{"2024-06-02 20:27:12", "2024-06-02T20:27:12Z", true},
		{"2024-06-02 20:27:12.000000000", "2024-06-02T20:27:12Z", true},
		{"2022-02-08T09:19:05+11:00", "2022-02-07T22:19:05Z", true},
		{"2019-02-30T00:00:00Z", "", false},
		{"eventTime", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, err := ParseTime(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseTime(%q) error %v", tc.in, err)
			continue
		}
		if tc.ok && got.Format(time.RFC3339Nano) != tc.want {
			t.Errorf("ParseTime(%q) = %s, want %s", tc.in, got.Format(time.RFC3339Nano), tc.want)
		}
	}
}

func TestContentHashIgnoresSpace(t *testing.T) {
	a := []byte(`{"a":"x y","b":[1,2,{"c":null}]}`)
	b := []byte("{ \"a\" : \"x y\",\n  \"b\": [1, 2, {\"c\": null}]\n}")
	if contentHash(a) != contentHash(b) {
		t.Fatal("hash differs by white space between tokens")
	}
	ea, _ := DecodeEvent([]byte(`{"eventName":"x y","eventTime":"2019-09-30T00:00:00Z"}`))
	eb, _ := DecodeEvent([]byte("{\"eventName\": \"x y\",\n \"eventTime\": \"2019-09-30T00:00:00Z\"}"))
	if ea.Hash != eb.Hash {
		t.Fatal("records differing only by white space have different hashes")
	}
	if contentHash([]byte(`{"a":"x  y"}`)) == contentHash([]byte(`{"a":"x y"}`)) {
		t.Fatal("white space inside strings must count")
	}
}
