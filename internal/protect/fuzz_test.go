package protect

import (
	"testing"
)

// FuzzParsePolicy: a bucket policy comes from S3, so from anyone who can
// put one; parsing and judging it never panics.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}`,
		`{"Statement":[{"Effect":"Deny","Principal":{"AWS":["*"]},"NotAction":"s3:Get*","Resource":["arn:aws:s3:::b/AWSLogs/*"],"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`,
		`{"Statement":[]}`, `{}`, `[]`, `null`, `{"Statement":"x"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sts, err := ParsePolicy(text)
		if err != nil {
			return
		}
		r := &Report{}
		checkPolicy(r, sts, CheckOptions{Bucket: "b", Partition: "aws"})
		if len(r.Findings) != 3 {
			t.Fatalf("%d findings", len(r.Findings))
		}
	})
}
