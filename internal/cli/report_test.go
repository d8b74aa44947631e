package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
)

// investigationLake builds a small lake with the planted scenarios.
func investigationLake(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	logs, lakePath := filepath.Join(dir, "logs"), filepath.Join(dir, "lake")
	if _, err := gen.Generate(ctx, gen.Options{Dir: logs, Events: 1000, Seed: 1, Org: gen.DefaultOrg}, nil); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
	lk, err := lake.Open(ctx, lakePath, now)
	if err != nil {
		t.Fatal(err)
	}
	src, err := source.NewLocal(logs)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{src}, Now: now})
	lk.Close()
	if err != nil {
		t.Fatal(err)
	}
	return lakePath
}

func TestReportFlags(t *testing.T) {
	f, _, _ := genFactory()
	var got *ReportOptions
	cmd := newReportCmd(f, func(_ context.Context, _ *Factory, o *ReportOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"run", "user-activity", "-p", "user=ghost-admin", "--param", "limit=5", "--since", "2019-09-30",
		"--until", "2019-10-01T00:00:00Z", "--account", "123456789012", "--format", "markdown", "-o", "x.md", "--lake", "L"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Action != "run" || got.Name != "user-activity" || strings.Join(got.Params, ",") != "user=ghost-admin,limit=5" ||
		got.Since != "2019-09-30" || got.Until != "2019-10-01T00:00:00Z" || got.Account != "123456789012" ||
		got.Format != "markdown" || got.Output != "x.md" || got.Lake != "L" {
		t.Errorf("options %+v", got)
	}
}

func TestReportUsageErrors(t *testing.T) {
	f := func(want string, args ...string) {
		t.Helper()
		fc, _, errOut := genFactory()
		if code := Run(context.Background(), fc, args); code != ExitUsage || !strings.Contains(errOut.String(), want) {
			t.Errorf("%v: exit %d, stderr %q, want usage error %q", args, code, errOut.String(), want)
		}
	}
	f("is not one of", "report", "run", "top-errors", "--format", "pdf")
	f(`no report "nope"`, "report", "run", "nope")
	f("needs --param user=VALUE", "report", "run", "user-activity")
	f("is not key=value", "report", "run", "top-errors", "-p", "limit")
	f("--since", "report", "run", "top-errors", "--since", "yesterday")
	f("not a 12-digit", "report", "run", "top-errors", "--account", "42")
	f("exactly one of", "timeline", "--ip", "1.2.3.4", "--principal", "x")
	f("exactly one of", "timeline")
}

func TestInvestigationCommands(t *testing.T) {
	lakePath := investigationLake(t)
	run := func(args ...string) string {
		t.Helper()
		fc, out, errOut := genFactory()
		if code := Run(context.Background(), fc, args); code != ExitOK {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
		return out.String()
	}
	if out := run("report", "list"); !strings.Contains(out, "security-group-opened-to-world") || strings.Count(out, "\n") < 29 {
		t.Errorf("report list:\n%s", out)
	}
	if out := run("report", "show", "security-group-opened-to-world"); !strings.Contains(out, "ModifySecurityGroupRules") || !strings.Contains(out, "--param group=STRING") {
		t.Errorf("report show:\n%s", out)
	}
	out := run("report", "run", "security-group-opened-to-world", "--lake", lakePath, "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 4 || !strings.Contains(out, gen.ScenarioOpenedGroup) || !strings.Contains(out, gen.ScenarioModifiedGroup) {
		t.Errorf("report run:\n%s", out)
	}
	if out := run("report", "run", "security-group-opened-to-world", "--lake", lakePath, "--format", "csv", "--since", "2019-10-01"); strings.Count(out, "\n") != 1 {
		t.Errorf("report run --since after the events:\n%s", out)
	}
	doc := filepath.Join(t.TempDir(), "sg.md")
	run("report", "run", "security-group-opened-to-world", "--lake", lakePath, "-o", doc)
	if b, err := os.ReadFile(doc); err != nil || !strings.HasPrefix(string(b), "# Security groups opened to the world") {
		t.Errorf("markdown document: %v\n%s", err, b)
	}
	out = run("report", "run", "user-creator", "--lake", lakePath, "--format", "html", "-p", "user=ghost-admin")
	if !strings.Contains(out, "<h1>Who created a user</h1>") || !strings.Contains(out, "<td>ghost-admin</td>") {
		t.Errorf("html document:\n%s", out)
	}

	out = run("timeline", "--lake", lakePath, "--ip", gen.ScenarioBruteForceIP)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 5 || !strings.Contains(lines[4], "user/carol") {
		t.Errorf("timeline:\n%s", out)
	}

	out = run("whois", "--lake", lakePath, gen.ScenarioGhostAccessKey)
	if !strings.Contains(out, "origin: IAM user arn:aws:iam::") || !strings.Contains(out, "user/"+gen.ScenarioGhostUser) || !strings.Contains(out, "user/"+gen.ScenarioAlice) {
		t.Errorf("whois:\n%s", out)
	}
	out = run("whois", "--lake", lakePath, "ASIANOTINTHELAKE0001")
	if !strings.Contains(out, "BREAK: ") {
		t.Errorf("whois of an unknown key:\n%s", out)
	}
}
