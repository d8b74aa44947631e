package trailtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"testing"
	"time"
)

// Object is one object to put into a bucket, with its S3 user metadata.
type Object struct {
	Key  string
	Body []byte
	Meta map[string]string
}

// DigestObject returns a CloudTrail digest file of account in region for
// the hour that ends at end (org may be empty), with a signature in its S3
// metadata (x-amz-meta-signature) as CloudTrail stores it. The signature is
// made up: it is hex, and it differs from digest to digest.
func DigestObject(t testing.TB, org, account, region string, end time.Time) Object {
	t.Helper()
	end = end.UTC()
	prefix := "AWSLogs/"
	if org != "" {
		prefix += org + "/"
	}
	key := fmt.Sprintf("%s%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_trail_%s_%s.json.gz",
		prefix, account, region, end.Format("2006/01/02"), account, region, region, end.Format("20060102T150405Z"))
	doc, err := json.Marshal(map[string]any{
		"awsAccountId": account, "digestStartTime": end.Add(-time.Hour).Format(time.RFC3339), "digestEndTime": end.Format(time.RFC3339),
		"digestS3Bucket": "trail", "digestS3Object": key, "digestPublicKeyFingerprint": "0123456789abcdef0123456789abcdef",
		"digestSignatureAlgorithm": "SHA256withRSA", "previousDigestSignature": nil, "logFiles": []any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	sig := fmt.Sprintf("%016x%016x", h.Sum64(), h.Sum64()^0xdeadbeef)
	return Object{Key: key, Body: Gzip(t, doc), Meta: map[string]string{"signature": sig, "signature-algorithm": "SHA256withRSA"}}
}
