package gen

import "time"

// The planted scenarios: fixed events that the demo, the reports and the
// tests look for. They are written once, in the first (management)
// account, in ScenarioRegion, on ScenarioDay when the generated days cover
// it and on the first day otherwise. See the package documentation.
const (
	// ScenarioDay is the day the scenarios happen on, when it is generated.
	ScenarioDay = "2019-09-30"
	// ScenarioRegion is the region of every scenario event.
	ScenarioRegion = "us-east-1"
	// ScenarioMinEvents is the smallest Events for which the scenarios are
	// planted.
	ScenarioMinEvents = 200
	// ScenarioEvents is the number of records the scenarios add.
	ScenarioEvents = 23

	// ScenarioAttackerIP is the source address of mallory's and ghost-admin's
	// calls.
	ScenarioAttackerIP = "1.2.3.4"
	// ScenarioBruteForceIP is the source address of the failed console
	// logins and of the console login without MFA.
	ScenarioBruteForceIP = "185.220.101.45"

	// ScenarioMallory is the IAM user who opens security groups to the
	// world and stops the trail.
	ScenarioMallory = "mallory"
	// ScenarioOpenedGroup is opened by AuthorizeSecurityGroupIngress on
	// ScenarioOpenedPort (tcp) to 0.0.0.0/0 and ::/0.
	ScenarioOpenedGroup = "sg-0ecc76ac9b16d1e14"
	ScenarioOpenedPort  = 23
	// ScenarioModifiedGroup is opened by ModifySecurityGroupRules: rule
	// ScenarioModifiedRule is changed to allow ScenarioModifiedPort (tcp)
	// from 0.0.0.0/0.
	ScenarioModifiedGroup = "sg-0b3f5c2e8d9a71f64"
	ScenarioModifiedRule  = "sgr-0a6c2e4b8d1f3a5c7"
	ScenarioModifiedPort  = 3389
	// ScenarioTrail is the trail that mallory stops (cloudtrail:StopLogging).
	ScenarioTrail = "management-trail"

	// ScenarioAlice is the IAM user who creates ScenarioGhostUser, attaches
	// ScenarioGhostPolicy to it and creates ScenarioGhostAccessKey for it.
	ScenarioAlice          = "alice"
	ScenarioGhostUser      = "ghost-admin"
	ScenarioGhostPolicy    = "arn:aws:iam::aws:policy/AdministratorAccess"
	ScenarioGhostAccessKey = "AKIA5GHOSTADMINKEY7Q"
	// ScenarioGhostUserID is ghost-admin's principal id.
	ScenarioGhostUserID = "AIDA5GHOSTADMINUSER7Q"

	// ScenarioPublicBucket is read anonymously (GetObject by
	// ANONYMOUS_PRINCIPAL).
	ScenarioPublicBucket = "trailsql-demo-public"

	// ScenarioNoMFAUser signs in to the console without MFA, after failed
	// console logins from ScenarioBruteForceIP.
	ScenarioNoMFAUser = "carol"
)

// scenarioDayUnix is the Unix time of ScenarioDay's midnight.
func scenarioDayUnix() int64 {
	t, _ := time.Parse(time.DateOnly, ScenarioDay)
	return t.Unix()
}

// scenarioStep is one planted record: when it happens (seconds after the
// scenario day's midnight) and how it is written.
type scenarioStep struct {
	at    int64
	write func(c *evctx, s *scenarioCtx)
}

// scenarioCtx is what scenario steps share.
type scenarioCtx struct {
	a       *account
	alice   *iamUser
	carol   *iamUser
	mallory *iamUser
	admin   *iamUser // an administrator who is none of the above (detection scenarios)
}

const ghostAgent = "aws-cli/1.16.245 Python/3.7.4 Linux/5.2.0-kali2-amd64 botocore/1.12.235"

func hms(h, m, s int64) int64 { return h*3600 + m*60 + s }

// scenarioSteps are the planted records in time order.
var scenarioSteps = [ScenarioEvents]scenarioStep{
	// Root account activity.
	{hms(6, 12, 3), func(c *evctx, s *scenarioCtx) {
		c.id = ident{kind: idRoot, acct: s.a}
		c.signIn(c.w.ips[7], c.w.browsers[3], "Success", "Yes")
	}},
	{hms(6, 13, 10), func(c *evctx, s *scenarioCtx) {
		c.id = ident{kind: idRoot, acct: s.a, key: c.tempKey()}
		c.call("iam.amazonaws.com", "GetAccountSummary", true, c.w.ips[7], "AWS Internal")
		c.rec.console = true
		c.tls("iam.amazonaws.com")
	}},
	{hms(6, 14, 45), func(c *evctx, s *scenarioCtx) {
		c.id = ident{kind: idRoot, acct: s.a, key: c.tempKey()}
		c.call("s3.amazonaws.com", "ListBuckets", true, c.w.ips[7], "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.11.633]")
		c.rec.console = true
		q := c.reqObj()
		q.ks("Host", "s3.amazonaws.com")
		q.close()
		c.s3Add(0, 4211)
		c.tls("s3.amazonaws.com")
	}},
	// Failed console logins, then carol signs in without MFA.
	{hms(8, 41, 7), func(c *evctx, s *scenarioCtx) { c.failedLogin(s, s.carol) }},
	{hms(8, 41, 29), func(c *evctx, s *scenarioCtx) { c.failedLogin(s, s.carol) }},
	{hms(8, 42, 2), func(c *evctx, s *scenarioCtx) { c.failedLogin(s, nil) }},
	{hms(9, 2, 15), func(c *evctx, s *scenarioCtx) {
		c.id = ident{kind: idUser, acct: s.a, user: s.carol}
		c.signIn(ScenarioBruteForceIP, c.w.browsers[11], "Success", "No")
	}},
	// alice creates ghost-admin, makes it an administrator, gives it a key.
	{hms(10, 15, 42), func(c *evctx, s *scenarioCtx) {
		c.asUser(s.a, s.alice)
		c.call("iam.amazonaws.com", "CreateUser", false, "", "")
		q := c.reqObj()
		q.ks("userName", ScenarioGhostUser)
		q.close()
		p := c.respObj()
		p.ko("user")
		p.ks("path", "/")
		p.ks("userName", ScenarioGhostUser)
		p.ks("userId", ScenarioGhostUserID)
		p.ks("arn", "arn:aws:iam::"+s.a.id+":user/"+ScenarioGhostUser)
		p.ks("createDate", iamDate(c.t))
		p.close()
		p.close()
		c.tls("iam.amazonaws.com")
	}},
	{hms(10, 16, 5), func(c *evctx, s *scenarioCtx) {
		c.asUser(s.a, s.alice)
		c.call("iam.amazonaws.com", "AttachUserPolicy", false, "", "")
		q := c.reqObj()
		q.ks("userName", ScenarioGhostUser)
		q.ks("policyArn", ScenarioGhostPolicy)
		q.close()
		c.tls("iam.amazonaws.com")
	}},
	{hms(10, 16, 31), func(c *evctx, s *scenarioCtx) {
		c.asUser(s.a, s.alice)
		c.call("iam.amazonaws.com", "CreateAccessKey", false, "", "")
		q := c.reqObj()
		q.ks("userName", ScenarioGhostUser)
		q.close()
		p := c.respObj()
		p.ko("accessKey")
		p.ks("userName", ScenarioGhostUser)
		p.ks("accessKeyId", ScenarioGhostAccessKey)
		p.ks("status", "Active")
		p.ks("createDate", iamDate(c.t))
		p.close()
		p.close()
		c.tls("iam.amazonaws.com")
	}},
	// ghost-admin uses its new key.
	{hms(10, 31, 10), func(c *evctx, s *scenarioCtx) {
		c.asGhost(s.a)
		c.call("sts.amazonaws.com", "GetCallerIdentity", true, ScenarioAttackerIP, ghostAgent)
		c.tls("sts.amazonaws.com")
	}},
	{hms(10, 31, 55), func(c *evctx, s *scenarioCtx) {
		c.asGhost(s.a)
		c.call("s3.amazonaws.com", "ListBuckets", true, ScenarioAttackerIP, ghostAgent)
		q := c.reqObj()
		q.ks("Host", "s3.amazonaws.com")
		q.close()
		c.s3Add(0, 3876)
		c.tls("s3.amazonaws.com")
	}},
	{hms(10, 33, 2), func(c *evctx, s *scenarioCtx) {
		c.asGhost(s.a)
		c.call("ec2.amazonaws.com", "DescribeInstances", true, ScenarioAttackerIP, ghostAgent)
		q := c.reqObj()
		q.kempty("instancesSet")
		q.kempty("filterSet")
		q.close()
		c.tls("ec2.us-east-1.amazonaws.com")
	}},
	{hms(10, 35, 40), func(c *evctx, s *scenarioCtx) {
		c.asGhost(s.a)
		c.call("iam.amazonaws.com", "ListUsers", true, "45.155.205.233", ghostAgent)
		c.tls("iam.amazonaws.com")
	}},
	{hms(10, 38, 12), func(c *evctx, s *scenarioCtx) {
		c.asGhost(s.a)
		c.call("secretsmanager.amazonaws.com", "GetSecretValue", true, ScenarioAttackerIP, ghostAgent)
		q := c.reqObj()
		q.ks("secretId", s.a.secrets[0])
		q.close()
		c.tls("secretsmanager.us-east-1.amazonaws.com")
	}},
	// mallory opens security groups to the world and stops the trail.
	{hms(13, 37, 21), func(c *evctx, s *scenarioCtx) {
		c.asUser(s.a, s.mallory)
		c.call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", false, ScenarioAttackerIP, "")
		buildSGIngress(c, ScenarioOpenedGroup, ScenarioOpenedPort, "0.0.0.0/0", "::/0")
		c.tls("ec2.us-east-1.amazonaws.com")
	}},
	{hms(13, 39, 48), func(c *evctx, s *scenarioCtx) {
		c.asUser(s.a, s.mallory)
		c.call("ec2.amazonaws.com", "ModifySecurityGroupRules", false, ScenarioAttackerIP, "")
		q := c.reqObj()
		q.ko("ModifySecurityGroupRulesRequest")
		q.ks("GroupId", ScenarioModifiedGroup)
		q.ko("SecurityGroupRule")
		q.ks("SecurityGroupRuleId", ScenarioModifiedRule)
		q.ko("SecurityGroupRule")
		q.ks("IpProtocol", "tcp")
		q.ki("FromPort", ScenarioModifiedPort)
		q.ki("ToPort", ScenarioModifiedPort)
		q.ks("CidrIpv4", "0.0.0.0/0")
		q.ks("Description", "")
		q.close()
		q.ki("tag", 1)
		q.close()
		q.close()
		q.close()
		p := c.respObj()
		p.ko("ModifySecurityGroupRulesResponse")
		p.ks("xmlns", "http://ec2.amazonaws.com/doc/2016-11-15/")
		p.ks("requestId", uuid(c.r))
		p.kb("return", true)
		p.close()
		p.close()
		c.tls("ec2.us-east-1.amazonaws.com")
	}},
	{hms(13, 45, 2), func(c *evctx, s *scenarioCtx) {
		c.asUser(s.a, s.mallory)
		c.call("cloudtrail.amazonaws.com", "StopLogging", false, ScenarioAttackerIP, "")
		q := c.reqObj()
		q.ks("name", "arn:aws:cloudtrail:us-east-1:"+s.a.id+":trail/"+ScenarioTrail)
		q.close()
		c.tls("cloudtrail.us-east-1.amazonaws.com")
	}},
	// Anonymous reads of the public bucket.
	{hms(15, 2, 11), func(c *evctx, s *scenarioCtx) {
		c.anonymousGet(s, "exports/customers-2019-09.csv", "curl/7.58.0", c.w.ips[21], 48211)
	}},
	{hms(15, 2, 13), func(c *evctx, s *scenarioCtx) {
		c.anonymousGet(s, "exports/customers-2019-09.csv", "curl/7.58.0", c.w.ips[21], 48211)
	}},
	{hms(15, 7, 40), func(c *evctx, s *scenarioCtx) {
		c.anonymousGet(s, "backups/db-dump-2019-09-29.sql.gz", "python-requests/2.22.0", c.w.ips[42], 18_342_117)
	}},
	{hms(15, 19, 5), func(c *evctx, s *scenarioCtx) {
		c.anonymousGet(s, "index.html", c.w.browsers[5], c.w.ips[63], 2381)
	}},
	{hms(15, 44, 58), func(c *evctx, s *scenarioCtx) {
		c.anonymousGet(s, "exports/payroll-2019-q3.xlsx", "Wget/1.19.4 (linux-gnu)", ScenarioAttackerIP, 99_804)
	}},
}

// scenarioAt returns the Unix time of scenario step i in w.
func (w *world) scenarioAt(i int) int64 {
	return w.start + int64(w.scenarioDay)*86400 + scenarioSteps[i].at
}

// scenario writes planted record i.
func (c *evctx) scenario(out *jw, i int) {
	a := c.w.accounts[0]
	c.begin(a, 0, c.w.scenarioAt(i))
	c.rec.version = "1.08"
	s := &scenarioCtx{a: a, alice: a.user(ScenarioAlice), carol: a.user(ScenarioNoMFAUser), mallory: a.user(ScenarioMallory)}
	scenarioSteps[i].write(c, s)
	c.write(out)
}

// call sets the envelope of an ordinary API call; empty ip and ua keep
// what the principal uses (asUser).
func (c *evctx) call(source, name string, ro bool, ip, ua string) {
	e := &c.rec
	e.source, e.name, e.readOnly = source, name, ro
	if ip != "" {
		e.ip = ip
	}
	if ua != "" {
		e.ua = ua
	}
}

func (c *evctx) asUser(a *account, u *iamUser) {
	c.id = ident{kind: idUser, acct: a, user: u, key: u.key}
	c.rec.ip, c.rec.ua = c.w.ips[u.ip], c.w.uas[u.ua]
}

func (c *evctx) asGhost(a *account) {
	u := &iamUser{name: ScenarioGhostUser, id: ScenarioGhostUserID, key: ScenarioGhostAccessKey}
	c.id = ident{kind: idUser, acct: a, user: u, key: ScenarioGhostAccessKey}
}

// signIn writes a ConsoleLogin of the record's principal.
func (c *evctx) signIn(ip, ua, outcome, mfa string) {
	e := &c.rec
	e.source, e.name, e.eventType, e.readOnly = "signin.amazonaws.com", "ConsoleLogin", "AwsConsoleSignIn", false
	e.ip, e.ua = ip, ua
	p := c.respObj()
	p.ks("ConsoleLogin", outcome)
	p.close()
	a := c.addObj()
	a.ks("LoginTo", "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true")
	a.ks("MobileVersion", "No")
	a.ks("MFAUsed", mfa)
	a.close()
	c.tls("signin.aws.amazon.com")
}

// failedLogin writes a failed ConsoleLogin for u, or for a user name that
// does not exist (nil), as CloudTrail writes them: no ARN, an empty access
// key, and the name hidden when it is not a user of the account.
func (c *evctx) failedLogin(s *scenarioCtx, u *iamUser) {
	id := jw{b: c.idBuf[:0]}
	id.open()
	id.ks("type", "IAMUser")
	if u != nil {
		id.ks("principalId", u.id)
	}
	id.ks("accountId", s.a.id)
	id.ks("accessKeyId", "")
	if u != nil {
		id.ks("userName", u.name)
	} else {
		id.ks("userName", "HIDDEN_DUE_TO_SECURITY_REASONS")
	}
	id.close()
	c.idBuf = id.b
	c.id = ident{kind: idRaw, raw: id.b}
	c.signIn(ScenarioBruteForceIP, c.w.browsers[11], "Failure", "No")
	// A failed login has an errorMessage, no errorCode, and keeps its
	// responseElements.
	c.rec.errMsg = "Failed authentication"
}

// anonymousGet writes an unauthenticated GetObject on the public bucket.
func (c *evctx) anonymousGet(s *scenarioCtx, key, ua, ip string, size int64) {
	e := &c.rec
	c.id = ident{kind: idAnonymous}
	e.source, e.name, e.readOnly, e.category, e.mgmt = "s3.amazonaws.com", "GetObject", true, "Data", false
	e.ip, e.ua = ip, ua
	b := ScenarioPublicBucket
	q := c.reqObj()
	q.ks("bucketName", b)
	q.ks("Host", b+".s3.amazonaws.com")
	q.ks("key", key)
	q.close()
	a := c.addObj()
	a.ks("CipherSuite", "ECDHE-RSA-AES128-GCM-SHA256")
	a.ki("bytesTransferredIn", 0)
	a.key("x-amz-id-2")
	a.sep()
	a.b = append(a.b, '"')
	a.b = appendBase64(a.b, c.r, 76)
	a.b = append(a.b, '"')
	a.comma = true
	a.ki("bytesTransferredOut", size)
	a.close()
	c.resource("", "AWS::S3::Object", "arn:aws:s3:::"+b+"/"+key)
	c.resource(s.a.id, "AWS::S3::Bucket", "arn:aws:s3:::"+b)
	c.tls(b + ".s3.amazonaws.com")
}
