package trailtest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Event returns the JSON text of a plausible CloudTrail management event.
// Its eventID is derived from id, so the same id gives the same event.
func Event(account, region string, t time.Time, id int, name string) string {
	return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA%012d","arn":"arn:aws:iam::%s:user/user%d","accountId":"%s","accessKeyId":"AKIA%016d","userName":"user%d"},"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"10.0.%d.%d","userAgent":"aws-cli/2.13.5","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-%017x"}]}},"responseElements":null,"requestID":"%08x-0000-4000-8000-%012x","eventID":"%08x-1111-4000-8000-%012x","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management"}`,
		id%1000, account, id%7, account, id%5000, id%7, t.UTC().Format("2006-01-02T15:04:05Z"), name, region, id%256, id%251, id, id, id, id, id, account)
}

// Records wraps record texts in a CloudTrail delivery document.
func Records(records ...string) []byte {
	return []byte(`{"Records":[` + strings.Join(records, ",") + `]}`)
}

// Gzip compresses b.
func Gzip(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// LogKey returns the key of a log file in the CloudTrail layout; org may be
// empty. suffix makes the file name unique.
func LogKey(org, account, region string, t time.Time, suffix string) string {
	prefix := "AWSLogs/"
	if org != "" {
		prefix += org + "/"
	}
	t = t.UTC()
	return fmt.Sprintf("%s%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
		prefix, account, region, t.Format("2006/01/02"), account, region, t.Format("20060102T1504Z"), suffix)
}

// WriteFile writes data to dir/key, creating folders.
func WriteFile(t testing.TB, dir, key string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Trail describes a synthetic trail written by WriteTrail.
type Trail struct {
	Org      string
	Accounts []string
	Regions  []string
	Start    time.Time
	Days     int
	Files    int // files per account, region and day
	Events   int // events per file
	Seed     uint64
}

// WriteTrail writes a synthetic trail into dir and returns the number of
// events written. Event ids are unique across the trail.
func WriteTrail(t testing.TB, dir string, tr Trail) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(tr.Seed, 7))
	names := []string{"DescribeInstances", "RunInstances", "GetObject", "AssumeRole", "ListBuckets"}
	id := int(tr.Seed) * 10_000_000
	n := 0
	for _, acct := range tr.Accounts {
		for _, region := range tr.Regions {
			for d := range tr.Days {
				day := tr.Start.AddDate(0, 0, d)
				for f := range tr.Files {
					at := day.Add(time.Duration(f) * 24 * time.Hour / time.Duration(tr.Files))
					recs := make([]string, tr.Events)
					for i := range recs {
						id++
						recs[i] = Event(acct, region, at.Add(time.Duration(rng.IntN(300))*time.Second), id, names[rng.IntN(len(names))])
					}
					n += len(recs)
					key := LogKey(tr.Org, acct, region, at, fmt.Sprintf("%016x", rng.Uint64()))
					WriteFile(t, dir, key, Gzip(t, Records(recs...)))
				}
			}
		}
	}
	return n
}
