package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/report"
)

func TestTimeline(t *testing.T) {
	ctx := context.Background()
	f := func(tq report.TimelineQuery, wantActions string) []report.TimelineEvent {
		t.Helper()
		evs, err := report.Timeline(ctx, testLake.eng, tq)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, e := range evs {
			got = append(got, e.Action)
			if i > 0 && e.Time.Before(evs[i-1].Time) {
				t.Errorf("not in time order at %d", i)
			}
		}
		if g := strings.Join(got, ","); g != wantActions {
			t.Errorf("%+v:\n got %s\nwant %s", tq, g, wantActions)
		}
		return evs
	}
	f(report.TimelineQuery{Principal: gen.ScenarioGhostUser},
		"sts:GetCallerIdentity,s3:ListBuckets,ec2:DescribeInstances,iam:ListUsers,secretsmanager:GetSecretValue")
	f(report.TimelineQuery{Principal: gen.ScenarioGhostAccessKey},
		"sts:GetCallerIdentity,s3:ListBuckets,ec2:DescribeInstances,iam:ListUsers,secretsmanager:GetSecretValue")
	evs := f(report.TimelineQuery{Resource: gen.ScenarioOpenedGroup}, "ec2:AuthorizeSecurityGroupIngress")
	if e := evs[0]; e.SourceIP != gen.ScenarioAttackerIP || e.Target != gen.ScenarioOpenedGroup || e.Outcome != "OK" || e.Account != testLake.accounts[0] {
		t.Errorf("event %+v", e)
	}
	f(report.TimelineQuery{Resource: gen.ScenarioGhostUser}, "iam:CreateUser,iam:AttachUserPolicy,iam:CreateAccessKey")
	f(report.TimelineQuery{IP: gen.ScenarioBruteForceIP}, "signin:ConsoleLogin,signin:ConsoleLogin,signin:ConsoleLogin,signin:ConsoleLogin")
	f(report.TimelineQuery{IP: gen.ScenarioAttackerIP, Account: testLake.accounts[1]}, "")
	since, _ := report.ParseTime("2019-09-30T13:40:00Z")
	until, _ := report.ParseTime("2019-09-30T14:00:00Z")
	f(report.TimelineQuery{Principal: gen.ScenarioMallory, Since: since, Until: until}, "cloudtrail:StopLogging")

	var buf bytes.Buffer
	evs = f(report.TimelineQuery{IP: gen.ScenarioBruteForceIP}, "signin:ConsoleLogin,signin:ConsoleLogin,signin:ConsoleLogin,signin:ConsoleLogin")
	if err := report.WriteTimeline(&buf, evs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 || !strings.Contains(lines[1], "2019-09-30 08:41:07") || !strings.HasSuffix(lines[1], "Failure") ||
		!strings.Contains(lines[4], "user/carol") || !strings.HasSuffix(lines[4], "OK") {
		t.Errorf("timeline:\n%s", buf.String())
	}

	if _, err := report.Timeline(ctx, testLake.eng, report.TimelineQuery{IP: "a", Principal: "b"}); err == nil {
		t.Error("two selectors accepted")
	}
}
