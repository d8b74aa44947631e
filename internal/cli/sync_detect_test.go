package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/iostreams"
	"github.com/trailsql/trailsql/internal/trailtest"
)

func detectFactory(env map[string]string) *Factory {
	io, _, _, _ := iostreams.Test()
	return &Factory{IO: io, Now: time.Now, Getenv: func(k string) string { return env[k] }}
}

// TestSyncAlertFlags: bad alert settings are a usage error that lists
// every problem at once, before anything is read.
func TestSyncAlertFlags(t *testing.T) {
	f := detectFactory(nil)
	runCmd(t, f, ExitUsage, "sync", t.TempDir(), "--lake", t.TempDir(), "--every", "0",
		"--alert-webhook", "ftp://x", "--alert-slack", "hooks", "--alert-sns", "arn:aws:sqs:eu-west-1:1:q", "--alert-min-level", "severe")
	msg := f.IO.ErrOut.(*bytes.Buffer).String()
	for _, want := range []string{
		`--alert-webhook "ftp://x" is not an http(s) URL`,
		"--alert-webhook needs a signing secret",
		`--alert-slack "hooks" is not an http(s) URL`,
		"is not an SNS topic ARN",
		`--alert-min-level "severe"`,
		"the --alert-* flags need --detect",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

// alertFixture writes a trail with two StopLogging events and a rule
// that finds them; it returns the trail's folder, a lake and the rule.
func alertFixture(t *testing.T) (src, lk, rulePath string) {
	t.Helper()
	src, lk = t.TempDir(), t.TempDir()
	rules := t.TempDir()
	rulePath = filepath.Join(rules, "stop.yml")
	if err := os.WriteFile(rulePath, []byte(`title: Trail stopped
id: 3c0f4a52-5d0e-4c8e-9a51-000000000002
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: StopLogging}
  condition: selection
level: high
`), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	recs := []string{
		trailtest.Event("111111111111", "eu-west-1", at, 1, "StopLogging"),
		trailtest.Event("111111111111", "eu-west-1", at.Add(time.Minute), 2, "DescribeInstances"),
		trailtest.Event("111111111111", "eu-west-1", at.Add(2*time.Minute), 3, "StopLogging"),
	}
	trailtest.WriteFile(t, src, trailtest.LogKey("", "111111111111", "eu-west-1", at, "a"), trailtest.Gzip(t, trailtest.Records(recs...)))
	return src, lk, rulePath
}

// TestSyncAlertStdout: with --alert-stdout, stdout carries the new
// findings as JSON lines and nothing else, the log goes to stderr, and a
// second run sends nothing again.
func TestSyncAlertStdout(t *testing.T) {
	src, lk, rulePath := alertFixture(t)
	f := detectFactory(nil)
	args := []string{"sync", src, "--lake", lk, "--every", "0", "--detect", "--rules", rulePath, "--alert-stdout"}
	runCmd(t, f, ExitOK, args...)
	out, errOut := f.IO.Out.(*bytes.Buffer).String(), f.IO.ErrOut.(*bytes.Buffer).String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("stdout has %d lines, want 2 findings:\n%s", len(lines), out)
	}
	keys := map[string]bool{}
	for _, l := range lines {
		var fd detect.Finding
		if err := json.Unmarshal([]byte(l), &fd); err != nil || fd.Key == "" || fd.Level != "high" || fd.Title != "Trail stopped" {
			t.Fatalf("line %q: %+v, %v", l, fd, err)
		}
		keys[fd.Key] = true
	}
	if len(keys) != 2 {
		t.Fatalf("keys %v", keys)
	}
	if !strings.Contains(errOut, "sync run") || !strings.Contains(errOut, "detect run") || !strings.Contains(errOut, "sent=2") {
		t.Errorf("stderr lacks the run log:\n%s", errOut)
	}
	runCmd(t, f, ExitOK, args...)
	if out := f.IO.Out.(*bytes.Buffer).String(); out != "" {
		t.Fatalf("second run sent again:\n%s", out)
	}
}

// snsEndpoint is a local SNS Query API endpoint that records the Publish
// calls it gets.
type snsEndpoint struct {
	mu    sync.Mutex
	calls []url.Values
}

func (s *snsEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "Publish" || !strings.Contains(r.Header.Get("Authorization"), "Credential=AKIDSNS/") {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, r.Form)
	n := len(s.calls)
	s.mu.Unlock()
	fmt.Fprintf(w, `<PublishResponse><PublishResult><MessageId>m-%d</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`, n)
}

// TestSyncAlertSNSAndRefused: sync publishes each finding to SNS through
// the SDK, with the keys from the environment, while a webhook that
// refuses (400) gets each finding once, and the run says so.
func TestSyncAlertSNSAndRefused(t *testing.T) {
	src, lk, rulePath := alertFixture(t)
	sns := &snsEndpoint{}
	snsSrv := httptest.NewServer(sns)
	defer snsSrv.Close()
	var refused atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refused.Add(1)
		http.Error(w, "no such hook", http.StatusBadRequest)
	}))
	defer hook.Close()
	const topic = "arn:aws:sns:eu-west-1:111111111111:alerts"
	f := detectFactory(map[string]string{"AWS_ACCESS_KEY_ID": "AKIDSNS", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_ENDPOINT_URL_SNS": snsSrv.URL, "TRAILSQL_WEBHOOK_SECRET": "k"})
	args := []string{"sync", src, "--lake", lk, "--every", "0", "--detect", "--rules", rulePath,
		"--alert-sns", topic, "--alert-webhook", hook.URL}
	runCmd(t, f, ExitError, args...)
	log := f.IO.Out.(*bytes.Buffer).String()
	if len(sns.calls) != 2 {
		t.Fatalf("%d Publish calls, want 2\n%s", len(sns.calls), log)
	}
	keys := map[string]bool{}
	for _, c := range sns.calls {
		var fd detect.Finding
		if err := json.Unmarshal([]byte(c.Get("Message")), &fd); err != nil || c.Get("TopicArn") != topic {
			t.Fatalf("publish %v: %v", c, err)
		}
		keys[fd.Key] = true
	}
	if len(keys) != 2 {
		t.Fatalf("published keys %v", keys)
	}
	if refused.Load() != 2 || strings.Count(log, `msg="alert failed"`) != 2 || !strings.Contains(log, "2 alert(s) refused by their sink") {
		t.Fatalf("webhook tried %d times; log:\n%s", refused.Load(), log)
	}
	// Nothing is sent again, and refused alerts are not tried again.
	runCmd(t, f, ExitOK, args...)
	if len(sns.calls) != 2 || refused.Load() != 2 {
		t.Fatalf("second run: %d publishes, %d webhook tries", len(sns.calls), refused.Load())
	}
}
