package cli

import (
	"context"
	"strings"
	"testing"
)

func TestTamperingCommand(t *testing.T) {
	dir := genIngestLake(t)
	f, out, errOut := genFactory()
	if code := Run(context.Background(), f, []string{"tampering", "--lake", dir}); code != ExitOK {
		t.Fatalf("exit %d, %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(out.String(), "\r\n", "\n")), "\n")
	if len(lines) != 2 || lines[0] != "time,account,region,eventname,principal,sourceip,target,reason,severity,eventid" ||
		!strings.Contains(lines[1], ",us-east-1,StopLogging,arn:aws:iam::") || !strings.Contains(lines[1], ":trail/management-trail,trail stopped,high,") {
		t.Errorf("output:\n%s", out)
	}
	f, _, errOut = genFactory()
	if code := Run(context.Background(), f, []string{"tampering", "--lake", dir, "--fail", "--format", "json"}); code != ExitError ||
		!strings.Contains(errOut.String(), "found 1 events that weaken logging") {
		t.Errorf("--fail: exit %d, %s", code, errOut)
	}
	f, out, _ = genFactory()
	if code := Run(context.Background(), f, []string{"tampering", "--lake", dir, "--fail", "--until", "2019-09-29"}); code != ExitOK || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("before the stop: exit %d, %s", code, out)
	}
}
