package query

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The CloudTrail Lake tests run AWS's published Lake queries
// (testdata/lake, copied verbatim) against the fixture's events plus a few
// that those queries look for (RDS, Config evaluations, tags, snapshots),
// each checked against an answer computed here in Go from the events.

// lakeExtraEvents are events that AWS's Lake sample queries look for and
// the fixture does not have.
func lakeExtraEvents() []*fxEvent {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	rds := func(ts, name, req string) *fxEvent {
		return &fxEvent{Time: at(ts), Account: acctProd, Region: "eu-west-1", Source: "rds.amazonaws.com", Name: name, IP: "10.0.0.77", User: carol, Req: req, ReadOnly: "false", TLS: "TLSv1.2"}
	}
	evs := []*fxEvent{
		rds("2019-09-30T19:01:01Z", "CreateDBInstance", `{"dBInstanceIdentifier":"billing-pg-1","dBInstanceClass":"db.r5.large","engine":"aurora-postgresql","engineVersion":"10.7","availabilityZone":"eu-west-1a","enablePerformanceInsights":true,"publiclyAccessible":false}`),
		rds("2019-09-30T19:02:01Z", "CreateDBInstance", `{"dBInstanceIdentifier":"billing-pg-2","dBInstanceClass":"db.r5.large","engine":"aurora-postgresql","engineVersion":"10.7","enablePerformanceInsights":false}`),
		rds("2019-09-30T19:03:01Z", "CreateDBInstance", `{"dBInstanceIdentifier":"shop-mysql-1","dBInstanceClass":"db.t3.medium","engine":"aurora-mysql","engineVersion":"5.7"}`),
		rds("2019-09-30T19:04:01Z", "FailoverDBCluster", `{"dBClusterIdentifier":"billing-pg"}`),
		rds("2019-09-30T19:05:01Z", "RebootDBInstance", `{"dBInstanceIdentifier":"billing-pg-1"}`),
		rds("2019-10-01T19:05:01Z", "RebootDBInstance", `{"dBInstanceIdentifier":"shop-mysql-1","forceFailover":false}`),
		rds("2019-09-30T19:06:01Z", "RestoreDBClusterToPointInTime", `{"sourceDBClusterIdentifier":"billing-pg","dBClusterIdentifier":"billing-pg-restored","restoreToTime":"Sep 30, 2019 6:00:00 PM"}`),
		rds("2019-09-30T19:07:01Z", "DeleteDBCluster", `{"dBClusterIdentifier":"billing-pg-restored","skipFinalSnapshot":true}`),
		rds("2019-09-30T19:08:01Z", "DeleteDBCluster", `{"dBClusterIdentifier":"old-cluster","skipFinalSnapshot":false,"finalDBSnapshotIdentifier":"old-final"}`),
		// Config rule evaluations.
		{Time: at("2019-09-30T19:10:01Z"), Account: acctProd, Region: "us-east-1", Source: "config.amazonaws.com", Name: "PutEvaluations", IP: "config.amazonaws.com", User: lambdaS, ReadOnly: "false",
			Req:   `{"evaluations":[{"complianceResourceType":"AWS::S3::Bucket","complianceResourceId":"trailsql-demo-public","complianceType":"NON_COMPLIANT","orderingTimestamp":"Sep 30, 2019 7:00:00 PM"}],"resultToken":"tok","testMode":false}`,
			Extra: `{"configRuleName":"s3-bucket-public-read-prohibited","configRuleArn":"arn:aws:config:us-east-1:111122223333:config-rule/config-rule-abc123","managedRuleIdentifier":"S3_BUCKET_PUBLIC_READ_PROHIBITED"}`},
		{Time: at("2019-10-01T19:10:01Z"), Account: acctProd, Region: "us-east-1", Source: "config.amazonaws.com", Name: "PutEvaluations", IP: "config.amazonaws.com", User: lambdaS, ReadOnly: "false",
			Req:   `{"evaluations":[{"complianceResourceType":"AWS::S3::Bucket","complianceResourceId":"trailsql-logs-archive","complianceType":"NOT_APPLICABLE","orderingTimestamp":"Oct 1, 2019 7:00:00 PM"}],"resultToken":"tok","testMode":false}`,
			Extra: `{"configRuleName":"s3-bucket-public-read-prohibited","configRuleArn":"arn:aws:config:us-east-1:111122223333:config-rule/config-rule-abc123"}`},
		// A role that assumes itself, and the same role assuming another.
		{Time: at("2019-09-30T19:12:01Z"), Account: acctProd, Region: "us-east-1", Source: "sts.amazonaws.com", Name: "AssumeRole", IP: "10.0.0.77", User: carol, ReadOnly: "true", TLS: "TLSv1.2",
			Req:       `{"roleArn":"arn:aws:iam::111122223333:role/Admin","roleSessionName":"carol-again"}`,
			Resources: []fxResource{{ARN: "arn:aws:iam::111122223333:role/Admin", AccountID: acctProd, Type: "AWS::IAM::Role"}}},
		{Time: at("2019-09-30T19:13:01Z"), Account: acctProd, Region: "us-east-1", Source: "sts.amazonaws.com", Name: "AssumeRole", IP: "10.0.0.77", User: carol, ReadOnly: "true", TLS: "TLSv1.2",
			Req:       `{"roleArn":"arn:aws:iam::111122223333:role/Auditor","roleSessionName":"carol"}`,
			Resources: []fxResource{{ARN: "arn:aws:iam::111122223333:role/Auditor", AccountID: acctProd, Type: "AWS::IAM::Role"}}},
		// Privilege escalation: ghost-admin into an admin group.
		{Time: at("2019-09-30T09:30:01Z"), Account: acctProd, Region: "us-east-1", Source: "iam.amazonaws.com", Name: "AddUserToGroup", IP: "198.51.100.20", User: alice, ReadOnly: "false", TLS: "TLSv1.2",
			Req: `{"groupName":"cloud-admins","userName":"ghost-admin"}`},
		{Time: at("2019-09-30T09:31:01Z"), Account: acctProd, Region: "us-east-1", Source: "iam.amazonaws.com", Name: "AddUserToGroup", IP: "198.51.100.20", User: alice, ReadOnly: "false", TLS: "TLSv1.2",
			Req: `{"groupName":"developers","userName":"ghost-admin"}`},
		// Tags, snapshots and a security group rule change.
		{Time: at("2019-09-30T10:30:01Z"), Account: acctDev, Region: "eu-west-1", Source: "ec2.amazonaws.com", Name: "CreateTags", IP: "1.2.3.4", User: mallory, ReadOnly: "false", TLS: "TLSv1.2",
			Req: `{"resourcesSet":{"items":[{"resourceId":"i-0aaaaaaaaaaaaaaa1"},{"resourceId":"i-0aaaaaaaaaaaaaaa2"}]},"tagSet":{"items":[{"key":"Name","value":"build"}]}}`, Resp: `{"_return":true}`},
		{Time: at("2019-10-01T10:30:01Z"), Account: acctDev, Region: "eu-west-1", Source: "ec2.amazonaws.com", Name: "DeleteTags", IP: "1.2.3.4", User: mallory, ReadOnly: "false", TLS: "TLSv1.2",
			Req: `{"resourcesSet":{"items":[{"resourceId":"i-0aaaaaaaaaaaaaaa2"}]},"tagSet":{"items":[{"key":"Name"}]}}`, Resp: `{"_return":true}`},
		{Time: at("2019-09-30T10:40:01Z"), Account: acctDev, Region: "eu-west-1", Source: "ec2.amazonaws.com", Name: "CreateSnapshots", IP: "1.2.3.4", User: mallory, ReadOnly: "false", TLS: "TLSv1.2",
			Req:  `{"CreateSnapshotsRequest":{"InstanceSpecification":{"InstanceId":"i-0aaaaaaaaaaaaaaa1","ExcludeBootVolume":false}}}`,
			Resp: `{"CreateSnapshotsResponse":{"snapshotSet":{"item":{"snapshotId":"snap-0b1"}}}}`},
		{Time: at("2019-09-30T10:41:01Z"), Account: acctDev, Region: "eu-west-1", Source: "ec2.amazonaws.com", Name: "CreateSnapshot", IP: "1.2.3.4", User: mallory, ReadOnly: "false", TLS: "TLSv1.2",
			Req: `{"volumeId":"vol-0c1","description":""}`, Resp: `{"snapshotId":"snap-0c1","volumeId":"vol-0c1","encrypted":false}`},
		{Time: at("2019-09-30T10:42:01Z"), Account: acctDev, Region: "eu-west-1", Source: "ec2.amazonaws.com", Name: "CreateSnapshot", IP: "1.2.3.4", User: mallory, ReadOnly: "false", TLS: "TLSv1.2",
			Req: `{"volumeId":"vol-0c2"}`, Resp: `{"snapshotId":"snap-0c2","volumeId":"vol-0c2","encrypted":true}`},
		{Time: at("2019-09-30T10:17:01Z"), Account: acctDev, Region: "us-east-1", Source: "ec2.amazonaws.com", Name: "ModifySecurityGroupRules", IP: "1.2.3.4", User: mallory, ReadOnly: "false", TLS: "TLSv1.2",
			Req:  `{"ModifySecurityGroupRulesRequest":{"GroupId":"` + sgOpen + `","SecurityGroupRule":{"SecurityGroupRuleId":"sgr-0a1","SecurityGroupRule":{"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"CidrIpv4":"0.0.0.0/0"}}}}`,
			Resp: `{"ModifySecurityGroupRulesResponse":{"return":true}}`},
		// An encrypted upload.
		{Time: at("2019-09-30T16:05:01Z"), Account: acctProd, Region: "us-east-1", Source: "s3.amazonaws.com", Name: "PutObject", IP: "198.51.100.20", User: alice, ReadOnly: "false", TLS: "TLSv1.2",
			Req:       `{"bucketName":"trailsql-private","Host":"trailsql-private.s3.amazonaws.com","key":"keys/id.pem","x-amz-server-side-encryption":"aws:kms"}`,
			Resp:      `{"x-amz-server-side-encryption":"aws:kms","x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:111122223333:key/k1"}`,
			Extra:     `{"SignatureVersion":"SigV4","aclRequired":"Yes","bytesTransferredIn":1024}`,
			Resources: []fxResource{{ARN: "arn:aws:s3:::trailsql-private/keys/id.pem", Type: "AWS::S3::Object"}, {ARN: "arn:aws:s3:::trailsql-private", AccountID: acctProd, Type: "AWS::S3::Bucket"}}},
	}
	for i, e := range evs {
		if e.Agent == "" {
			e.Agent = "aws-cli/1.16.230 Python/3.7.4 Linux/4.14.133 botocore/1.12.220"
		}
		e.Type = "AwsApiCall"
		e.ID = "1a4e0000-0000-4000-8000-" + strings.Repeat("0", 10) + string(rune('a'+i/26)) + string(rune('a'+i%26))
		e.RequestID = "LAKEREQ" + itoa(1000+i)
	}
	return evs
}

// lakeEvents returns the events of the Lake tests' lake, sorted by time.
func lakeEvents() []*fxEvent {
	evs := append(fixtureEvents(), lakeExtraEvents()...)
	seen := map[time.Time]bool{}
	for _, e := range evs {
		if seen[e.Time] {
			panic("lake fixture: two events at " + e.Time.String())
		}
		seen[e.Time] = true
	}
	return byTime(evs)
}

// openLakeFixture opens an engine on a lake of lakeEvents.
func openLakeFixture(t *testing.T) (*Engine, []*fxEvent) {
	t.Helper()
	evs := lakeEvents()
	src := t.TempDir()
	writeFixtureLogs(t, src, evs)
	dir := t.TempDir()
	if sum := ingestDir(t, src, dir, 0); sum.Written != len(evs) || sum.QuarantinedRecs != 0 {
		t.Fatalf("lake fixture: ingest wrote %d events of %d, quarantined %d", sum.Written, len(evs), sum.QuarantinedRecs)
	}
	e, err := Open(context.Background(), dir, Options{Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, evs
}

// lakeMap is Lake's map(varchar, varchar) of the JSON object js, computed
// independently of the view: the top-level keys, a string value unquoted,
// null as NULL, anything else as its compact JSON text.
func lakeMap(js string) (map[string]string, bool) {
	if js == "" {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(js), &m) != nil {
		return nil, false
	}
	out := map[string]string{}
	for k, raw := range m {
		switch {
		case string(raw) == "null":
			out[k] = null
		case raw[0] == '"':
			var s string
			json.Unmarshal(raw, &s)
			out[k] = s
		default:
			var b bytes.Buffer
			json.Compact(&b, raw)
			out[k] = b.String()
		}
	}
	return out, true
}

// elementAt is element_at(map, key) on the JSON object js: NULL for a
// missing key or a NULL map.
func elementAt(js, key string) string {
	m, ok := lakeMap(js)
	if !ok {
		return null
	}
	if v, ok := m[key]; ok {
		return v
	}
	return null
}

// lakeTime is how a Lake eventTime (TIMESTAMP) is shown.
func lakeTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

// lakeBoolText is Lake's readOnly: true, false or NULL.
func lakeBoolText(s string) string { return orNull(s) }

// lakeMgmt is the managementEvent the fixture writes for e.
func lakeMgmt(e *fxEvent) string {
	for _, r := range e.Resources {
		if r.Type == "AWS::S3::Object" {
			return "false"
		}
	}
	if e.Type == "AwsApiCall" || e.Type == "AwsConsoleSignIn" {
		return "true"
	}
	return null
}

// lakeCategory is the eventCategory the fixture writes for e.
func lakeCategory(e *fxEvent) string {
	if e.Type == "AwsCloudTrailInsight" {
		return "Insight"
	}
	for _, r := range e.Resources {
		if r.Type == "AWS::S3::Object" {
			return "Data"
		}
	}
	return "Management"
}

// principal is userIdentity.principalId (NULL for a service or no identity).
func principal(e *fxEvent) string {
	if e.User == (fxIdentity{}) || e.User.Type == "AWSService" {
		return null
	}
	return e.User.PrincipalID
}

func between(e *fxEvent, from, to string) bool {
	t := lakeTime(e.Time)
	return t > from && t < to
}

// like is SQL LIKE for patterns of literal text and %.
func like(s, pattern string) bool {
	if s == null {
		return false
	}
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), "%", ".*") + "$"
	return regexp.MustCompile(re).MatchString(s)
}

// lakeCase is one Lake query of testdata/lake.
type lakeCase struct {
	file string
	// params are the replacements a user makes before running the query
	// (old, new, old, new, ...): dates, names, keys. The event data store
	// placeholder is replaced by the test, with each of the forms in turn.
	params []string
	// cols are the result columns compared (nil: all).
	cols []string
	// order is how the rows must be sorted (sortRows columns, of cols);
	// nil compares them in any order.
	order []int
	want  func(evs []*fxEvent) [][]string
	// fails is what the error says for a query that cannot run.
	fails string
	// fixes repair a sample that fails as published (old, new, ...: the
	// least change that makes it the query its comment describes); the
	// repaired query is then checked against want.
	fixes []string
	// cut drops a repeated copy of the query from a published sample: the
	// text from the last occurrence of cut on.
	cut string
}

// fixLakeQuery applies c.fixes to q.
func fixLakeQuery(t *testing.T, c lakeCase, q string) string {
	t.Helper()
	for i := 0; i+1 < len(c.fixes); i += 2 {
		if !strings.Contains(q, c.fixes[i]) {
			t.Fatalf("%s: no %q to repair", c.file, c.fixes[i])
		}
		q = strings.Replace(q, c.fixes[i], c.fixes[i+1], 1)
	}
	if c.cut != "" {
		i := strings.LastIndex(q, c.cut)
		if i < 0 {
			t.Fatalf("%s: no %q to cut at", c.file, c.cut)
		}
		q = q[:i]
	}
	return q
}

// The fixture's whole time range, for the queries' date parameters.
const (
	lakeFrom = "2019-09-29 00:00:00"
	lakeTo   = "2019-10-02 00:00:00"
)

func lakeCases() []lakeCase {
	inRange := func(e *fxEvent) bool { return between(e, lakeFrom, lakeTo) }
	return []lakeCase{
		{file: "EstimateAmountOfConfigurationItems", params: []string{"2023-10-01 00:00:00", lakeFrom, "2023-10-30 00:00:00", lakeTo},
			order: []int{-1, -4},
			want: func(evs []*fxEvent) [][]string {
				prefixes := []string{"eks", "ec2", "vpc", "ecs", "iam", "autoscaling", "s3", "rds", "backup", "athena", "cloudtrail", "cloudfront", "cloudformation", "code", "ecr", "lambda", "efs"}
				return groupCount(where(evs, func(e *fxEvent) bool {
					ok := false
					for _, p := range prefixes {
						ok = ok || strings.HasPrefix(e.Source, p)
					}
					return ok && e.ReadOnly == "false" && lakeMgmt(e) == "true" && inRange(e)
				}), func(e *fxEvent) []string { return []string{e.Account, e.Region, e.Source} })
			}},
		{file: "MostEvaluatedConfigRule", params: []string{"2022-11-01 00:00:00", lakeFrom, "2022-11-22 00:00:00", lakeTo},
			order: []int{-2, -1, 3},
			want: func(evs []*fxEvent) [][]string {
				// GROUP BY additionalEventData: one row per distinct map.
				rows := groupCount(where(evs, func(e *fxEvent) bool { return e.Name == "PutEvaluations" && inRange(e) }), func(e *fxEvent) []string {
					return []string{e.Time.Format("2006-01-02"), e.Region, e.Account, elementAt(e.Extra, "configRuleName"), elementAt(e.Extra, "configRuleArn"), e.Extra}
				})
				for i, r := range rows {
					rows[i] = []string{r[6], r[0], r[1], r[2], r[3], r[4]}
				}
				return rows
			}},
		{file: "SelfAssumeRole", want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return e.Source == "sts.amazonaws.com" && e.Name == "AssumeRole" && e.User.Type == "AssumedRole" && e.ErrorCode == "" && len(e.Resources) > 0 && e.User.IssuerARN == e.Resources[0].ARN
			}), func(e *fxEvent) []string {
				return []string{e.ID, lakeTime(e.Time), e.User.IssuerARN, e.User.PrincipalID}
			})
		}},
		{file: "activity-performed-by-IP-address", params: []string{"192.0.2.76", "1.2.3.4", "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo, "555555555555", acctDev},
			want: func(evs []*fxEvent) [][]string {
				seen := map[string]bool{}
				var out [][]string
				for _, e := range evs {
					if e.IP == "1.2.3.4" && inRange(e) && e.User.AccountID != "" && e.User.AccountID != acctDev && !seen[e.User.AccountID] {
						seen[e.User.AccountID] = true
						out = append(out, []string{e.User.AccountID})
					}
				}
				return out
			}},
		{file: "aurora-databases-with-performance-insights", want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return elementAt(e.Req, "engine") == "aurora-postgresql" && e.Name == "CreateDBInstance" && elementAt(e.Req, "enablePerformanceInsights") == "true"
			}), func(e *fxEvent) []string {
				return []string{elementAt(e.Req, "dBInstanceIdentifier"), elementAt(e.Req, "engine"), elementAt(e.Req, "engineVersion")}
			})
		}},
		{file: "aurora-mysql-databases-with-instance-class-information", params: []string{"2022-01-01 00:00:00", lakeFrom}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return elementAt(e.Req, "engine") == "aurora-mysql" && e.Name == "CreateDBInstance" && lakeTime(e.Time) >= lakeFrom
			}), func(e *fxEvent) []string {
				return []string{elementAt(e.Req, "dBInstanceIdentifier"), elementAt(e.Req, "dBInstanceClass"), elementAt(e.Req, "engine"), lakeTime(e.Time)}
			})
		}},
		{file: "aurora-postgresql-databases-with-availability-zone-information", params: []string{"2021-01-01 00:00:00", lakeFrom, "2022-01-01 00:00:00", lakeTo}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return elementAt(e.Req, "engine") == "aurora-postgresql" && e.Name == "CreateDBInstance" && lakeTime(e.Time) >= lakeFrom && lakeTime(e.Time) < lakeTo
			}), func(e *fxEvent) []string {
				return []string{elementAt(e.Req, "dBInstanceIdentifier"), elementAt(e.Req, "engine"), elementAt(e.Req, "engineVersion"), elementAt(e.Req, "availabilityZone")}
			})
		}},
		{file: "cloudtrail-configuration-changes", params: []string{"2022-01-01 00:00:00", lakeFrom, "AND eventTime < '" + lakeFrom, "AND eventTime < '" + lakeTo}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return inRange(e) && in(e.Name, "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")
			}), func(e *fxEvent) []string {
				return []string{e.Name, elementAt(e.Req, "name"), principal(e), lakeTime(e.Time)}
			})
		}},
		{file: "console-login-with-no-mfa", cols: []string{"eventid", "eventtime", "useridentity"}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return e.Source == "signin.amazonaws.com" && e.Name == "ConsoleLogin" && elementAt(e.Extra, "MFAUsed") == "No"
			}), func(e *fxEvent) []string { return []string{e.ID, lakeTime(e.Time), lakeIdentityText(e)} })
		}},
		{file: "cross-account-access", params: []string{"2022-04-30 00:00:00", lakeFrom, "2022-06-01 00:00:00", lakeTo}, cols: []string{"principalid", "eventname", "eventsource", "accountid", "recipientaccountid", "eventtime"},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return inRange(e) && e.User.AccountID != "" && e.User.AccountID != e.Account
				}), func(e *fxEvent) []string {
					return []string{principal(e), e.Name, e.Source, e.User.AccountID, e.Account, lakeTime(e.Time)}
				})
			}},
		{file: "data-by-week-day", params: []string{"AND eventTime < '2022-01-01 00:00:00'", "AND eventTime < '" + lakeTo + "'", "2022-01-01 00:00:00", lakeFrom}, order: []int{0},
			want: func(evs []*fxEvent) [][]string {
				return groupCount(where(evs, func(e *fxEvent) bool { return inRange(e) && lakeCategory(e) == "Data" }), func(e *fxEvent) []string {
					d := int(e.Time.UTC().Weekday())
					if d == 0 {
						d = 7 // ISO: Monday 1 .. Sunday 7
					}
					return []string{itoa(d)}
				})
			}},
		{file: "database-failover-information", want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Name == "FailoverDBCluster" }), func(e *fxEvent) []string {
				return []string{e.Region, elementAt(e.Req, "dBClusterIdentifier"), orNull(e.User.IssuerName), lakeTime(e.Time)}
			})
		}},
		{file: "database-reboot-information", order: []int{-3}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Name == "RebootDBInstance" }), func(e *fxEvent) []string {
				return []string{elementAt(e.Req, "dBInstanceIdentifier"), orNull(e.User.IssuerName), lakeTime(e.Time)}
			})
		}},
		{file: "db-cluster-point-in-time-restore", want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Name == "RestoreDBClusterToPointInTime" }), func(e *fxEvent) []string {
				return []string{elementAt(e.Req, "sourceDBClusterIdentifier"), elementAt(e.Req, "dBClusterIdentifier"), orNull(e.User.IssuerName), lakeTime(e.Time)}
			})
		}},
		{file: "dynamodb-scan-operations", cols: []string{"eventid"}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Source == "dynamodb.amazonaws.com" && e.Name == "scan" }), func(e *fxEvent) []string { return []string{e.ID} })
		}},
		{file: "ec2-api-run-instances", params: []string{"2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Name == "RunInstances" && inRange(e) }), func(e *fxEvent) []string {
				return []string{e.Account, e.Region, e.ID, elementAt(e.Resp, "instancesSet")}
			})
		}},
		{file: "ec2-events", cols: []string{"eventid", "eventname"}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return in(e.Name, "AssociateAddress", "DisassociateAddress", "CancelReservedInstancesListing", "CancelSpotInstanceRequests", "CreateNetworkAcl", "DeleteNetworkAcl", "CreateNetworkAclEntry", "'CreateVpc", "DeleteVpcPeeringConnection", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "DetachInternetGateway", "PurchaseReservedInstancesOffering", "ModifyReservedInstances", "AcceptVpcPeeringConnection", "RejectVpcPeeringConnection", "CreateVpcPeeringConnection")
			}), func(e *fxEvent) []string { return []string{e.ID, e.Name} })
		}},
		{file: "ec2-public-security-group", params: []string{"2023-07-06 00:00:00", lakeFrom, "2023-07-08 00:00:00", lakeTo, "2023-07-09 00:00:00", lakeTo}, order: []int{-4},
			want: func(evs []*fxEvent) [][]string {
				var rows [][]string
				for _, e := range evs {
					t := lakeTime(e.Time)
					if t < lakeFrom || t > lakeTo {
						continue
					}
					row := []string{e.Name, orNull(e.User.ARN), e.IP, t, e.Source}
					switch {
					case e.Name == "AuthorizeSecurityGroupIngress" && like(elementAt(e.Req, "ipPermissions"), "%0.0.0.0/0%"):
						rows = append(rows, append(row, elementAt(e.Req, "groupId"), elementAt(e.Req, "ipPermissions")))
					case e.Name == "ModifySecurityGroupRules" && like(elementAt(e.Req, "ModifySecurityGroupRulesRequest"), "%0.0.0.0/0%"):
						rows = append(rows, append(row, jnull(e.Req, "ModifySecurityGroupRulesRequest", "GroupId"), elementAt(e.Req, "ModifySecurityGroupRulesRequest")))
					}
				}
				return rows
			}},
		{file: "ec2-security-historical-changes", params: []string{"2023-07-06 00:00:00", lakeFrom, "2023-07-08 00:00:00", lakeTo, "2023-07-09 00:00:00", lakeTo}, order: []int{0, 2},
			want: func(evs []*fxEvent) [][]string {
				var rows [][]string
				for _, e := range evs {
					t := lakeTime(e.Time)
					if t < lakeFrom || t > lakeTo {
						continue
					}
					switch e.Name {
					case "AuthorizeSecurityGroupIngress":
						rows = append(rows, []string{elementAt(e.Req, "groupId"), e.Name, t, elementAt(e.Req, "ipPermissions"), orNull(e.User.ARN), e.IP, e.Source})
					case "ModifySecurityGroupRules":
						rows = append(rows, []string{jnull(e.Req, "ModifySecurityGroupRulesRequest", "GroupId"), e.Name, t, elementAt(e.Req, "ModifySecurityGroupRulesRequest"), orNull(e.User.ARN), e.IP, e.Source})
					}
				}
				return rows
			}},
		{file: "find-snapshots-not-encrypted", want: func(evs []*fxEvent) [][]string {
			// AND binds tighter than OR: the first LIKE alone is enough;
			// the second branch's dates can never both hold.
			return rowsOf(where(evs, func(e *fxEvent) bool { return like(e.Name, "%CreateSnapshots%") }), func(e *fxEvent) []string {
				inst := null
				if s, ok := jget(e.Req, "CreateSnapshotsRequest", "InstanceSpecification", "InstanceId"); ok {
					inst = `"` + s + `"` // json_extract keeps JSON's quotes
				}
				return []string{principal(e), e.Region, elementAt(e.Req, "volumeId"), inst, elementAt(e.Resp, "snapshotId")}
			})
		}},
		{file: "iam-access-key-activity", params: []string{"AKIAIOSFODNN7EXAMPLE", bob.AccessKeyID, "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo}, order: []int{3},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool { return e.User.AccessKeyID == bob.AccessKeyID && inRange(e) }), func(e *fxEvent) []string {
					return []string{e.Source, e.Name, e.IP, lakeTime(e.Time), orNull(e.ErrorCode)}
				})
			}},
		{file: "iam-access-key-success-activity", params: []string{"AKIAIOSFODNN7EXAMPLE", bob.AccessKeyID, "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo}, order: []int{-1},
			want: func(evs []*fxEvent) [][]string {
				rows := groupCount(where(evs, func(e *fxEvent) bool { return e.User.AccessKeyID == bob.AccessKeyID && inRange(e) && e.ErrorCode == "" }), func(e *fxEvent) []string {
					return []string{e.Source, e.Name}
				})
				for i, r := range rows {
					rows[i] = []string{r[2], r[0], r[1]}
				}
				return rows
			}},
		{file: "iam-idc-authenticate-api", fails: "syntax error at line 9, column 6", // FROM FROM
			params: []string{"2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo}, fixes: []string{"FROM FROM", "FROM"},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return e.Source == "sso.amazonaws.com" && e.Name == "Authenticate" && inRange(e)
				}), func(e *fxEvent) []string {
					return []string{orNull(e.User.UserName), lakeTime(e.Time), e.Account, e.Region, e.IP, e.ID}
				})
			}},
		{file: "iam-idc-user-count-and-group-activity", params: []string{"%alice@example.com", "%:carol", "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo}, order: []int{-3},
			want: func(evs []*fxEvent) [][]string {
				return groupCount(where(evs, func(e *fxEvent) bool { return like(principal(e), "%:carol") && inRange(e) }), func(e *fxEvent) []string {
					return []string{e.Source, e.Name}
				})
			}},
		{file: "iam-idc-user-create-iam-user-acces-keys", params: []string{"%alice@example.com", "%ALICE0000000000001", "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return like(principal(e), "%ALICE0000000000001") && e.Name == "CreateAccessKey" && inRange(e)
				}), func(e *fxEvent) []string {
					return []string{e.Account, e.Region, e.ID, lakeTime(e.Time), orNull(e.ErrorCode), orNull(e.ErrorMessage)}
				})
			}},
		{file: "iam-idc-user-create-iam-user", params: []string{"%alice@example.com", "%ALICE0000000000001", "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return like(principal(e), "%ALICE0000000000001") && e.Name == "CreateUser" && inRange(e)
				}), func(e *fxEvent) []string {
					return []string{e.Account, e.Region, e.ID, lakeTime(e.Time), elementAt(e.Resp, "user")}
				})
			}},
		{file: "iam-idc-user-denied-activity", params: []string{"%alice@example.com", "%", "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return principal(e) != null && (e.ErrorCode == "AccessDenied" || like(orNull(e.ErrorCode), "%Unauthorized%")) && inRange(e)
				}), func(e *fxEvent) []string {
					return []string{e.Account, e.Region, e.Source, e.Name, lakeBoolText(e.ReadOnly), orNull(e.ErrorCode), orNull(e.ErrorMessage), lakeTime(e.Time), e.ID}
				})
			}},
		{file: "iam-idc-user-mutable-actions", params: []string{"%alice@example.com", "%", "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool { return principal(e) != null && e.ReadOnly == "false" && inRange(e) }), func(e *fxEvent) []string {
					return []string{e.Source, e.Name, lakeTime(e.Time), e.ID, orNull(e.ErrorCode)}
				})
			}},
		{file: "iam-principal-by-launched-ec2-instance-id", params: []string{"i-b188560f", "i-0aaaaaaaaaaaaaaa2", "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return e.Resp != "" && like(elementAt(e.Resp, "instancesSet"), `%"instanceId":"i-0aaaaaaaaaaaaaaa2"%`) && inRange(e) && e.Name == "RunInstances"
				}), func(e *fxEvent) []string {
					return []string{principal(e), e.Name, lakeTime(e.Time), e.Account, e.Region}
				})
			}},
		{file: "iam-role-activity", params: []string{"arn:aws:iam::555555555555:role/alice", carol.IssuerARN, "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return e.User.Type == "AssumedRole" && e.User.IssuerARN == carol.IssuerARN && inRange(e)
				}), func(e *fxEvent) []string {
					return []string{e.Source, e.Name, lakeTime(e.Time), e.ID, orNull(e.ErrorCode)}
				})
			}},
		{file: "list-all-S3-PutObjects-Encryption-status", order: []int{-2}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Name == "PutObject" }), func(e *fxEvent) []string {
				return []string{e.Account, lakeTime(e.Time), elementAt(e.Req, "bucketName"), elementAt(e.Req, "key"), elementAt(e.Req, "x-amz-server-side-encryption"), elementAt(e.Resp, "x-amz-server-side-encryption")}
			})
		}},
		{file: "list-all-errors-for-s3-events", fails: "syntax error", // the query twice, "example:" between
			cut: "example:",
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool { return e.ErrorMessage != "" && e.Source == "s3.amazonaws.com" }), func(e *fxEvent) []string {
					return []string{e.Type, e.Name, e.ErrorMessage}
				})
			}},
		{file: "list-all-events-not-in-authorized-region", fails: "syntax error", // the query twice, ":" between
			params: []string{"'region','region'", "'us-east-1','us-west-2'", "<accountid>", acctProd}, cut: ": select",
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return e.Region != "us-east-1" && e.Region != "us-west-2" && e.Account == acctProd
				}), func(e *fxEvent) []string {
					return []string{e.Region, e.Type, lakeTime(e.Time), e.Name}
				})
			}},
		{file: "list-all-manually-created-resources", cols: []string{"user", "eventtime", "eventname", "eventid"}, order: []int{-2},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					// NULL NOT LIKE and NULL NOT IN are NULL: the row is left out.
					return (like(e.Name, "%Create%") || like(e.Name, "%Update%") || like(e.Name, "%Put%") || like(e.Name, "%Delete%")) &&
						len(e.Resources) > 0 && e.User.IssuerName != "" && !like(e.User.IssuerName, "AWSServiceRole%") && e.IP != "cloudformation.amazonaws.com"
				}), func(e *fxEvent) []string { return []string{orNull(e.User.ARN), lakeTime(e.Time), e.Name, e.ID} })
			}},
		{file: "list-attempted-s3-requests", fails: "syntax error", // requestParametersORDER
			params: []string{"2022-01-01 00:00:00", lakeFrom, "2022-01-30 00:00:00", lakeTo}, fixes: []string{"requestParametersORDER", "requestParameters ORDER"},
			want: func(evs []*fxEvent) [][]string {
				rows := groupCount(where(evs, func(e *fxEvent) bool { return e.Source == "s3.amazonaws.com" && e.Name == "GetObject" && inRange(e) }), func(e *fxEvent) []string {
					m, _ := lakeMap(e.Req)
					return []string{principal(e), orNull(e.ErrorMessage), fmt.Sprint(m), elementAt(e.Req, "bucketName"), elementAt(e.Req, "key")}
				})
				for i, r := range rows {
					rows[i] = []string{r[0], r[1], r[3], r[4], r[5]}
				}
				return rows
			}},
		{file: "list-events-with-errors", params: []string{"AND eventTime < '2022-01-01 00:00:00'", "AND eventTime < '" + lakeTo + "'", "2022-01-01 00:00:00", lakeFrom},
			cols: []string{"arn", "eventtime", "eventname", "errorcode", "readonly", "tlsdetails"},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool { return e.ErrorCode != "" && inRange(e) }), func(e *fxEvent) []string {
					tls := null
					if e.TLS != "" {
						tls = `{"tlsversion":"` + e.TLS + `","ciphersuite":"ECDHE-RSA-AES128-GCM-SHA256","clientprovidedhostheader":"` + strings.TrimSuffix(e.Source, ".amazonaws.com") + "." + e.Region + `.amazonaws.com"}`
					}
					return []string{orNull(e.User.ARN), lakeTime(e.Time), e.Name, e.ErrorCode, lakeBoolText(e.ReadOnly), tls}
				})
			}},
		{file: "list-publicly-accessible-rds-instances", fails: "syntax error", // the query twice
			cut: "SELECT", cols: []string{"eventid", "eventname", "awsregion"},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return e.Source == "rds.amazonaws.com" && e.Name == "CreateDBInstance" && elementAt(e.Req, "publiclyAccessible") == "true"
				}), func(e *fxEvent) []string { return []string{e.ID, e.Name, e.Region} })
			}},
		{file: "list-write-events-from-management-console", params: []string{"AND eventTime < '2022-01-01 00:00:00'", "AND eventTime < '" + lakeTo + "'", "2022-01-01 00:00:00", lakeFrom},
			want: func(evs []*fxEvent) [][]string { return nil }}, // the fixture has no sessionCredentialFromConsole
		{file: "logs-by-region", params: []string{"2022-04-23 00:00:00", lakeFrom, "2022-11-26 00:00:00", lakeTo}, order: []int{-3},
			want: func(evs []*fxEvent) [][]string {
				return groupCount(where(evs, inRange), func(e *fxEvent) []string { return []string{e.Region, e.Source} })
			}},
		{file: "network-activity-events-vpce-access-denied-s3", params: []string{"${date_filter}", lakeFrom}, fails: "must appear in the GROUP BY clause"},
		{file: "network-activity-events", params: []string{">= '${date_filter}'", ">= '" + lakeFrom + "'", "<= '${date_filter}'", "<= '" + lakeTo + "'"},
			want: func(evs []*fxEvent) [][]string { return nil }}, // no NetworkActivity events
		{file: "rds-db-deleted-with-no-snapshot", want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return e.Name == "DeleteDBCluster" && elementAt(e.Req, "skipFinalSnapshot") == "true"
			}), func(e *fxEvent) []string {
				return []string{elementAt(e.Req, "dBClusterIdentifier"), orNull(e.User.IssuerName), lakeTime(e.Time)}
			})
		}},
		{file: "resourceCompliance", params: []string{"2023-11-16 00:00:00", lakeFrom, "2023-11-17 00:00:00", lakeTo}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				c, _ := jget(e.Req, "evaluations", 0, "complianceType")
				return e.Name == "PutEvaluations" && inRange(e) && in(c, "COMPLIANT", "NON_COMPLIANT")
			}), func(e *fxEvent) []string {
				return []string{lakeTime(e.Time), e.Region, e.Account, elementAt(e.Extra, "configRuleName"), jnull(e.Req, "evaluations", 0, "complianceType"), jnull(e.Req, "evaluations", 0, "complianceResourceType"), jnull(e.Req, "evaluations", 0, "complianceResourceId")}
			})
		}},
		{file: "s3-actions-by-iam-access-key", params: []string{"AKIAIOSFODNN7EXAMPLE", alice.AccessKeyID, "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool {
					return in(e.Name, "CopyObject", "DeleteObject", "DeleteObjects", "GetObject", "HeadObject", "PutObject") && inRange(e) && e.User.AccessKeyID == alice.AccessKeyID
				}), func(e *fxEvent) []string {
					return []string{elementAt(e.Req, "bucketName"), elementAt(e.Req, "key"), e.Name}
				})
			}},
		{file: "s3-buckets-using-acls", order: []int{2, 1}, want: func(evs []*fxEvent) [][]string {
			seen := map[string]bool{}
			var rows [][]string
			for _, e := range evs {
				if elementAt(e.Extra, "aclRequired") != "Yes" {
					continue
				}
				r := []string{elementAt(e.Req, "bucketName"), e.Region, e.Account}
				if k := strings.Join(r, "\x00"); !seen[k] {
					seen[k] = true
					rows = append(rows, r)
				}
			}
			return rows
		}},
		{file: "tag-history-by-resource", params: []string{"2022-01-01 00:00:00", lakeFrom}, order: []int{2, 5, -4},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool { return lakeTime(e.Time) > lakeFrom && in(e.Name, "CreateTags", "DeleteTags") }), func(e *fxEvent) []string {
					return []string{e.Region, e.Source, jnull(e.Req, "resourcesSet", "items", 0, "resourceId"), lakeTime(e.Time), e.Name,
						jnull(e.Req, "tagSet", "items", 0, "key"), jnull(e.Req, "tagSet", "items", 0, "value"), orNull(e.User.ARN)}
				})
			}},
		{file: "tls-unsupported-version", params: []string{"'${date_filter}' -- Eg: '2023-06-20 00:00:00'", "'" + lakeFrom + "'", "'${date_filter}' -- Eg: '2023-06-27 00:00:00'", "'" + lakeTo + "'"}, order: []int{-5},
			want: func(evs []*fxEvent) [][]string {
				return groupCount(where(evs, func(e *fxEvent) bool {
					t := lakeTime(e.Time)
					return t >= lakeFrom && t <= lakeTo && in(e.TLS, "TLSv1", "TLSv1.0", "TLSv1.1")
				}), func(e *fxEvent) []string { return []string{e.Source, e.TLS, e.IP, e.Account} })
			}},
		{file: "tls-version", params: []string{"AND eventTime < '2022-01-01 00:00:00'", "AND eventTime < '" + lakeTo + "'", "2022-01-01 00:00:00", lakeFrom},
			want: func(evs []*fxEvent) [][]string {
				return rowsOf(where(evs, func(e *fxEvent) bool { return inRange(e) && e.TLS != "" && e.TLS != "TLSv1.3" }), func(e *fxEvent) []string {
					return []string{e.Name, e.Region, e.IP, e.Account, e.TLS}
				})
			}},
		{file: "top-actions-by-iam-role", params: []string{"arn:aws:iam::555555555555:role/alice", carol.IssuerARN, "2023-01-01 00:00:00", lakeFrom, "2023-01-07 00:00:00", lakeTo}, order: []int{-1},
			want: func(evs []*fxEvent) [][]string {
				rows := groupCount(where(evs, func(e *fxEvent) bool {
					return e.User.Type == "AssumedRole" && e.User.IssuerARN == carol.IssuerARN && inRange(e)
				}), func(e *fxEvent) []string {
					return []string{e.Source, e.Name}
				})
				for i, r := range rows {
					rows[i] = []string{r[2], r[0], r[1]}
				}
				return rows
			}},
		{file: "top-errors", fails: "syntax error", // errorMessageORDER, DESCLIMIT
			params: []string{"eventTime > '2022-01-01 00:00:00'", "eventTime > '" + lakeFrom + "'", "eventTime < '2022-01-01 00:00:00'", "eventTime < '" + lakeTo + "'"},
			fixes:  []string{"errorMessageORDER", "errorMessage ORDER", "DESCLIMIT", "DESC LIMIT"},
			want: func(evs []*fxEvent) [][]string {
				rows := groupCount(where(evs, func(e *fxEvent) bool { return inRange(e) && (e.ErrorCode != "" || e.ErrorMessage != "") }), func(e *fxEvent) []string {
					return []string{orNull(e.ErrorCode), orNull(e.ErrorMessage)}
				})
				if len(rows) > 10 {
					panic("top-errors: more than 10 groups, the LIMIT's ties would need settling")
				}
				return rows
			}},
		{file: "top-iam-actions-by-principal", params: []string{"2022-01-08 00:00:00", lakeFrom}, order: []int{-1},
			want: func(evs []*fxEvent) [][]string {
				rows := groupCount(where(evs, func(e *fxEvent) bool {
					return principal(e) != null && lakeTime(e.Time) >= lakeFrom && e.Source == "iam.amazonaws.com"
				}), func(e *fxEvent) []string {
					return []string{e.Name, e.Account, principal(e)}
				})
				for i, r := range rows {
					rows[i] = []string{r[3], r[0], r[1], r[2]}
				}
				return rows
			}},
		{file: "top-s3-actions", fails: "syntax error", // eventNameORDER
			params: []string{"eventTime > '2022-01-01 00:00:00'", "eventTime > '" + lakeFrom + "'", "eventTime < '2022-01-01 00:00:00'", "eventTime < '" + lakeTo + "'", "my-bucket-name", bucketPub},
			fixes:  []string{"eventNameORDER", "eventName ORDER"},
			want: func(evs []*fxEvent) [][]string {
				return groupCount(where(evs, func(e *fxEvent) bool {
					return e.Source == "s3.amazonaws.com" && lakeCategory(e) == "Data" && inRange(e) && elementAt(e.Req, "bucketName") == bucketPub
				}), func(e *fxEvent) []string { return []string{e.Name} })
			}},
		{file: "user-added-to-admin-group", params: []string{"2022-04-30 00:00:00", lakeFrom, "2022-11-01 00:00:00", lakeTo}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return inRange(e) && e.Name == "AddUserToGroup" && like(elementAt(e.Req, "groupName"), "%admin%")
			}), func(e *fxEvent) []string {
				return []string{principal(e), e.Name, lakeTime(e.Time), elementAt(e.Req, "userName"), elementAt(e.Req, "groupName")}
			})
		}},
		{file: "users-by-account", params: []string{"AND eventTime < '2022-01-01 00:00:00'", "AND eventTime < '" + lakeTo + "'", "2022-01-01 00:00:00", lakeFrom}, order: []int{-3},
			want: func(evs []*fxEvent) [][]string {
				return groupCount(where(evs, func(e *fxEvent) bool { return principal(e) != null && inRange(e) }), func(e *fxEvent) []string {
					return []string{principal(e), e.User.AccountID}
				})
			}},
		{file: "docs-createbucket-principals", params: []string{"2023-01-22 00:00:00", lakeFrom, "2023-01-23 00:00:00", lakeTo}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return principal(e) != null && inRange(e) && e.Name == "CreateBucket" }), func(e *fxEvent) []string {
				return []string{principal(e), e.Name}
			})
		}},
		{file: "docs-apis-called-by-user", params: []string{"'bob'", "'alice'", "2023-01-22 00:00:00", "2019-09-30 00:00:00", "2023-01-23 00:00:00", "2019-10-01 00:00:00"}, want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				return e.User.UserName == "alice" && between(e, "2019-09-30 00:00:00", "2019-10-01 00:00:00")
			}), func(e *fxEvent) []string {
				return []string{e.ID, e.Name, e.Source, lakeTime(e.Time)}
			})
		}},
		{file: "docs-api-count-by-source", params: []string{"2023-01-01 00:00:00", lakeFrom}, order: []int{-3}, want: func(evs []*fxEvent) [][]string {
			return groupCount(where(evs, func(e *fxEvent) bool { return lakeTime(e.Time) > lakeFrom }), func(e *fxEvent) []string { return []string{e.Source, e.Name} })
		}},
		{file: "docs-console-logins-in-regions", want: func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return in(e.Region, "us-east-1", "us-west-2") && e.Name == "ConsoleLogin" }), func(e *fxEvent) []string {
				return []string{lakeTime(e.Time), orNull(e.User.ARN), e.Region}
			})
		}},
	}
}

// lakeIdentityText is how the useridentity struct of Lake's view is shown
// for the fixture's identities.
func lakeIdentityText(e *fxEvent) string {
	u := e.User
	q := func(s string) string {
		if s == "" {
			return "null"
		}
		return `"` + s + `"`
	}
	p := q(u.PrincipalID)
	if u.Type == "AWSService" {
		p = "null"
	}
	sc := "null"
	if u.IssuerARN != "" {
		sc = `{"attributes":{"creationdate":` + q(strings.TrimSuffix(strings.Replace(u.Created, "T", " ", 1), "Z")) + `,"mfaauthenticated":` + q(u.MFA) + `},"sessionissuer":{"type":"Role","principalid":` +
			q(strings.Split(u.PrincipalID, ":")[0]) + `,"arn":` + q(u.IssuerARN) + `,"accountid":` + q(u.AccountID) + `,"username":` + q(u.IssuerName) +
			`},"webidfederationdata":null,"sourceidentity":null,"ec2roledelivery":null,"ec2issuedinvpc":null}`
	}
	return `{"type":` + q(u.Type) + `,"principalid":` + p + `,"arn":` + q(u.ARN) + `,"accountid":` + q(u.AccountID) + `,"accesskeyid":` + q(u.AccessKeyID) +
		`,"username":` + q(u.UserName) + `,"sessioncontext":` + sc + `,"invokedby":` + q(u.InvokedBy) + `,"identityprovider":null,"credentialid":null,"onbehalfof":null}`
}

// lakeForms are the ways a query names the event data store.
var lakeForms = []string{
	"$EDS_ID",
	"0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
	"arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
	`"0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d"`,
}

// lakePlaceholders are the names AWS's samples give the event data store,
// for the user to replace.
var lakePlaceholders = regexp.MustCompile(`<event_data_store_id>|<EDS ID>|<EDS_ID>|<event-data-store-ID>|<Event data store Id>|\bevent_data_store_ID\b|\$EDS_ID`)

// readLakeQuery reads testdata/lake/<file>.sql and applies the case's
// parameters and the event data store's name.
func readLakeQuery(t *testing.T, c lakeCase, form string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "lake", c.file+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	q := string(b)
	for i := 0; i+1 < len(c.params); i += 2 {
		if !strings.Contains(q, c.params[i]) {
			t.Fatalf("%s: no %q to replace", c.file, c.params[i])
		}
		q = strings.ReplaceAll(q, c.params[i], c.params[i+1])
	}
	return lakePlaceholders.ReplaceAllLiteralString(q, form)
}

func TestLakeQueries(t *testing.T) {
	e, evs := openLakeFixture(t)
	ctx := context.Background()
	cases := lakeCases()
	ran, nonEmpty := 0, 0
	for i, c := range cases {
		form := lakeForms[i%len(lakeForms)]
		t.Run(c.file, func(t *testing.T) {
			q := readLakeQuery(t, c, form)
			r, err := e.Query(ctx, q)
			if c.fails != "" {
				if err == nil || !strings.Contains(err.Error(), c.fails) {
					t.Fatalf("want an error with %q, got %v", c.fails, err)
				}
				if c.fixes == nil && c.cut == "" {
					return
				}
				q = fixLakeQuery(t, c, q)
				r, err = e.Query(ctx, q)
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
			got := resultRows(r)
			if c.cols != nil {
				idx := make([]int, len(c.cols))
				for k, name := range c.cols {
					idx[k] = -1
					for j, col := range r.Columns {
						if strings.EqualFold(col.Name, name) && idx[k] < 0 {
							idx[k] = j
						}
					}
					if idx[k] < 0 {
						t.Fatalf("no column %s in %v", name, r.Columns)
					}
				}
				for j, row := range got {
					sub := make([]string, len(idx))
					for k, x := range idx {
						sub[k] = row[x]
					}
					got[j] = sub
				}
			}
			want := c.want(evs)
			if c.order != nil {
				sameRowsSorted(t, got, sortRows(want, c.order...), c.order...)
			} else {
				sameRows(t, got, want, true)
			}
			ran++
			if len(want) > 0 {
				nonEmpty++
			}
		})
	}
	repaired := 0
	for _, c := range cases {
		if c.fails != "" && (c.fixes != nil || c.cut != "") {
			repaired++
		}
	}
	t.Logf("%d Lake queries checked against Go (%d with rows; %d of them refused as published, then repaired), %d refused as expected", ran, nonEmpty, repaired, len(cases)-ran)
	if ran < 30 {
		t.Errorf("only %d Lake queries ran; want at least 30", ran)
	}
}

// TestLakeTranslated keeps, as a golden file, the SQL that a few Lake
// queries become (testdata/lake/translated.golden; -update rewrites it).
func TestLakeTranslated(t *testing.T) {
	var b strings.Builder
	for _, c := range lakeCases() {
		if !in(c.file, "SelfAssumeRole", "ec2-public-security-group", "resourceCompliance", "tag-history-by-resource", "docs-console-logins-in-regions") {
			continue
		}
		for _, form := range lakeForms[:2] {
			q := readLakeQuery(t, c, form)
			out, err := Translate(q, TranslateOptions{Now: fixtureNow})
			if err != nil {
				t.Fatalf("%s: %v", c.file, err)
			}
			b.WriteString("-- " + c.file + " (FROM " + form + ")\n" + out + "\n\n")
		}
	}
	path := filepath.Join("testdata", "lake", "translated.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != b.String() {
		t.Errorf("translated Lake queries differ from %s (run with -update to see)", path)
	}
}

// TestLakeTargets checks which FROM targets parseLake takes for an event
// data store, and that the positions of the rest of the text are kept.
func TestLakeTargets(t *testing.T) {
	f := func(sql string, want bool) {
		t.Helper()
		p, err := parseSQL(sql)
		if err != nil {
			if want {
				t.Fatalf("%s: %v", sql, err)
			}
			return
		}
		if got := strings.Contains(p.text, lakeView); got != want {
			t.Errorf("%s: lake view %v, want %v (%s)", sql, got, want, p.text)
		}
	}
	f("SELECT 1 FROM $EDS_ID", true)
	f("select 1 from 0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d t join $EDS_ID u on true", true)
	f(`SELECT 1 FROM "0A1B2C3D-4E5F-4A7B-8C9D-0E1F2A3B4C5D"`, true)
	f("SELECT 1 FROM arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", true)
	f("SELECT 1 FROM (SELECT 2 FROM $EDS_ID) x", true)
	f("SELECT '$EDS_ID' FROM cloudtrail", false)
	f("SELECT 1 FROM cloudtrail -- FROM $EDS_ID", false)
	f("SELECT 1 FROM cloudtrail /* FROM 0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d */", false)
	f(`SELECT "FROM $EDS_ID" FROM cloudtrail`, false)
	f("SELECT 1 FROM $EDS_IDX", false)
	f("SELECT 1 FROM 0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d-1", false)
	// An error after the target points where the user wrote it.
	_, err := parseSQL("SELECT x FROM 0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d WHERE")
	if err == nil || !strings.Contains(err.Error(), "line 1, column 57") {
		t.Errorf("error %v, want one at line 1, column 57", err)
	}
	// Its context line is the user's text, and so are the names the
	// message quotes.
	for _, c := range []struct{ sql, ctx string }{
		{"SELECT x FROM 0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d WHERE", "  SELECT x FROM 0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d WHERE\n" + strings.Repeat(" ", 58) + "^"},
		{"SELECT eventname\nFROM $EDS_ID\nWHERE eventtime >", "  WHERE eventtime >\n" + strings.Repeat(" ", 19) + "^"},
		{"SELECT 1 FROM $EDS_ID x y", "  SELECT 1 FROM $EDS_ID x y\n" + strings.Repeat(" ", 26) + "^"},
		{"SELECT 1 FROM arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/EXAMPLE-f852 GROUP", "  SELECT 1 FROM arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/EXAMPLE-f852 GROUP\n" + strings.Repeat(" ", 91) + "^"},
	} {
		_, err := parseSQL(c.sql)
		got, ok := SyntaxContext(err)
		if !ok || got != c.ctx {
			t.Errorf("%q: context\n%s\nwant\n%s\n(%v)", c.sql, got, c.ctx, err)
		}
		if err != nil && strings.Contains(err.Error(), "_EDS_ID") || strings.Contains(fmt.Sprint(err), "_a1b2c3d") {
			t.Errorf("%q: error names the stand-in: %v", c.sql, err)
		}
	}
	_, err = parseSQL("SELECT 1 FROM $EDS_ID $EDS_ID")
	if err == nil || strings.Contains(err.Error(), "_EDS_ID") {
		t.Errorf("error %v names the stand-in", err)
	}
}
