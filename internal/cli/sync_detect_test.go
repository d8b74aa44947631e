package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

// TestSyncAlertStdout: with --alert-stdout, stdout carries the new
// findings as JSON lines and nothing else, the log goes to stderr, and a
// second run sends nothing again.
func TestSyncAlertStdout(t *testing.T) {
	src, lk, rules := t.TempDir(), t.TempDir(), t.TempDir()
	rulePath := filepath.Join(rules, "stop.yml")
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
