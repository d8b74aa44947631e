package protect

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestPolicyGolden(t *testing.T) {
	f := func(name string, o PolicyOptions) {
		t.Helper()
		got, err := Policy(o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !json.Valid(got) {
			t.Fatalf("%s: not JSON:\n%s", name, got)
		}
		path := filepath.Join("testdata", name+".json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: policy differs from %s:\n%s", name, path, got)
		}
		// The policy passes its own checks.
		sts, err := ParsePolicy(string(got))
		if err != nil {
			t.Fatal(err)
		}
		r := &Report{}
		checkPolicy(r, sts, CheckOptions{Bucket: o.Bucket, Prefix: o.Prefix, Partition: o.partition()})
		for _, fd := range r.Findings {
			if fd.Status != OK {
				t.Errorf("%s: own policy %s: %s %s", name, fd.Check, fd.Status, fd.Detail)
			}
		}
	}
	f("policy_bucket", PolicyOptions{Bucket: "my-trail-bucket"})
	f("policy_trail", PolicyOptions{Bucket: "my-trail-bucket", Account: "111122223333",
		TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management"})
	f("policy_prefix", PolicyOptions{Bucket: "shared-logs", Prefix: "/cloudtrail/prod/"})
	f("policy_govcloud", PolicyOptions{Bucket: "gov.trail.bucket",
		TrailARN: "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/org"})
}

func TestPolicyStatements(t *testing.T) {
	b, err := Policy(PolicyOptions{Bucket: "b-logs", TrailARN: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/trail-1"})
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	bySid := map[string]Statement{}
	for _, s := range doc.Statement {
		bySid[s.Sid] = s
	}
	w := bySid["AWSCloudTrailWrite"]
	if w.Effect != "Allow" || w.Condition["StringEquals"]["s3:x-amz-acl"] != "bucket-owner-full-control" ||
		w.Condition["StringEquals"]["aws:SourceArn"] != "arn:aws:cloudtrail:eu-west-1:111122223333:trail/trail-1" {
		t.Errorf("write statement %+v", w)
	}
	if d := bySid["DenyLogDeletion"]; d.Effect != "Deny" || d.Principal != "*" || d.Resource != "arn:aws:s3:::b-logs/AWSLogs/*" || len(d.Condition) != 0 {
		t.Errorf("deletion statement %+v", d)
	}
	// The overwrite deny must not block CloudTrail itself.
	if d := bySid["DenyLogOverwriteExceptCloudTrail"]; d.Condition["StringNotEquals"]["aws:PrincipalServiceName"] != CloudTrailService {
		t.Errorf("overwrite statement %+v", d)
	}
	if d := bySid["DenyInsecureTransport"]; d.Condition["Bool"]["aws:SecureTransport"] != "false" {
		t.Errorf("TLS statement %+v", d)
	}
}

func TestPolicyOptionsValidate(t *testing.T) {
	err := PolicyOptions{Bucket: "Bad_Bucket", TrailARN: "trail/x", Account: "12"}.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Bad_Bucket", "trail/x", `"12"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if _, err := Policy(PolicyOptions{}); err == nil || !strings.HasPrefix(err.Error(), "cannot write policy: ") {
		t.Errorf("empty bucket: %v", err)
	}
}

func TestCheckPolicyVerdicts(t *testing.T) {
	f := func(policy string, want map[string]Status) {
		t.Helper()
		sts, err := ParsePolicy(policy)
		if err != nil {
			t.Fatal(err)
		}
		r := &Report{}
		checkPolicy(r, sts, CheckOptions{Bucket: "b", Partition: "aws"})
		for check, st := range want {
			if fd, _ := r.Get(check); fd.Status != st {
				t.Errorf("%s: %s (%s), want %s\npolicy %s", check, fd.Status, fd.Detail, st, policy)
			}
		}
	}
	// Anyone may delete.
	f(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}`,
		map[string]Status{CheckPolicyDelete: Fail, CheckPolicyOverwr: Fail, CheckPolicyTLS: Fail})
	// The simple deny-Put/Delete policy: protects, but also blocks CloudTrail's writes
	// (no exception), which the overwrite check still counts as a deny.
	f(`{"Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:Delete*","s3:PutObject"],"Resource":"arn:aws:s3:::b/AWSLogs/*"}]}`,
		map[string]Status{CheckPolicyDelete: OK, CheckPolicyOverwr: OK, CheckPolicyTLS: Fail})
	// Deletes denied but not of versions.
	f(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`,
		map[string]Status{CheckPolicyDelete: Fail})
	// Denied only under a condition.
	f(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`,
		map[string]Status{CheckPolicyDelete: Warn})
	// TLS only, on the whole bucket, written with a list of resources.
	f(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}`,
		map[string]Status{CheckPolicyTLS: OK, CheckPolicyDelete: Fail})
	// Another bucket's statements do not count.
	f(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}]}`,
		map[string]Status{CheckPolicyDelete: Fail})
	// NotPrincipal makes a deny conditional.
	f(`{"Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*"}]}`,
		map[string]Status{CheckPolicyDelete: Warn})
}

func TestWildMatch(t *testing.T) {
	f := func(p, s string, want bool) {
		t.Helper()
		if got := wildMatch(p, s); got != want {
			t.Errorf("wildMatch(%q, %q) = %v", p, s, got)
		}
	}
	f("*", "", true)
	f("s3:*", "s3:DeleteObject", true)
	f("s3:Delete*", "s3:DeleteObjectVersion", true)
	f("s3:Delete?bject", "s3:DeleteObject", true)
	f("s3:Put*", "s3:DeleteObject", false)
	f("arn:aws:s3:::b/AWSLogs/*", "arn:aws:s3:::b/AWSLogs/1/CloudTrail/x", true)
	f("arn:aws:s3:::b/*/CloudTrail/*", "arn:aws:s3:::b/AWSLogs/1/CloudTrail/x", true)
	f("arn:aws:s3:::b", "arn:aws:s3:::b/AWSLogs/x", false)
	f("a*b*c", "aXbYbZc", true)
	f("a*b*c", "aXbYbZ", false)
}
