package attrib_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/attrib"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
)

// eng reads the lake every test of the package shares: generated once
// per test binary (role sessions, chains, cross-account assumptions, the
// planted scenarios) plus testdata/events (keys whose issuing event is
// missing).
var eng *query.Engine

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "trailsql-attrib-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if err := buildLake(context.Background(), tmp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer eng.Close()
	return m.Run()
}

func buildLake(ctx context.Context, tmp string) error {
	now := func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
	logs, dir := filepath.Join(tmp, "logs"), filepath.Join(tmp, "lake")
	if _, err := gen.Generate(ctx, gen.Options{Dir: logs, Events: 20_000, Seed: 1, Org: gen.DefaultOrg}, nil); err != nil {
		return err
	}
	lk, err := lake.Open(ctx, dir, now)
	if err != nil {
		return err
	}
	var srcs []ingest.Source
	for _, p := range []string{logs, "testdata/events"} {
		src, err := source.NewLocal(p)
		if err != nil {
			lk.Close()
			return err
		}
		srcs = append(srcs, src)
	}
	_, err = ingest.Run(ctx, lk, ingest.Options{Sources: srcs, Now: now})
	lk.Close()
	if err != nil {
		return err
	}
	eng, err = query.Open(ctx, dir, query.Options{Now: now})
	return err
}

// col returns one text column of a query's rows.
func col(t *testing.T, sql string, args ...any) []string {
	t.Helper()
	res, err := eng.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Rows {
		s, _ := r[0].(string)
		out = append(out, s)
	}
	return out
}

func whois(t *testing.T, who string) *attrib.Answer {
	t.Helper()
	a, err := attrib.Whois(context.Background(), eng, who)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Chains) == 0 {
		t.Fatalf("whois %s: no chain", who)
	}
	return a
}

func TestWhoisLongTermKey(t *testing.T) {
	a := whois(t, gen.ScenarioGhostAccessKey)
	c := a.Chains[0]
	if c.OriginKind != "IAM user" || !strings.HasSuffix(c.Origin, ":user/"+gen.ScenarioGhostUser) || c.Break != "" {
		t.Errorf("chain %+v", c)
	}
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, "created for user ghost-admin") || !strings.Contains(notes, ":user/"+gen.ScenarioAlice) {
		t.Errorf("notes:\n%s", notes)
	}
}

const issued = `json_extract_scalar(responseelements, '$.credentials.accessKeyId')`

// TestWhoisRoleChains follows every role chain of the generated data (an
// AssumeRole called by a role session) and checks each hop against the
// issuing events, and the origin against an independent two-level join.
func TestWhoisRoleChains(t *testing.T) {
	keys := col(t, `SELECT DISTINCT `+issued+` FROM cloudtrail
		WHERE eventname = 'AssumeRole' AND useridentity.type = 'AssumedRole' ORDER BY 1 LIMIT 25`)
	if len(keys) < 10 {
		t.Fatalf("only %d role chains in the generated data", len(keys))
	}
	cross, long := 0, 0
	for _, k := range keys {
		c := whois(t, k).Chains[0]
		if c.Break != "" || c.Origin == "" {
			t.Errorf("%s: break %q", k, c.Break)
			continue
		}
		if len(c.Hops) < 2 || c.Hops[0].Key != k {
			t.Errorf("%s: hops %+v", k, c.Hops)
			continue
		}
		for i := 0; i+1 < len(c.Hops); i++ {
			if c.Hops[i].CallerKey != c.Hops[i+1].Key || c.Hops[i].Caller != c.Hops[i+1].Principal {
				t.Errorf("%s: hop %d called with %s as %s, next hop is %s of %s", k, i, c.Hops[i].CallerKey, c.Hops[i].Caller, c.Hops[i+1].Key, c.Hops[i+1].Principal)
			}
			if c.Hops[i].Time.Before(c.Hops[i+1].Time) {
				t.Errorf("%s: hop %d issued before the credentials it was called with", k, i)
			}
		}
		if c.Hops[0].CrossAccount {
			cross++
		}
		if len(c.Hops) >= 3 {
			long++
		}
		if len(c.Hops) == 2 {
			callerKey := col(t, `SELECT useridentity.accesskeyid FROM cloudtrail WHERE `+issued+` = ? LIMIT 1`, k)
			want := col(t, `SELECT coalesce(useridentity.arn, useridentity.invokedby, useridentity.username) FROM cloudtrail
				WHERE `+issued+` = ? LIMIT 1`, callerKey[0])
			if len(want) != 1 || want[0] != c.Origin {
				t.Errorf("%s: origin %s, the join says %v", k, c.Origin, want)
			}
		}
	}
	if cross == 0 {
		t.Error("no cross-account assumption among the chains")
	}
	t.Logf("%d chains, %d cross-account, %d of three hops or more", len(keys), cross, long)
}

func TestWhoisFederated(t *testing.T) {
	f := func(event, kind string) {
		t.Helper()
		keys := col(t, `SELECT `+issued+` FROM cloudtrail WHERE eventname = ? ORDER BY eventtimestamp, eventid LIMIT 3`, event)
		if len(keys) == 0 {
			t.Fatalf("no %s", event)
		}
		subjects := col(t, `SELECT useridentity.username FROM cloudtrail WHERE eventname = ? ORDER BY eventtimestamp, eventid LIMIT 3`, event)
		for i, k := range keys {
			c := whois(t, k).Chains[0]
			if !strings.Contains(kind, c.OriginKind) || c.Origin != subjects[i] || len(c.Hops) != 1 || c.Hops[0].Event != "sts:"+event {
				t.Errorf("%s %s: %+v, want %s %s", event, k, c, kind, subjects[i])
			}
		}
	}
	f("AssumeRoleWithSAML", "SAML user|IAM Identity Center user")
	f("AssumeRoleWithWebIdentity", "web identity")

	keys := col(t, `SELECT `+issued+` FROM cloudtrail WHERE eventname = 'GetFederationToken' ORDER BY 1 LIMIT 1`)
	c := whois(t, keys[0]).Chains[0]
	if c.OriginKind != "IAM user" || len(c.Hops) != 1 || !strings.Contains(c.Hops[0].Principal, ":federated-user/") {
		t.Errorf("GetFederationToken: %+v", c)
	}
}

func TestWhoisSession(t *testing.T) {
	arns := col(t, `SELECT json_extract_scalar(responseelements, '$.assumedRoleUser.arn') FROM cloudtrail
		WHERE eventname = 'AssumeRole' AND useridentity.type = 'AssumedRole' ORDER BY eventtimestamp, eventid LIMIT 1`)
	a := whois(t, arns[0])
	found := false
	for _, c := range a.Chains {
		if len(c.Hops) > 0 && c.Hops[0].Principal == arns[0] && c.Origin != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("whois %s: %+v", arns[0], a.Chains)
	}
	// The session name alone finds the same sessions (and maybe more).
	name := arns[0][strings.LastIndexByte(arns[0], '/')+1:]
	if b := whois(t, name); len(b.Chains) < 1 || b.Chains[0].Origin == "" && b.Chains[0].Break == "" {
		t.Errorf("whois %s: %+v", name, b.Chains)
	}
}

func TestWhoisIdentityCenterSession(t *testing.T) {
	c := whois(t, "ASIAFIXTURESSO000001").Chains[0]
	if c.Origin != "frank@example.com" || c.OriginKind != "IAM Identity Center user" || c.Break != "" {
		t.Errorf("%+v", c)
	}
}

func TestWhoisConsoleSession(t *testing.T) {
	keys := col(t, `SELECT useridentity.accesskeyid FROM cloudtrail WHERE useridentity.type = 'IAMUser'
		AND useridentity.accesskeyid LIKE 'ASIA%' AND sessioncredentialfromconsole = 'true' ORDER BY 1 LIMIT 1`)
	if len(keys) == 0 {
		t.Skip("no console session in the generated data")
	}
	c := whois(t, keys[0]).Chains[0]
	if c.OriginKind != "IAM user" || c.Break != "" || len(c.Hops) != 0 {
		t.Errorf("%+v", c)
	}
}

func TestWhoisBreaks(t *testing.T) {
	f := func(who, want string) {
		t.Helper()
		a := whois(t, who)
		c := a.Chains[0]
		if c.Origin != "" || !strings.Contains(c.Break, want) {
			t.Errorf("whois %s: origin %q, break %q, want %q", who, c.Origin, c.Break, want)
		}
		var buf bytes.Buffer
		if err := attrib.Write(&buf, a); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "BREAK: ") {
			t.Errorf("output does not say where the chain breaks:\n%s", buf.String())
		}
	}
	f("ASIANOTINTHELAKE0001", "is not in the lake")
	f("AKIANOTINTHELAKE0001", "is not in the lake")
	f("no-such-session", "no credentials were issued")
	f("ASIAFIXTUREORPHAN001", "issued before the lake's time range")
	f("ASIAFIXTUREORPHAN002", "chain breaks at ASIAFIXTUREORPHAN002")
	f("arn:aws:sts::111122223333:assumed-role/deploy/orphan-1", "issued before the lake's time range")
}

func TestWrite(t *testing.T) {
	keys := col(t, `SELECT DISTINCT `+issued+` FROM cloudtrail a
		WHERE eventname = 'AssumeRole' AND useridentity.type = 'AssumedRole' AND useridentity.accountid <> recipientaccountid ORDER BY 1 LIMIT 1`)
	var buf bytes.Buffer
	if err := attrib.Write(&buf, whois(t, keys[0])); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{"whois " + keys[0], "1. " + keys[0], "issued 20", "by sts:AssumeRole", "from ", "(cross-account)", "origin: "} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

// TestWhoisThreeHops follows the chains of three role sessions or more:
// a session that assumed a role with credentials from a session that
// itself assumed a role.
func TestWhoisThreeHops(t *testing.T) {
	keys := col(t, `WITH i AS (
		  SELECT `+issued+` AS k, useridentity.accesskeyid AS ck FROM cloudtrail
		  WHERE eventsource = 'sts.amazonaws.com' AND responseelements IS NOT NULL)
		SELECT DISTINCT a.k FROM i a JOIN i b ON a.ck = b.k JOIN i c ON b.ck = c.k ORDER BY 1`)
	if len(keys) == 0 {
		t.Fatal("no chain of three sessions in the generated data")
	}
	for _, k := range keys {
		c := whois(t, k).Chains[0]
		if len(c.Hops) < 3 || c.Origin == "" || c.Break != "" {
			t.Errorf("%s: %d hops, origin %q, break %q", k, len(c.Hops), c.Origin, c.Break)
		}
	}
}

func TestWhoisSourceIdentity(t *testing.T) {
	keys := col(t, `SELECT `+issued+` FROM cloudtrail WHERE eventname = 'AssumeRole'
		AND json_extract_scalar(requestparameters, '$.sourceIdentity') IS NOT NULL ORDER BY 1 LIMIT 1`)
	if len(keys) == 0 {
		t.Skip("no sourceIdentity in the generated data")
	}
	want := col(t, `SELECT json_extract_scalar(requestparameters, '$.sourceIdentity') FROM cloudtrail WHERE `+issued+` = ? LIMIT 1`, keys[0])
	c := whois(t, keys[0]).Chains[0]
	if !strings.Contains(strings.Join(c.Notes, "\n"), "source identity: "+want[0]) || c.OriginKind != "IAM user" {
		t.Errorf("%+v", c)
	}
}
