package protect_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/trailsql/trailsql/internal/protect"
	"github.com/trailsql/trailsql/internal/trailtest"
)

const acct = "111122223333"

func logKey(prefix string) string {
	return prefix + "AWSLogs/" + acct + "/CloudTrail/us-east-1/2024/05/01/" + acct + "_CloudTrail_us-east-1_20240501T0005Z_abc.json.gz"
}

func verdicts(r *protect.Report) map[string]protect.Status {
	out := map[string]protect.Status{}
	for _, f := range r.Findings {
		out[f.Check] = f.Status
	}
	return out
}

func expect(t *testing.T, r *protect.Report, want map[string]protect.Status) {
	t.Helper()
	got := verdicts(r)
	for check, st := range want {
		if got[check] != st {
			fd, _ := r.Get(check)
			t.Errorf("%s: %s (%s), want %s", check, got[check], fd.Detail, st)
		}
	}
	if len(got) != 7 {
		t.Errorf("%d findings, want 7: %+v", len(got), r.Findings)
	}
}

// TestCheckMinIO sets up buckets on a real MinIO and checks the findings.
func TestCheckMinIO(t *testing.T) {
	m := trailtest.StartMinIO(t)
	ctx := context.Background()
	c := m.Client()

	// An unprotected bucket: no versioning, a lifecycle rule that expires
	// logs after 30 days, a policy that lets anyone delete, logs without
	// digests.
	m.CreateBucket(t, "open-trail")
	m.Put(t, "open-trail", logKey(""), []byte("x"), nil)
	_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String("open-trail"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("expire-logs"), Status: types.ExpirationStatusEnabled,
				Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("AWSLogs/")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(30)}},
			{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled,
				Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("open-trail"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::open-trail/*"]}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := protect.Check(ctx, c, protect.CheckOptions{Bucket: "open-trail"})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, r, map[string]protect.Status{
		protect.CheckVersioning: protect.Fail, protect.CheckObjectLock: protect.Warn, protect.CheckLifecycle: protect.Fail,
		protect.CheckPolicyDelete: protect.Fail, protect.CheckPolicyOverwr: protect.Fail, protect.CheckPolicyTLS: protect.Fail,
		protect.CheckDigests: protect.Fail,
	})
	if fd, _ := r.Get(protect.CheckLifecycle); !strings.Contains(fd.Detail, "expire-logs") || strings.Contains(fd.Detail, "expire-tmp") {
		t.Errorf("lifecycle detail %q", fd.Detail)
	}
	if fd, _ := r.Get(protect.CheckPolicyDelete); !strings.Contains(fd.Detail, "everyone") {
		t.Errorf("policy detail %q", fd.Detail)
	}
	if r.OK() {
		t.Error("open bucket is OK")
	}

	// Suspended versioning is a failure too.
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("open-trail"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("open-trail"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	if err != nil {
		t.Fatal(err)
	}
	r, err = protect.Check(ctx, c, protect.CheckOptions{Bucket: "open-trail"})
	if err != nil {
		t.Fatal(err)
	}
	if fd, _ := r.Get(protect.CheckVersioning); fd.Status != protect.Fail || !strings.Contains(fd.Detail, "suspended") {
		t.Errorf("suspended versioning: %+v", fd)
	}

	// A protected organization-trail bucket under a key prefix: Object
	// Lock with a default retention (and so versioning), a lifecycle rule
	// for other keys only, the policy of Policy, and digests.
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("locked-trail"), ObjectLockEnabledForBucket: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("locked-trail"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String("locked-trail"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled,
				Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	policy, err := protect.Policy(protect.PolicyOptions{Bucket: "locked-trail", Prefix: "ct"})
	if err != nil {
		t.Fatal(err)
	}
	// MinIO knows neither the CloudTrail service principal nor the
	// s3:x-amz-acl condition key: it gets the Deny statements only.
	var doc protect.Document
	if err := json.Unmarshal(policy, &doc); err != nil {
		t.Fatal(err)
	}
	var denies []protect.Statement
	// Nor aws:PrincipalServiceName: its overwrite Deny has no exception
	// for CloudTrail (the simple deny-Put policy).
	for _, s := range doc.Statement {
		if s.Sid == "DenyLogOverwriteExceptCloudTrail" {
			s.Condition = nil
		}
		if s.Effect == "Deny" {
			denies = append(denies, s)
		}
	}
	doc.Statement = denies
	policy, _ = json.Marshal(doc)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("locked-trail"), Policy: aws.String(string(policy))})
	if err != nil {
		t.Fatalf("MinIO refuses the Deny statements of Policy: %v", err)
	}
	objs := []trailtest.Object{{Key: "ct/AWSLogs/o-a1b2c3d4e5/" + strings.TrimPrefix(logKey(""), "AWSLogs/"), Body: []byte("x")}}
	d := trailtest.DigestObject(t, "o-a1b2c3d4e5", acct, "us-east-1", time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC))
	d.Key = "ct/" + d.Key
	objs = append(objs, d)
	m.PutObjects(t, "locked-trail", objs)
	r, err = protect.Check(ctx, c, protect.CheckOptions{Bucket: "locked-trail", Prefix: "ct"})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, r, map[string]protect.Status{
		protect.CheckVersioning: protect.OK, protect.CheckObjectLock: protect.OK, protect.CheckLifecycle: protect.OK,
		protect.CheckPolicyDelete: protect.OK, protect.CheckPolicyOverwr: protect.OK, protect.CheckPolicyTLS: protect.OK,
		protect.CheckDigests: protect.OK,
	})
	if !r.OK() {
		t.Errorf("locked bucket is not OK: %+v", r.Findings)
	}

	// Without the key prefix, nothing is found under AWSLogs/ and the
	// lifecycle rule still does not reach logs.
	r, err = protect.Check(ctx, c, protect.CheckOptions{Bucket: "locked-trail"})
	if err != nil {
		t.Fatal(err)
	}
	if fd, _ := r.Get(protect.CheckDigests); fd.Status != protect.Warn {
		t.Errorf("digests without prefix: %+v", fd)
	}

	// What S3 refuses to tell is unknown, and not OK.
	creds := m.RestrictedCredentials(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::locked-trail"]}]}`)
	r, err = protect.Check(ctx, m.ClientWith(creds, nil), protect.CheckOptions{Bucket: "locked-trail"})
	if err != nil {
		t.Fatal(err)
	}
	if fd, _ := r.Get(protect.CheckVersioning); fd.Status != protect.Unknown || !strings.Contains(fd.Detail, "AccessDenied") {
		t.Errorf("versioning without the right: %+v", fd)
	}
	if r.OK() {
		t.Error("report without rights is OK")
	}
}
