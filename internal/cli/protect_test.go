package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/protect"
	"github.com/trailsql/trailsql/internal/trailtest"
)

func TestProtectPolicyCommand(t *testing.T) {
	f, out, errOut := genFactory()
	args := []string{"protect", "policy", "--bucket", "my-trail-bucket", "--account", "111122223333",
		"--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/management"}
	if code := Run(context.Background(), f, args); code != ExitOK {
		t.Fatalf("exit %d, %s", code, errOut)
	}
	want, err := os.ReadFile(filepath.Join("..", "protect", "testdata", "policy_trail.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) || !json.Valid(out.Bytes()) {
		t.Errorf("policy differs from protect/testdata/policy_trail.json:\n%s", out)
	}
	for _, args := range [][]string{
		{"protect", "policy"},
		{"protect", "policy", "--bucket", "B"},
		{"protect", "policy", "--bucket", "b-1", "--trail-arn", "trail"},
		{"protect", "policy", "--bucket", "b-1", "--account", "1"},
		{"protect", "policy", "--bucket", "b-1", "x"},
		{"protect", "check"},
		{"protect", "check", "--bucket", "b-1", "--format", "xml"},
		{"protect", "bogus"},
	} {
		f, _, errOut := genFactory()
		if code := Run(context.Background(), f, args); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, code, ExitUsage, errOut)
		}
	}
}

func TestProtectCheckFlags(t *testing.T) {
	f, _, _ := genFactory()
	var got *ProtectCheckOptions
	cmd := newProtectCmdWith(f, nil, func(_ context.Context, _ *Factory, o *ProtectCheckOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"check", "--bucket", "trail-b", "--prefix", "ct", "--endpoint-url", "http://127.0.0.1:1", "--profile", "audit", "--format", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Check != (protect.CheckOptions{Bucket: "trail-b", Prefix: "ct"}) || got.S3.EndpointURL != "http://127.0.0.1:1" || got.S3.Profile != "audit" || got.Format != "json" {
		t.Errorf("parsed %+v", got)
	}
}

func TestProtectCheckCommand(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "trail-b")
	m.Put(t, "trail-b", "AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/111122223333_CloudTrail_us-east-1_20240501T0005Z_a.json.gz", []byte("x"), nil)
	env := map[string]string{"AWS_ACCESS_KEY_ID": m.AccessKey, "AWS_SECRET_ACCESS_KEY": m.SecretKey, "AWS_REGION": m.Region}
	f, out, errOut := genFactory()
	f.Getenv = func(k string) string { return env[k] }
	code := Run(context.Background(), f, []string{"protect", "check", "--bucket", "trail-b", "--endpoint-url", m.Endpoint})
	if code != ExitError || !strings.Contains(errOut.String(), "s3://trail-b is not fully protected") {
		t.Errorf("exit %d, %s", code, errOut)
	}
	for _, want := range []string{"fail  versioning", "warn  object-lock", "ok    lifecycle", "fail  policy-delete", "fail  policy-tls", "fail  digests"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	f, out, _ = genFactory()
	f.Getenv = func(k string) string { return env[k] }
	Run(context.Background(), f, []string{"protect", "check", "--bucket", "trail-b", "--endpoint-url", m.Endpoint, "--format", "json"})
	var rep protect.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Bucket != "trail-b" || len(rep.Findings) != 7 {
		t.Errorf("json: %v %+v", err, rep)
	}
}
