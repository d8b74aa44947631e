package gen

import (
	"strconv"
	"strings"
)

// The detection scenarios: records planted for the built-in detection
// rules (internal/detect/pack), one or more cases each rule must catch
// and a near miss it must not. They are planted with the scenarios of
// scenario.go (same account, region and day), when Events >=
// DetectionMinEvents, in the five-minute windows that already hold a
// planted record, and take the place of regular records of the windows
// from the first of them on (at most half of each file's), so that a set
// differs from one without them only in those files. Plants lists them.
const (
	// DetectionEvents is the number of records the detection scenarios
	// add to the ScenarioEvents of scenario.go.
	DetectionEvents = len(detectSteps)
	// PlantedEvents is the number of planted records when the detection
	// scenarios are planted (Stats.Scenario).
	PlantedEvents = ScenarioEvents + DetectionEvents
	// DetectionMinEvents is the smallest Events for which the detection
	// scenarios are planted; they also need four times DetectionEvents
	// regular records from their first window on (three days of 5,000
	// events have them), or they are left out.
	DetectionMinEvents = 5000

	// ScenarioTrudy is the IAM user (not one of the account's users: a
	// leaked key) who makes most cases of the detection scenarios, from
	// ScenarioIntruderIP.
	ScenarioTrudy          = "trudy"
	ScenarioTrudyID        = "AIDA5TRUDYATTACKERX7Q"
	ScenarioTrudyAccessKey = "AKIA5TRUDYATTACKER7Q"
	ScenarioIntruderIP     = "91.219.236.18"
	// ScenarioIntruderRole is the role whose session ScenarioIntruderSession
	// the intruder uses from ScenarioIntruderIP (access denied bursts,
	// secrets read in bulk, a call in an unusual region).
	ScenarioIntruderRole    = "ops-automation"
	ScenarioIntruderSession = "i-am-not-a-robot"
	// ScenarioUnusualRegion is an opt-in region nothing else is written in:
	// one planted record (and its file) is there.
	ScenarioUnusualRegion = "ap-east-1"
	// ScenarioBruteForceIP2 makes ScenarioBruteForceFailures failed console
	// logins within five minutes (a brute force); ScenarioSlowForceIP one
	// fewer (a near miss).
	ScenarioBruteForceIP2      = "45.129.33.21"
	ScenarioSlowForceIP        = "103.75.201.4"
	ScenarioBruteForceFailures = 5
	// ScenarioDeniedBurst is the number of access denied errors the
	// intruder's session gets within five minutes; a CI role gets one
	// fewer (a near miss).
	ScenarioDeniedBurst = 21
	// ScenarioSecretsRead is the number of distinct secrets the intruder
	// reads within five minutes; another principal reads one fewer.
	ScenarioSecretsRead = 11
	// ScenarioTrailBucket is the trail bucket whose lifecycle is changed.
	ScenarioTrailBucket = "acme-cloudtrail-logs"
)

// Plant is one planted record.
type Plant struct {
	// Case names what the record is planted for: the id of the built-in
	// rule it belongs to (a near miss names the rule it must not fire),
	// or, for the records of scenario.go, the scenario.
	Case string
	// Miss is true for a near miss: a record like the case's that the
	// rule must not fire on.
	Miss bool
	// Name is the record's eventName.
	Name string
	// Time is the record's eventTime relative to the planted day's
	// midnight, in seconds.
	Time int64
	// Region is the record's awsRegion.
	Region string
	// EventID is the record's eventID; empty for the records of
	// scenario.go, whose ids are drawn at random: find them by Name, Time
	// and IdentityType in the first account.
	EventID string
	// IdentityType is the record's userIdentity.type (set for the records
	// of scenario.go only).
	IdentityType string
}

// Plants returns every planted record of a set generated with seed: the
// ScenarioEvents records of scenario.go, then the DetectionEvents records
// of the detection scenarios, each list in the order written in the
// source.
func Plants(seed uint64) []Plant {
	out := make([]Plant, 0, PlantedEvents)
	for i, s := range scenarioSteps {
		sc := scenarioCases[i]
		out = append(out, Plant{Case: sc.name, Name: sc.event, Time: s.at, Region: ScenarioRegion, IdentityType: sc.identity})
	}
	for i, s := range detectSteps {
		region := s.region
		if region == "" {
			region = ScenarioRegion
		}
		out = append(out, Plant{Case: s.rule, Miss: s.miss, Name: s.event, Time: s.at, Region: region, EventID: plantID(seed, i)})
	}
	return out
}

// scenarioCases name the records of scenarioSteps, in their order.
var scenarioCases = [ScenarioEvents]struct{ name, event, identity string }{
	{"root", "ConsoleLogin", "Root"},
	{"root", "GetAccountSummary", "Root"},
	{"root", "ListBuckets", "Root"},
	{"brute-force", "ConsoleLogin", "IAMUser"},
	{"brute-force", "ConsoleLogin", "IAMUser"},
	{"brute-force", "ConsoleLogin", "IAMUser"},
	{"no-mfa", "ConsoleLogin", "IAMUser"},
	{"ghost-admin", "CreateUser", "IAMUser"},
	{"ghost-admin", "AttachUserPolicy", "IAMUser"},
	{"ghost-admin", "CreateAccessKey", "IAMUser"},
	{"ghost-admin", "GetCallerIdentity", "IAMUser"},
	{"ghost-admin", "ListBuckets", "IAMUser"},
	{"ghost-admin", "DescribeInstances", "IAMUser"},
	{"ghost-admin", "ListUsers", "IAMUser"},
	{"ghost-admin", "GetSecretValue", "IAMUser"},
	{"open-security-group", "AuthorizeSecurityGroupIngress", "IAMUser"},
	{"open-security-group", "ModifySecurityGroupRules", "IAMUser"},
	{"stop-logging", "StopLogging", "IAMUser"},
	{"public-bucket", "GetObject", "AWSAccount"},
	{"public-bucket", "GetObject", "AWSAccount"},
	{"public-bucket", "GetObject", "AWSAccount"},
	{"public-bucket", "GetObject", "AWSAccount"},
	{"public-bucket", "GetObject", "AWSAccount"},
}

// plantID is the eventID of detection step i.
func plantID(seed uint64, i int) string {
	return uuid(newRand(mix2(mix2(seed, streamPlanted), uint64(i))))
}

// detectStep is one record of the detection scenarios.
type detectStep struct {
	rule   string
	miss   bool
	event  string
	at     int64
	region string // awsRegion when not ScenarioRegion
	write  func(c *evctx, s *scenarioCtx)
}

// detectAt returns the Unix time of detection step i in w.
func (w *world) detectAt(i int) int64 {
	return w.start + int64(w.scenarioDay)*86400 + detectSteps[i].at
}

// detect writes detection step i.
func (c *evctx) detect(out *jw, i int) {
	a := c.w.accounts[0]
	st := &detectSteps[i]
	c.begin(a, 0, c.w.detectAt(i))
	if st.region != "" {
		c.rname = st.region
	}
	c.rec.version = "1.09"
	c.rec.eventID = plantID(c.w.o.Seed, i)
	s := &scenarioCtx{a: a, alice: a.user(ScenarioAlice), carol: a.user(ScenarioNoMFAUser), mallory: a.user(ScenarioMallory)}
	for _, u := range a.humans {
		if u.name != ScenarioAlice && u.name != ScenarioNoMFAUser && u.name != ScenarioMallory {
			s.admin = u
			break
		}
	}
	st.write(c, s)
	if c.rec.name != st.event {
		panic("BUG: detection step " + strconv.Itoa(i) + " writes " + c.rec.name + ", its table says " + st.event)
	}
	c.write(out)
}

// Who makes a planted call.
type actor int

const (
	byTrudy    actor = iota // the IAM user ScenarioTrudy, from ScenarioIntruderIP
	byAdmin                 // an ordinary administrator (IAM user), from their usual address
	byIntruder              // the intruder's role session, from ScenarioIntruderIP
	byDeployer              // a CI role session, from a private address
	byService               // EC2, for an instance profile
)

const attackerAgent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off"

// act sets the principal and envelope of a planted call.
func (c *evctx) act(s *scenarioCtx, who actor, source, name string, ro bool) {
	switch who {
	case byTrudy:
		u := &iamUser{name: ScenarioTrudy, id: ScenarioTrudyID, key: ScenarioTrudyAccessKey}
		c.id = ident{kind: idUser, acct: s.a, user: u, key: u.key}
		c.rec.ip, c.rec.ua = ScenarioIntruderIP, attackerAgent
	case byAdmin:
		c.asUser(s.a, s.admin)
	case byIntruder:
		c.asRole(s.a, ScenarioIntruderRole, "AROA5INTRUDERROLE7QX", ScenarioIntruderSession, "ASIA5INTRUDERSESS7QX", "")
		c.rec.ip, c.rec.ua = ScenarioIntruderIP, attackerAgent
	case byService:
		c.id = ident{kind: idService, invokedBy: "ec2.amazonaws.com"}
		c.rec.ip, c.rec.ua = "ec2.amazonaws.com", "ec2.amazonaws.com"
	case byDeployer:
		c.asRole(s.a, "github-actions-deploy", "AROA5DEPLOYERROLE7QX", "GitHubActions", "ASIA5DEPLOYERSESS7QX", "")
		c.rec.ip, c.rec.ua = "10.40.3.17", "aws-sdk-go-v2/1.25.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/cloudformation#1.48.0"
	}
	c.call(source, name, ro, "", "")
}

// asRole makes the record's principal a session of role in a, with
// sessionContext.ec2RoleDelivery when ec2 is not empty.
func (c *evctx) asRole(a *account, role, roleID, session, key, ec2 string) {
	id := jw{b: c.idBuf[:0]}
	id.open()
	id.ks("type", "AssumedRole")
	id.ks("principalId", roleID+":"+session)
	id.ks("arn", "arn:aws:sts::"+a.id+":assumed-role/"+role+"/"+session)
	id.ks("accountId", a.id)
	id.ks("accessKeyId", key)
	id.ko("sessionContext")
	id.ko("sessionIssuer")
	id.ks("type", "Role")
	id.ks("principalId", roleID)
	id.ks("arn", "arn:aws:iam::"+a.id+":role/"+role)
	id.ks("accountId", a.id)
	id.ks("userName", role)
	id.close()
	id.kempty("webIdFederationData")
	id.ko("attributes")
	id.kt("creationDate", c.t-1800)
	id.ks("mfaAuthenticated", "false")
	id.close()
	if ec2 != "" {
		id.ks("ec2RoleDelivery", ec2)
	}
	id.close()
	id.close()
	c.idBuf = id.b
	c.id = ident{kind: idRaw, raw: id.b}
}

// fill replaces the placeholders of a planted JSON text.
func (c *evctx) fill(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return strings.NewReplacer("{acct}", c.acct.id, "{region}", c.rname, "{other}", "210987654321").Replace(s)
}

// params sets requestParameters to the JSON object text s.
func (c *evctx) params(s string) {
	c.rec.hasReq = true
	c.req.b = append(c.req.b[:0], c.fill(s)...)
}

// response sets responseElements to the JSON object text s.
func (c *evctx) response(s string) {
	c.rec.hasResp = true
	c.resp.b = append(c.resp.b[:0], c.fill(s)...)
}

// denied makes the call fail with code (AccessDenied and the like).
func (c *evctx) denied(code, action string) {
	c.rec.errCode = code
	switch code {
	case "Client.UnauthorizedOperation":
		c.rec.errMsg = "You are not authorized to perform this operation."
	default:
		c.rec.errMsg = "User: " + c.principalARN() + " is not authorized to perform: " + action
	}
}

// step builds a detection step that calls name of source as who with the
// request req (JSON text, "" for null).
func step(rule string, miss bool, at int64, who actor, source, name, req string) detectStep {
	return detectStep{rule: rule, miss: miss, event: name, at: at, write: func(c *evctx, s *scenarioCtx) {
		c.act(s, who, source, name, false)
		if req != "" {
			c.params(req)
		}
		host := source
		if i := strings.IndexByte(source, '.'); i > 0 && source != "iam.amazonaws.com" && source != "sts.amazonaws.com" {
			host = source[:i] + "." + ScenarioRegion + ".amazonaws.com"
		}
		c.tls(host)
	}}
}

// with returns d with more done after its request is set.
func (d detectStep) with(f func(c *evctx, s *scenarioCtx)) detectStep {
	w := d.write
	d.write = func(c *evctx, s *scenarioCtx) {
		w(c, s)
		f(c, s)
	}
	return d
}

// failing returns d failing with code.
func (d detectStep) failing(code string) detectStep {
	return d.with(func(c *evctx, _ *scenarioCtx) {
		c.denied(code, strings.TrimSuffix(c.rec.source, ".amazonaws.com")+":"+c.rec.name)
	})
}

func (d detectStep) readOnly() detectStep {
	return d.with(func(c *evctx, _ *scenarioCtx) { c.rec.readOnly = true })
}

func (d detectStep) resp(s string) detectStep {
	return d.with(func(c *evctx, _ *scenarioCtx) { c.response(s) })
}

func (d detectStep) in(region string) detectStep {
	d.region = region
	return d
}

// issue is the AssumeRole by who that issues key, a session of role
// lasting d seconds.
func issue(at int64, who actor, role, roleID, session, key string, d int64) detectStep {
	return detectStep{rule: "session-issued", event: "AssumeRole", at: at, write: func(c *evctx, s *scenarioCtx) {
		c.act(s, who, "sts.amazonaws.com", "AssumeRole", true)
		if who == byAdmin {
			c.rec.ip = "10.40.3.17"
		}
		arn := "arn:aws:iam::" + s.a.id + ":role/" + role
		c.params(`{"roleArn":"` + arn + `","roleSessionName":"` + session + `","durationSeconds":` + strconv.FormatInt(d, 10) + `}`)
		c.response(`{"credentials":{"accessKeyId":"` + key + `","sessionToken":"IQoJb3JpZ2luX2VjEPlanted` + key + `","expiration":"` + awsDate(c.t+d) + `"},"assumedRoleUser":{"assumedRoleId":"` + roleID + ":" + session + `","arn":"arn:aws:sts::` + s.a.id + ":assumed-role/" + role + "/" + session + `"}}`)
		c.resource(s.a.id, "AWS::IAM::Role", arn)
		if who != byService {
			c.tls("sts.amazonaws.com")
		}
	}}
}

// loginFailure is a failed console login from ip for a user name that
// does not exist.
func loginFailure(rule string, miss bool, at int64, ip string) detectStep {
	return detectStep{rule: rule, miss: miss, event: "ConsoleLogin", at: at, write: func(c *evctx, s *scenarioCtx) {
		id := jw{b: c.idBuf[:0]}
		id.open()
		id.ks("type", "IAMUser")
		id.ks("accountId", s.a.id)
		id.ks("accessKeyId", "")
		id.ks("userName", "HIDDEN_DUE_TO_SECURITY_REASONS")
		id.close()
		c.idBuf = id.b
		c.id = ident{kind: idRaw, raw: id.b}
		c.signIn(ip, "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "Failure", "No")
		c.rec.errMsg = "Failed authentication"
	}}
}

// secretRead is a GetSecretValue of secret n by who.
func secretRead(rule string, miss bool, at int64, who actor, n int) detectStep {
	return step(rule, miss, at, who, "secretsmanager.amazonaws.com", "GetSecretValue",
		`{"secretId":"arn:aws:secretsmanager:{region}:{acct}:secret:prod/app-`+strconv.Itoa(n)+`-Xk2p9Q"}`).readOnly()
}

// deniedCall is a call that fails with access denied, for the bursts.
func deniedCall(rule string, miss bool, at int64, who actor, n int) detectStep {
	calls := [...]struct{ source, name, code string }{
		{"iam.amazonaws.com", "ListUsers", "AccessDenied"},
		{"iam.amazonaws.com", "ListRoles", "AccessDenied"},
		{"s3.amazonaws.com", "ListBuckets", "AccessDenied"},
		{"ec2.amazonaws.com", "DescribeInstances", "Client.UnauthorizedOperation"},
		{"lambda.amazonaws.com", "ListFunctions20150331", "AccessDenied"},
		{"secretsmanager.amazonaws.com", "ListSecrets", "AccessDenied"},
		{"organizations.amazonaws.com", "ListAccounts", "AccessDenied"},
	}
	k := calls[n%len(calls)]
	return step(rule, miss, at, who, k.source, k.name, "").readOnly().failing(k.code)
}

// The policy documents of the IAM cases, as CloudTrail writes them: the
// JSON text of the request, escaped.
const (
	policyAllowAll   = `"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}"`
	policyS3Read     = `"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],\n      \"Resource\": \"*\"\n    }\n  ]\n}"`
	trustAnyone      = `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"`
	trustOtherAcct   = `"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"AWS\": \"arn:aws:iam::210987654321:root\"\n      },\n      \"Action\": \"sts:AssumeRole\"\n    }\n  ]\n}"`
	trustEC2Service  = `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"`
	bucketPolicyOpen = `{"bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-marketing-assets/*"}]},"bucketName":"acme-marketing-assets","Host":"acme-marketing-assets.s3.amazonaws.com","policy":""}`
	bucketPolicyAcct = `{"bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{other}:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-partner-exchange/*"}]},"bucketName":"acme-partner-exchange","Host":"acme-partner-exchange.s3.amazonaws.com","policy":""}`
	aclGrant         = `{"Grantee":{"xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","xsi:type":"CanonicalUser","ID":"6d1a5b2c8e4f7a9b0c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b"},"Permission":"FULL_CONTROL"}`
)

func aclParams(bucket, extra string) string {
	return `{"bucketName":"` + bucket + `","Host":"` + bucket + `.s3.amazonaws.com","acl":"","AccessControlPolicy":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","Owner":{"ID":"6d1a5b2c8e4f7a9b0c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b"},"AccessControlList":{"Grant":[` + aclGrant + extra + `]}}}`
}

func sgIngress(group, cidr string, port int) string {
	p := strconv.Itoa(port)
	return `{"groupId":"` + group + `","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":` + p + `,"toPort":` + p + `,"groups":{},"ipRanges":{"items":[{"cidrIp":"` + cidr + `"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`
}

// detectSteps are the records of the detection scenarios, by window of
// the planted day (each window already holds a record of scenario.go).
var detectSteps = [...]detectStep{
	// 06:10-06:15: root.
	detectStep{rule: "root-activity", miss: true, event: "DescribeTrustedAdvisorChecks", at: hms(6, 10, 40), write: func(c *evctx, s *scenarioCtx) {
		// AWS Support acting for the root user: invokedBy, not a person.
		id := jw{b: c.idBuf[:0]}
		id.open()
		id.ks("type", "Root")
		id.ks("principalId", s.a.id)
		id.ks("arn", "arn:aws:iam::"+s.a.id+":root")
		id.ks("accountId", s.a.id)
		id.ks("invokedBy", "support.amazonaws.com")
		id.close()
		c.idBuf = id.b
		c.id = ident{kind: idRaw, raw: id.b}
		c.call("support.amazonaws.com", "DescribeTrustedAdvisorChecks", true, "support.amazonaws.com", "support.amazonaws.com")
		c.params(`{"language":"en"}`)
	}},
	detectStep{rule: "root-console-login", miss: true, event: "ConsoleLogin", at: hms(6, 11, 30), write: func(c *evctx, s *scenarioCtx) {
		// A failed root sign-in: nobody got in.
		c.id = ident{kind: idRoot, acct: s.a}
		c.signIn(ScenarioSlowForceIP, "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "Failure", "No")
		c.rec.errMsg = "Failed authentication"
	}},

	// 08:40-08:45: a brute force of the console from ScenarioBruteForceIP2.
	loginFailure("console-login-brute-force", false, hms(8, 43, 1), ScenarioBruteForceIP2),
	loginFailure("console-login-brute-force", false, hms(8, 43, 19), ScenarioBruteForceIP2),
	loginFailure("console-login-brute-force", false, hms(8, 43, 40), ScenarioBruteForceIP2),
	loginFailure("console-login-brute-force", false, hms(8, 44, 2), ScenarioBruteForceIP2),
	loginFailure("console-login-brute-force", false, hms(8, 44, 31), ScenarioBruteForceIP2),
	// 09:00-09:05: one failure fewer from ScenarioSlowForceIP.
	loginFailure("console-login-brute-force", true, hms(9, 0, 12), ScenarioSlowForceIP),
	loginFailure("console-login-brute-force", true, hms(9, 0, 58), ScenarioSlowForceIP),
	loginFailure("console-login-brute-force", true, hms(9, 1, 40), ScenarioSlowForceIP),
	loginFailure("console-login-brute-force", true, hms(9, 3, 3), ScenarioSlowForceIP),

	// 10:15-10:20: IAM.
	step("iam-access-key-for-another-user", true, hms(10, 15, 5), byAdmin, "iam.amazonaws.com", "CreateAccessKey", "").with(func(c *evctx, s *scenarioCtx) {
		// The administrator rotates their own key: userName is their own.
		c.params(`{"userName":"` + s.admin.name + `"}`)
		c.response(`{"accessKey":{"userName":"` + s.admin.name + `","accessKeyId":"AKIA5ROTATEDKEY0001Q","status":"Active","createDate":"` + iamDate(c.t) + `"}}`)
	}),
	step("iam-admin-policy-attached", false, hms(10, 15, 20), byTrudy, "iam.amazonaws.com", "AttachRolePolicy",
		`{"roleName":"ops-automation","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}`),
	step("iam-admin-policy-attached", true, hms(10, 15, 30), byAdmin, "iam.amazonaws.com", "AttachGroupPolicy",
		`{"groupName":"auditors","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}`),
	step("iam-inline-policy-allows-all", false, hms(10, 15, 50), byTrudy, "iam.amazonaws.com", "PutUserPolicy",
		`{"userName":"svc-backup","policyName":"break-glass","policyDocument":`+policyAllowAll+`}`),
	step("iam-inline-policy-allows-all", true, hms(10, 16, 10), byAdmin, "iam.amazonaws.com", "PutUserPolicy",
		`{"userName":"reporting","policyName":"read-reports","policyDocument":`+policyS3Read+`}`),
	step("iam-role-trust-allows-anyone", false, hms(10, 16, 40), byTrudy, "iam.amazonaws.com", "UpdateAssumeRolePolicy",
		`{"roleName":"ops-automation","policyDocument":`+trustAnyone+`}`),
	step("iam-role-trust-allows-account", false, hms(10, 16, 55), byTrudy, "iam.amazonaws.com", "UpdateAssumeRolePolicy",
		`{"roleName":"billing-reader","policyDocument":`+trustOtherAcct+`}`),
	step("iam-role-trust-allows-account", true, hms(10, 17, 10), byAdmin, "iam.amazonaws.com", "CreateRole",
		`{"roleName":"web-server","assumeRolePolicyDocument":`+trustEC2Service+`}`).resp(
		`{"role":{"path":"/","roleName":"web-server","roleId":"AROA5WEBSERVERROLE7Q","arn":"arn:aws:iam::{acct}:role/web-server","createDate":"Sep 30, 2019 10:17:10 AM","assumeRolePolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%7D"}}`),
	step("iam-login-profile-for-another-user", false, hms(10, 17, 25), byTrudy, "iam.amazonaws.com", "CreateLoginProfile",
		`{"userName":"svc-backup","passwordResetRequired":false}`),
	step("iam-login-profile-for-another-user", true, hms(10, 17, 35), byAdmin, "iam.amazonaws.com", "UpdateLoginProfile", "").with(func(c *evctx, s *scenarioCtx) {
		c.params(`{"userName":"` + s.admin.name + `"}`)
	}),
	step("iam-mfa-device-removed", false, hms(10, 17, 50), byTrudy, "iam.amazonaws.com", "DeactivateMFADevice", "").with(func(c *evctx, s *scenarioCtx) {
		c.params(`{"userName":"` + s.alice.name + `","serialNumber":"arn:aws:iam::{acct}:mfa/` + s.alice.name + `"}`)
	}),
	step("iam-mfa-device-removed", true, hms(10, 18, 0), byAdmin, "iam.amazonaws.com", "ResyncMFADevice", "").with(func(c *evctx, s *scenarioCtx) {
		c.params(`{"userName":"` + s.admin.name + `","serialNumber":"arn:aws:iam::{acct}:mfa/` + s.admin.name + `"}`)
	}),
	step("iam-password-policy-weakened", false, hms(10, 18, 15), byTrudy, "iam.amazonaws.com", "UpdateAccountPasswordPolicy",
		`{"minimumPasswordLength":6,"requireSymbols":false,"requireNumbers":false,"requireUppercaseCharacters":false,"requireLowercaseCharacters":true,"allowUsersToChangePassword":true}`),
	step("iam-password-policy-weakened", true, hms(10, 18, 25), byAdmin, "iam.amazonaws.com", "UpdateAccountPasswordPolicy",
		`{"minimumPasswordLength":16,"requireSymbols":true,"requireNumbers":true,"requireUppercaseCharacters":true,"requireLowercaseCharacters":true,"allowUsersToChangePassword":true,"maxPasswordAge":90,"passwordReusePrevention":24}`),
	step("iam-identity-provider-changed", false, hms(10, 18, 40), byTrudy, "iam.amazonaws.com", "CreateSAMLProvider",
		`{"name":"okta-backup","sAMLMetadataDocument":"<?xml version=\"1.0\" encoding=\"UTF-8\"?><md:EntityDescriptor entityID=\"http://www.okta.com/exk1backup\"/>"}`).resp(
		`{"sAMLProviderArn":"arn:aws:iam::{acct}:saml-provider/okta-backup"}`),
	step("iam-identity-provider-changed", true, hms(10, 18, 50), byAdmin, "iam.amazonaws.com", "ListSAMLProviders", "").readOnly(),
	step("sts-federation-token-unrestricted", false, hms(10, 19, 0), byTrudy, "sts.amazonaws.com", "GetFederationToken",
		`{"name":"backup-operator","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}","durationSeconds":129600}`).readOnly(),
	step("sts-federation-token-unrestricted", true, hms(10, 19, 10), byAdmin, "sts.amazonaws.com", "GetFederationToken",
		`{"name":"report-viewer","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::acme-reports/*\"}]}","durationSeconds":3600}`).readOnly(),
	step("rolesanywhere-trust-anchor-created", false, hms(10, 19, 25), byTrudy, "rolesanywhere.amazonaws.com", "CreateTrustAnchor",
		`{"name":"partner-ca","enabled":true,"source":{"sourceType":"CERTIFICATE_BUNDLE","sourceData":{"x509CertificateData":"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2FuYXJ5\n-----END CERTIFICATE-----\n"}}}`),
	step("rolesanywhere-trust-anchor-created", true, hms(10, 19, 35), byAdmin, "rolesanywhere.amazonaws.com", "ListTrustAnchors", "").readOnly(),
	step("root-activity", true, hms(10, 19, 45), byAdmin, "iam.amazonaws.com", "GetAccountSummary", "").readOnly(),
	// The sessions used later are issued (no rule is about these).
	issue(hms(10, 19, 50), byTrudy, ScenarioIntruderRole, "AROA5INTRUDERROLE7QX", ScenarioIntruderSession, "ASIA5INTRUDERSESS7QX", 3600*12),
	issue(hms(10, 19, 53), byAdmin, "github-actions-deploy", "AROA5DEPLOYERROLE7QX", "GitHubActions", "ASIA5DEPLOYERSESS7QX", 3600*12),
	issue(hms(10, 19, 56), byService, "web-server", "AROA5WEBSERVERROLE7Q", "i-0d4f6a8b0c2e4f6a8", "ASIA5STOLENINSTANC7Q", 3600*6),

	// 10:30-10:35: the intruder's session is denied again and again.
	deniedCall("enumeration-burst", false, hms(10, 30, 2), byIntruder, 0),
	deniedCall("enumeration-burst", false, hms(10, 30, 9), byIntruder, 1),
	deniedCall("enumeration-burst", false, hms(10, 30, 15), byIntruder, 2),
	deniedCall("enumeration-burst", false, hms(10, 30, 24), byIntruder, 3),
	deniedCall("enumeration-burst", false, hms(10, 30, 38), byIntruder, 4),
	deniedCall("enumeration-burst", false, hms(10, 30, 51), byIntruder, 5),
	deniedCall("enumeration-burst", false, hms(10, 31, 4), byIntruder, 6),
	deniedCall("enumeration-burst", false, hms(10, 31, 22), byIntruder, 7),
	deniedCall("enumeration-burst", false, hms(10, 31, 37), byIntruder, 8),
	deniedCall("enumeration-burst", false, hms(10, 31, 49), byIntruder, 9),
	deniedCall("enumeration-burst", false, hms(10, 32, 6), byIntruder, 10),
	deniedCall("enumeration-burst", false, hms(10, 32, 18), byIntruder, 11),
	deniedCall("enumeration-burst", false, hms(10, 32, 33), byIntruder, 12),
	deniedCall("enumeration-burst", false, hms(10, 32, 47), byIntruder, 13),
	deniedCall("enumeration-burst", false, hms(10, 33, 0), byIntruder, 14),
	deniedCall("enumeration-burst", false, hms(10, 33, 16), byIntruder, 15),
	deniedCall("enumeration-burst", false, hms(10, 33, 30), byIntruder, 16),
	deniedCall("enumeration-burst", false, hms(10, 33, 45), byIntruder, 17),
	deniedCall("enumeration-burst", false, hms(10, 34, 1), byIntruder, 18),
	deniedCall("enumeration-burst", false, hms(10, 34, 20), byIntruder, 19),
	deniedCall("enumeration-burst", false, hms(10, 34, 41), byIntruder, 20),
	// 10:35-10:40: the CI role is denied one time fewer; the intruder
	// reads secrets, the CI role one fewer.
	deniedCall("enumeration-burst", true, hms(10, 35, 1), byDeployer, 0),
	deniedCall("enumeration-burst", true, hms(10, 35, 8), byDeployer, 1),
	deniedCall("enumeration-burst", true, hms(10, 35, 14), byDeployer, 2),
	deniedCall("enumeration-burst", true, hms(10, 35, 22), byDeployer, 3),
	deniedCall("enumeration-burst", true, hms(10, 35, 29), byDeployer, 4),
	deniedCall("enumeration-burst", true, hms(10, 35, 37), byDeployer, 5),
	deniedCall("enumeration-burst", true, hms(10, 35, 46), byDeployer, 6),
	deniedCall("enumeration-burst", true, hms(10, 35, 53), byDeployer, 7),
	deniedCall("enumeration-burst", true, hms(10, 36, 2), byDeployer, 8),
	deniedCall("enumeration-burst", true, hms(10, 36, 11), byDeployer, 9),
	deniedCall("enumeration-burst", true, hms(10, 36, 19), byDeployer, 10),
	deniedCall("enumeration-burst", true, hms(10, 36, 28), byDeployer, 11),
	deniedCall("enumeration-burst", true, hms(10, 36, 36), byDeployer, 12),
	deniedCall("enumeration-burst", true, hms(10, 36, 45), byDeployer, 13),
	deniedCall("enumeration-burst", true, hms(10, 36, 53), byDeployer, 14),
	deniedCall("enumeration-burst", true, hms(10, 37, 2), byDeployer, 15),
	deniedCall("enumeration-burst", true, hms(10, 37, 10), byDeployer, 16),
	deniedCall("enumeration-burst", true, hms(10, 37, 19), byDeployer, 17),
	deniedCall("enumeration-burst", true, hms(10, 37, 27), byDeployer, 18),
	deniedCall("enumeration-burst", true, hms(10, 37, 36), byDeployer, 19),
	secretRead("secrets-read-in-bulk", false, hms(10, 37, 40), byIntruder, 1),
	secretRead("secrets-read-in-bulk", false, hms(10, 37, 44), byIntruder, 2),
	secretRead("secrets-read-in-bulk", false, hms(10, 37, 48), byIntruder, 3),
	secretRead("secrets-read-in-bulk", false, hms(10, 37, 52), byIntruder, 4),
	secretRead("secrets-read-in-bulk", false, hms(10, 37, 56), byIntruder, 5),
	secretRead("secrets-read-in-bulk", false, hms(10, 38, 0), byIntruder, 6),
	secretRead("secrets-read-in-bulk", false, hms(10, 38, 4), byIntruder, 7),
	secretRead("secrets-read-in-bulk", false, hms(10, 38, 8), byIntruder, 8),
	secretRead("secrets-read-in-bulk", false, hms(10, 38, 16), byIntruder, 9),
	secretRead("secrets-read-in-bulk", false, hms(10, 38, 20), byIntruder, 10),
	secretRead("secrets-read-in-bulk", false, hms(10, 38, 24), byIntruder, 11),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 30), byDeployer, 1),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 34), byDeployer, 2),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 38), byDeployer, 3),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 42), byDeployer, 4),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 46), byDeployer, 5),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 50), byDeployer, 6),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 54), byDeployer, 7),
	secretRead("secrets-read-in-bulk", true, hms(10, 38, 58), byDeployer, 8),
	secretRead("secrets-read-in-bulk", true, hms(10, 39, 2), byDeployer, 9),
	secretRead("secrets-read-in-bulk", true, hms(10, 39, 6), byDeployer, 10),
	secretRead("secrets-read-in-bulk", true, hms(10, 39, 12), byDeployer, 10),
	secretRead("secrets-read-in-bulk", true, hms(10, 39, 18), byDeployer, 10),
	step("secrets-batch-retrieved", false, hms(10, 39, 30), byIntruder, "secretsmanager.amazonaws.com", "BatchGetSecretValue",
		`{"filters":[{"key":"name","values":["prod/"]}]}`).readOnly(),
	step("secrets-batch-retrieved", true, hms(10, 39, 40), byIntruder, "secretsmanager.amazonaws.com", "ListSecrets",
		`{"maxResults":100}`).readOnly(),

	// 13:35-13:40: exposure.
	step("ec2-security-group-open-to-world", true, hms(13, 35, 10), byAdmin, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
		sgIngress("sg-0a1b2c3d4e5f60718", "10.0.0.0/8", 5432)).resp(`{"requestId":"7b0e3f5a-4d2c-4e8b-9f1a-3c5d7e9f1a2b","_return":true}`),
	step("s3-bucket-acl-public", false, hms(13, 35, 30), byTrudy, "s3.amazonaws.com", "PutBucketAcl",
		aclParams("acme-marketing-assets", `,{"Grantee":{"xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}`)),
	step("s3-bucket-acl-public", true, hms(13, 35, 40), byAdmin, "s3.amazonaws.com", "PutBucketAcl",
		aclParams("acme-access-logs", `,{"Grantee":{"xmlns:xsi":"http://www.w3.org/2001/XMLSchema-instance","xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/s3/LogDelivery"},"Permission":"WRITE"}`)),
	step("s3-bucket-policy-public", false, hms(13, 35, 55), byTrudy, "s3.amazonaws.com", "PutBucketPolicy", bucketPolicyOpen),
	step("s3-bucket-policy-public", true, hms(13, 36, 5), byAdmin, "s3.amazonaws.com", "PutBucketPolicy", bucketPolicyAcct),
	step("s3-public-access-block-removed", false, hms(13, 36, 20), byTrudy, "s3.amazonaws.com", "DeleteBucketPublicAccessBlock",
		`{"bucketName":"acme-marketing-assets","Host":"acme-marketing-assets.s3.amazonaws.com","publicAccessBlock":""}`),
	step("s3-public-access-block-removed", false, hms(13, 36, 30), byTrudy, "s3.amazonaws.com", "PutBucketPublicAccessBlock",
		`{"publicAccessBlock":"","bucketName":"acme-customer-exports","Host":"acme-customer-exports.s3.amazonaws.com","PublicAccessBlockConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","RestrictPublicBuckets":false,"BlockPublicPolicy":false,"BlockPublicAcls":false,"IgnorePublicAcls":false}}`),
	step("s3-public-access-block-removed", true, hms(13, 36, 40), byAdmin, "s3.amazonaws.com", "PutBucketPublicAccessBlock",
		`{"publicAccessBlock":"","bucketName":"acme-finance","Host":"acme-finance.s3.amazonaws.com","PublicAccessBlockConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","RestrictPublicBuckets":true,"BlockPublicPolicy":true,"BlockPublicAcls":true,"IgnorePublicAcls":true}}`),
	step("ebs-snapshot-shared", false, hms(13, 36, 55), byTrudy, "ec2.amazonaws.com", "ModifySnapshotAttribute",
		`{"snapshotId":"snap-0f1e2d3c4b5a69788","createVolumePermission":{"add":{"items":[{"group":"all"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"}`).resp(`{"requestId":"1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b","_return":true}`),
	step("ebs-snapshot-shared", true, hms(13, 37, 5), byAdmin, "ec2.amazonaws.com", "ModifySnapshotAttribute",
		`{"snapshotId":"snap-0a9b8c7d6e5f40312","createVolumePermission":{"remove":{"items":[{"userId":"{other}"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"}`).resp(`{"requestId":"2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d","_return":true}`),
	step("ami-shared", false, hms(13, 37, 40), byTrudy, "ec2.amazonaws.com", "ModifyImageAttribute",
		`{"imageId":"ami-0c1d2e3f4a5b6c7d8","launchPermission":{"add":{"items":[{"userId":"{other}"}]}},"attributeType":"launchPermission"}`).resp(`{"requestId":"3b4c5d6e-7f8a-4b9c-0d1e-2f3a4b5c6d7e","_return":true}`),
	step("ami-shared", true, hms(13, 37, 50), byAdmin, "ec2.amazonaws.com", "ModifyImageAttribute",
		`{"imageId":"ami-0e9d8c7b6a5f4e3d2","launchPermission":{"remove":{"items":[{"group":"all"}]}},"attributeType":"launchPermission"}`).resp(`{"requestId":"4c5d6e7f-8a9b-4c0d-1e2f-3a4b5c6d7e8f","_return":true}`),
	step("rds-snapshot-shared", false, hms(13, 38, 5), byTrudy, "rds.amazonaws.com", "ModifyDBSnapshotAttribute",
		`{"dBSnapshotIdentifier":"prod-orders-2019-09-29","attributeName":"restore","valuesToAdd":["all"]}`),
	step("rds-snapshot-shared", true, hms(13, 38, 15), byAdmin, "rds.amazonaws.com", "ModifyDBSnapshotAttribute",
		`{"dBSnapshotIdentifier":"staging-orders-2019-09-01","attributeName":"restore","valuesToRemove":["{other}"]}`),
	step("ec2-user-data-modified", false, hms(13, 38, 30), byTrudy, "ec2.amazonaws.com", "ModifyInstanceAttribute",
		`{"instanceId":"i-0d4f6a8b0c2e4f6a8","userData":"<sensitiveDataRemoved>"}`).resp(`{"requestId":"5d6e7f8a-9b0c-4d1e-2f3a-4b5c6d7e8f9a","_return":true}`),
	step("ec2-user-data-modified", true, hms(13, 38, 40), byAdmin, "ec2.amazonaws.com", "ModifyInstanceAttribute",
		`{"instanceId":"i-0e5a7b9c1d3f5a7b9","instanceType":{"value":"m5.large"}}`).resp(`{"requestId":"6e7f8a9b-0c1d-4e2f-3a4b-5c6d7e8f9a0b","_return":true}`),
	step("ec2-user-data-read", false, hms(13, 38, 55), byIntruder, "ec2.amazonaws.com", "DescribeInstanceAttribute",
		`{"instanceId":"i-0d4f6a8b0c2e4f6a8","attribute":"userData"}`).readOnly(),
	step("ec2-user-data-read", true, hms(13, 39, 5), byAdmin, "ec2.amazonaws.com", "DescribeInstanceAttribute",
		`{"instanceId":"i-0e5a7b9c1d3f5a7b9","attribute":"instanceType"}`).readOnly(),

	// 13:45-13:50: logging and security tooling.
	step("cloudtrail-stop-logging", true, hms(13, 45, 30), byAdmin, "cloudtrail.amazonaws.com", "StartLogging",
		`{"name":"arn:aws:cloudtrail:us-east-1:{acct}:trail/data-trail"}`),
	step("cloudtrail-delete-trail", false, hms(13, 45, 40), byTrudy, "cloudtrail.amazonaws.com", "DeleteTrail",
		`{"name":"arn:aws:cloudtrail:us-east-1:{acct}:trail/security-trail"}`),
	step("cloudtrail-delete-trail", true, hms(13, 45, 50), byTrudy, "cloudtrail.amazonaws.com", "DeleteTrail",
		`{"name":"arn:aws:cloudtrail:us-east-1:{acct}:trail/org-trail"}`).failing("AccessDeniedException"),
	step("cloudtrail-event-selectors-reduced", false, hms(13, 46, 0), byTrudy, "cloudtrail.amazonaws.com", "PutEventSelectors",
		`{"trailName":"management-trail","eventSelectors":[{"readWriteType":"ReadOnly","includeManagementEvents":false,"dataResources":[],"excludeManagementEventSources":[]}]}`),
	step("cloudtrail-event-selectors-reduced", true, hms(13, 46, 10), byAdmin, "cloudtrail.amazonaws.com", "PutEventSelectors",
		`{"trailName":"data-trail","eventSelectors":[{"readWriteType":"All","includeManagementEvents":true,"dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3:::acme-finance/"]}],"excludeManagementEventSources":[]}]}`),
	step("cloudtrail-trail-weakened", false, hms(13, 46, 20), byTrudy, "cloudtrail.amazonaws.com", "UpdateTrail",
		`{"name":"management-trail","isMultiRegionTrail":false,"enableLogFileValidation":false}`),
	step("cloudtrail-trail-weakened", true, hms(13, 46, 30), byAdmin, "cloudtrail.amazonaws.com", "UpdateTrail",
		`{"name":"data-trail","isMultiRegionTrail":true,"enableLogFileValidation":true,"kmsKeyId":"arn:aws:kms:us-east-1:{acct}:key/0c4d8e2a-6b1f-4a3c-9e5d-7f2b4a6c8e0d"}`),
	step("cloudtrail-bucket-changed", false, hms(13, 46, 40), byTrudy, "s3.amazonaws.com", "PutBucketLifecycle",
		`{"bucketName":"`+ScenarioTrailBucket+`","Host":"`+ScenarioTrailBucket+`.s3.amazonaws.com","lifecycle":"","LifecycleConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","Rule":{"ID":"expire","Status":"Enabled","Filter":{"Prefix":""},"Expiration":{"Days":1}}}}`),
	step("cloudtrail-bucket-changed", true, hms(13, 46, 50), byAdmin, "s3.amazonaws.com", "PutBucketLifecycle",
		`{"bucketName":"acme-build-artifacts","Host":"acme-build-artifacts.s3.amazonaws.com","lifecycle":"","LifecycleConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","Rule":{"ID":"expire","Status":"Enabled","Filter":{"Prefix":"tmp/"},"Expiration":{"Days":7}}}}`),
	step("vpc-flow-logs-deleted", false, hms(13, 47, 0), byTrudy, "ec2.amazonaws.com", "DeleteFlowLogs",
		`{"DeleteFlowLogsRequest":{"FlowLogId":{"content":"fl-0b2d4f6a8c0e2a4c6","tag":1}}}`),
	step("vpc-flow-logs-deleted", true, hms(13, 47, 5), byAdmin, "ec2.amazonaws.com", "CreateFlowLogs",
		`{"CreateFlowLogsRequest":{"ResourceId":{"content":"vpc-0a2c4e6a8c0e2a4c6","tag":1},"ResourceType":"VPC","TrafficType":"ALL","LogDestinationType":"s3","LogDestination":"arn:aws:s3:::acme-flow-logs"}}`),
	step("dns-query-logging-deleted", false, hms(13, 47, 10), byTrudy, "route53resolver.amazonaws.com", "DeleteResolverQueryLogConfig",
		`{"resolverQueryLogConfigId":"rqlc-4d6f8a0c2e4a6c8e"}`),
	step("dns-query-logging-deleted", true, hms(13, 47, 15), byAdmin, "route53resolver.amazonaws.com", "ListResolverQueryLogConfigs", `{"maxResults":10}`).readOnly(),
	step("guardduty-disabled", false, hms(13, 47, 20), byTrudy, "guardduty.amazonaws.com", "UpdateDetector",
		`{"detectorId":"52b7f1a0c3d94e8f6a2b1c0d9e8f7a6b","enable":false}`),
	step("guardduty-disabled", false, hms(13, 47, 25), byTrudy, "guardduty.amazonaws.com", "DeleteDetector",
		`{"detectorId":"52b7f1a0c3d94e8f6a2b1c0d9e8f7a6b"}`),
	step("guardduty-disabled", true, hms(13, 47, 30), byAdmin, "guardduty.amazonaws.com", "UpdateDetector",
		`{"detectorId":"52b7f1a0c3d94e8f6a2b1c0d9e8f7a6b","enable":true,"findingPublishingFrequency":"FIFTEEN_MINUTES"}`),
	step("securityhub-disabled", false, hms(13, 47, 35), byTrudy, "securityhub.amazonaws.com", "BatchDisableStandards",
		`{"StandardsSubscriptionArns":["arn:aws:securityhub:us-east-1:{acct}:subscription/aws-foundational-security-best-practices/v/1.0.0"]}`),
	step("securityhub-disabled", true, hms(13, 47, 40), byAdmin, "securityhub.amazonaws.com", "BatchEnableStandards",
		`{"StandardsSubscriptionRequests":[{"StandardsArn":"arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"}]}`),
	step("config-recording-stopped", false, hms(13, 47, 45), byTrudy, "config.amazonaws.com", "StopConfigurationRecorder",
		`{"configurationRecorderName":"default"}`),
	step("config-recording-stopped", true, hms(13, 47, 50), byAdmin, "config.amazonaws.com", "StartConfigurationRecorder",
		`{"configurationRecorderName":"default"}`),
	step("access-analyzer-deleted", false, hms(13, 47, 55), byTrudy, "access-analyzer.amazonaws.com", "DeleteAnalyzer",
		`{"analyzerName":"org-analyzer"}`),
	step("access-analyzer-deleted", true, hms(13, 48, 0), byAdmin, "access-analyzer.amazonaws.com", "DeleteArchiveRule",
		`{"analyzerName":"org-analyzer","ruleName":"ignore-partner-buckets"}`),
	step("monitoring-rule-disabled", false, hms(13, 48, 5), byTrudy, "events.amazonaws.com", "DisableRule",
		`{"name":"guardduty-findings-to-slack"}`),
	step("monitoring-rule-disabled", true, hms(13, 48, 10), byAdmin, "events.amazonaws.com", "EnableRule",
		`{"name":"nightly-backup"}`),
	step("ebs-default-encryption-disabled", false, hms(13, 48, 15), byTrudy, "ec2.amazonaws.com", "DisableEbsEncryptionByDefault",
		`{"DisableEbsEncryptionByDefaultRequest":""}`).resp(`{"DisableEbsEncryptionByDefaultResponse":{"xmlns":"http://ec2.amazonaws.com/doc/2016-11-15/","requestId":"7f8a9b0c-1d2e-4f3a-4b5c-6d7e8f9a0b1c","ebsEncryptionByDefault":false}}`),
	step("ebs-default-encryption-disabled", true, hms(13, 48, 20), byAdmin, "ec2.amazonaws.com", "EnableEbsEncryptionByDefault",
		`{"EnableEbsEncryptionByDefaultRequest":""}`).resp(`{"EnableEbsEncryptionByDefaultResponse":{"xmlns":"http://ec2.amazonaws.com/doc/2016-11-15/","requestId":"8a9b0c1d-2e3f-4a4b-5c6d-7e8f9a0b1c2d","ebsEncryptionByDefault":true}}`),
	step("kms-key-deletion-scheduled", false, hms(13, 48, 25), byTrudy, "kms.amazonaws.com", "ScheduleKeyDeletion",
		`{"keyId":"arn:aws:kms:us-east-1:{acct}:key/9b0c1d2e-3f4a-4b5c-6d7e-8f9a0b1c2d3e","pendingWindowInDays":7}`),
	step("kms-key-deletion-scheduled", true, hms(13, 48, 30), byAdmin, "kms.amazonaws.com", "CancelKeyDeletion",
		`{"keyId":"arn:aws:kms:us-east-1:{acct}:key/9b0c1d2e-3f4a-4b5c-6d7e-8f9a0b1c2d3e"}`),
	step("kms-key-disabled", false, hms(13, 48, 35), byTrudy, "kms.amazonaws.com", "DisableKey",
		`{"keyId":"arn:aws:kms:us-east-1:{acct}:key/0c1d2e3f-4a5b-4c6d-7e8f-9a0b1c2d3e4f"}`),
	step("kms-key-disabled", true, hms(13, 48, 40), byAdmin, "kms.amazonaws.com", "EnableKey",
		`{"keyId":"arn:aws:kms:us-east-1:{acct}:key/0c1d2e3f-4a5b-4c6d-7e8f-9a0b1c2d3e4f"}`),
	step("organizations-left", false, hms(13, 48, 45), byTrudy, "organizations.amazonaws.com", "LeaveOrganization", "").failing("AccessDeniedException"),
	step("organizations-left", true, hms(13, 48, 50), byAdmin, "organizations.amazonaws.com", "DescribeOrganization", "").readOnly(),
	step("s3-bucket-deleted", false, hms(13, 48, 55), byTrudy, "s3.amazonaws.com", "DeleteBucket",
		`{"bucketName":"acme-db-backups","Host":"acme-db-backups.s3.amazonaws.com"}`),
	step("s3-bucket-deleted", true, hms(13, 49, 0), byTrudy, "s3.amazonaws.com", "DeleteBucket",
		`{"bucketName":"acme-audit-archive","Host":"acme-audit-archive.s3.amazonaws.com"}`).failing("AccessDenied"),

	// 15:00-15:05: Lambda, SSM and EC2 access.
	step("lambda-permission-public", false, hms(15, 0, 5), byTrudy, "lambda.amazonaws.com", "AddPermission20150331v2",
		`{"functionName":"billing-export","statementId":"public-invoke","action":"lambda:InvokeFunction","principal":"*"}`),
	step("lambda-permission-public", true, hms(15, 0, 12), byAdmin, "lambda.amazonaws.com", "AddPermission20150331v2",
		`{"functionName":"thumbnailer","statementId":"s3-invoke","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","sourceArn":"arn:aws:s3:::acme-uploads","sourceAccount":"{acct}"}`),
	step("lambda-permission-public", false, hms(15, 0, 20), byTrudy, "lambda.amazonaws.com", "AddLayerVersionPermission20181031",
		`{"layerName":"shared-deps","versionNumber":3,"statementId":"everyone","action":"lambda:GetLayerVersion","principal":"*"}`),
	step("lambda-permission-public", true, hms(15, 0, 28), byAdmin, "lambda.amazonaws.com", "AddLayerVersionPermission20181031",
		`{"layerName":"shared-deps","versionNumber":3,"statementId":"partner","action":"lambda:GetLayerVersion","principal":"{other}"}`),
	step("lambda-code-updated", false, hms(15, 0, 40), byTrudy, "lambda.amazonaws.com", "UpdateFunctionCode20150331v2",
		`{"functionName":"arn:aws:lambda:us-east-1:{acct}:function:billing-export","publish":true,"dryRun":false}`),
	step("lambda-code-updated", true, hms(15, 0, 50), byDeployer, "lambda.amazonaws.com", "UpdateFunctionCode20150331v2",
		`{"functionName":"arn:aws:lambda:us-east-1:{acct}:function:thumbnailer","publish":true,"dryRun":false}`),
	step("lambda-layer-attached", false, hms(15, 1, 0), byTrudy, "lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
		`{"functionName":"arn:aws:lambda:us-east-1:{acct}:function:billing-export","layers":["arn:aws:lambda:us-east-1:{other}:layer:telemetry-extension:1"]}`),
	step("lambda-layer-attached", true, hms(15, 1, 10), byAdmin, "lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
		`{"functionName":"arn:aws:lambda:us-east-1:{acct}:function:thumbnailer","memorySize":1024,"timeout":60}`),
	step("ssm-send-command", false, hms(15, 1, 20), byTrudy, "ssm.amazonaws.com", "SendCommand",
		`{"instanceIds":["i-0d4f6a8b0c2e4f6a8"],"documentName":"AWS-RunShellScript","parameters":"HIDDEN_DUE_TO_SECURITY_REASONS","interactive":false}`),
	step("ssm-send-command", true, hms(15, 1, 30), byAdmin, "ssm.amazonaws.com", "SendCommand",
		`{"instanceIds":["i-0e5a7b9c1d3f5a7b9"],"documentName":"AWS-RunPatchBaseline","parameters":"HIDDEN_DUE_TO_SECURITY_REASONS","interactive":false}`),
	step("ssm-start-session", false, hms(15, 1, 40), byTrudy, "ssm.amazonaws.com", "StartSession",
		`{"target":"i-0d4f6a8b0c2e4f6a8"}`),
	step("ssm-start-session", true, hms(15, 1, 50), byAdmin, "ssm.amazonaws.com", "TerminateSession",
		`{"sessionId":"ops-0a1b2c3d4e5f6a7b8"}`),
	step("ec2-password-data-requested", false, hms(15, 2, 20), byIntruder, "ec2.amazonaws.com", "GetPasswordData",
		`{"instanceId":"i-0f6b8c0d2e4f6a8b0"}`).readOnly().failing("Client.UnauthorizedOperation"),
	step("ec2-password-data-requested", true, hms(15, 2, 30), byAdmin, "ec2.amazonaws.com", "GetConsoleOutput",
		`{"instanceId":"i-0e5a7b9c1d3f5a7b9"}`).readOnly(),
	step("ec2-ssh-key-pushed", false, hms(15, 2, 40), byTrudy, "ec2-instance-connect.amazonaws.com", "SendSSHPublicKey",
		`{"instanceId":"i-0d4f6a8b0c2e4f6a8","instanceOSUser":"ec2-user","sSHPublicKey":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx2kP0attacker"}`),
	step("ec2-ssh-key-pushed", true, hms(15, 2, 50), byAdmin, "ec2.amazonaws.com", "DescribeKeyPairs",
		`{"keySet":{}}`).readOnly(),
	step("ec2-serial-console-enabled", false, hms(15, 3, 0), byTrudy, "ec2.amazonaws.com", "EnableSerialConsoleAccess",
		`{"EnableSerialConsoleAccessRequest":""}`),
	step("ec2-serial-console-enabled", true, hms(15, 3, 10), byAdmin, "ec2.amazonaws.com", "DisableSerialConsoleAccess",
		`{"DisableSerialConsoleAccessRequest":""}`),
	step("ec2-gpu-instances-launched", false, hms(15, 3, 20), byIntruder, "ec2.amazonaws.com", "RunInstances",
		`{"instancesSet":{"items":[{"imageId":"ami-0c1d2e3f4a5b6c7d8","minCount":1,"maxCount":10}]},"instanceType":"p3.16xlarge","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false}`).failing("Client.UnauthorizedOperation"),
	step("ec2-gpu-instances-launched", true, hms(15, 3, 30), byAdmin, "ec2.amazonaws.com", "RunInstances",
		`{"instancesSet":{"items":[{"imageId":"ami-0e9d8c7b6a5f4e3d2","minCount":1,"maxCount":1}]},"instanceType":"t3.medium","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false}`).failing("Client.UnauthorizedOperation"),

	// 15:05-15:10: instance credentials, an unusual region, RDS, Bedrock.
	detectStep{rule: "instance-credentials-outside-aws", event: "GetCallerIdentity", at: hms(15, 5, 10), write: func(c *evctx, s *scenarioCtx) {
		c.asRole(s.a, "web-server", "AROA5WEBSERVERROLE7Q", "i-0d4f6a8b0c2e4f6a8", "ASIA5STOLENINSTANC7Q", "1.0")
		c.call("sts.amazonaws.com", "GetCallerIdentity", true, ScenarioIntruderIP, attackerAgent)
		c.tls("sts.amazonaws.com")
	}},
	detectStep{rule: "instance-credentials-outside-aws", miss: true, event: "DescribeTags", at: hms(15, 5, 20), write: func(c *evctx, s *scenarioCtx) {
		c.asRole(s.a, "web-server", "AROA5WEBSERVERROLE7Q", "i-0d4f6a8b0c2e4f6a8", "ASIA5STOLENINSTANC7Q", "1.0")
		c.call("ec2.amazonaws.com", "DescribeTags", true, "172.31.40.12", "aws-sdk-go/1.44.0 (go1.20; linux; amd64)")
		c.params(`{"filterSet":{"items":[{"name":"resource-id","valueSet":{"items":[{"value":"i-0d4f6a8b0c2e4f6a8"}]}}]}}`)
		c.tls("ec2.us-east-1.amazonaws.com")
	}},
	step("unusual-region", false, hms(15, 5, 30), byIntruder, "ec2.amazonaws.com", "DescribeRegions",
		`{"regionSet":{},"allRegions":true}`).readOnly().in(ScenarioUnusualRegion),
	step("unusual-region", true, hms(15, 5, 35), byIntruder, "ec2.amazonaws.com", "DescribeRegions",
		`{"regionSet":{},"allRegions":true}`).readOnly(),
	step("rds-master-password-changed", false, hms(15, 6, 0), byTrudy, "rds.amazonaws.com", "ModifyDBInstance",
		`{"dBInstanceIdentifier":"prod-orders","masterUserPassword":"****","applyImmediately":true}`),
	step("rds-master-password-changed", true, hms(15, 6, 10), byAdmin, "rds.amazonaws.com", "ModifyDBInstance",
		`{"dBInstanceIdentifier":"staging-orders","allocatedStorage":200,"applyImmediately":false}`),
	step("bedrock-model-access-enabled", false, hms(15, 6, 20), byIntruder, "bedrock.amazonaws.com", "PutUseCaseForModelAccess", ""),
	step("bedrock-model-access-enabled", false, hms(15, 6, 25), byIntruder, "bedrock.amazonaws.com", "CreateFoundationModelAgreement",
		`{"offerToken":"HIDDEN_DUE_TO_SECURITY_REASONS","modelId":"anthropic.claude-3-sonnet-20240229-v1:0"}`),
	step("bedrock-model-access-enabled", true, hms(15, 6, 30), byAdmin, "bedrock.amazonaws.com", "ListFoundationModels", "").readOnly(),
}
