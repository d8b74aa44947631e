package gen

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// catalog holds the templates that may be drawn in a file, by whether the
// file's region is us-east-1 (global services) and whether its account is
// the management account.
type catalog struct {
	idx [4][]int
	wt  [4]weighted
}

func newCatalog() *catalog {
	c := &catalog{}
	for k := range 4 {
		use1, mgmt := k&1 != 0, k&2 != 0
		var ws []uint64
		for i, t := range templates {
			if t.w == 0 || t.global && !use1 || t.mgmt && !mgmt {
				continue
			}
			c.idx[k] = append(c.idx[k], i)
			ws = append(ws, uint64(t.w))
		}
		c.wt[k] = newWeighted(ws)
	}
	return c
}

func (cat *catalog) draw(r *rand.Rand, use1, mgmt bool) *tmpl {
	k := 0
	if use1 {
		k |= 1
	}
	if mgmt {
		k |= 2
	}
	return &templates[cat.idx[k][cat.wt[k].draw(r)]]
}

// eventSeed is the seed of the random stream of regular record j of a file.
func eventSeed(fc *fileCtx, j int) uint64 { return mix2(fc.seed, uint64(j)) }

// regularTime returns the eventTime of regular record j of fc without
// writing it: the first draw of the record's stream.
func (w *world) regularTime(p *rand.PCG, r *rand.Rand, fc *fileCtx, j int) int64 {
	reseed(p, eventSeed(fc, j))
	return fc.ws + int64(r.IntN(int(w.win)))
}

// regular writes regular record j of fc. The record depends only on fc and
// j, so a duplicate delivery in a later file writes the same bytes.
func (c *evctx) regular(out *jw, p *rand.PCG, fc *fileCtx, j int) {
	t := c.w.regularTime(p, c.r, fc, j)
	c.begin(fc.acct, fc.region, t)
	use1 := fc.region == 0
	mgmt := fc.acct.idx == 0
	switch x := c.r.IntN(1000); {
	case x < 90:
		c.serviceCall()
	case x < 105:
		c.externalCall()
	case x < 108:
		c.serviceEvent()
	case x < 109:
		c.rootCall(fc)
	case x < 150 && use1 && mgmt && len(fc.acct.icUsers) > 0:
		c.identityCenterCall()
	default:
		c.normalCall(fc, c.w.cat.draw(c.r, use1, mgmt))
	}
	c.write(out)
}

func (c *evctx) normalCall(fc *fileCtx, t *tmpl) {
	e := &c.rec
	e.source, e.name, e.readOnly = t.source, t.name, t.ro
	if t.data {
		e.category, e.mgmt = "Data", false
	}
	if t.name == "ConsoleLogin" {
		c.consoleLogin()
		return
	}
	c.pickPrincipal(fc, t)
	if t.build != nil {
		t.build(c)
	}
	if e.tlsHost == "" && c.id.invokedBy == "" {
		switch {
		case t.host == "s3":
			c.tls(c.s3Host())
		case strings.IndexByte(t.host, '.') >= 0:
			c.tls(t.host)
		case t.host != "":
			c.tls(t.host + "." + c.rname + ".amazonaws.com")
		}
	}
	if chance(c.r, 35) {
		c.fail(t)
	}
}

// s3Host is the virtual host of the bucket in requestParameters.Host.
func (c *evctx) s3Host() string {
	b := c.req.b
	i := strings.Index(string(b), `"Host":"`)
	if i < 0 {
		return "s3.amazonaws.com"
	}
	rest := b[i+8:]
	j := strings.IndexByte(string(rest), '"')
	return string(rest[:j])
}

// pickPrincipal chooses who makes a call of kind t, and from where.
func (c *evctx) pickPrincipal(fc *fileCtx, t *tmpl) {
	a := fc.acct
	// Per mille: role and federated sessions, console users; the rest are
	// IAM users with long-term keys.
	var sess, console int
	switch t.who {
	case whoWorkload:
		sess, console = 820, 10
	case whoHuman:
		sess, console = 380, 400
	default:
		sess, console = 460, 100
	}
	x := c.r.IntN(1000)
	if x < sess {
		if s := c.pickSession(fc, t); s != nil {
			c.useSession(s, t)
			return
		}
	} else if x >= 1000-console {
		u := pick(c.r, a.humans)
		c.id = ident{kind: idUserConsole, acct: a, user: u, key: c.tempKey()}
		c.rec.ip = c.w.ips[u.ip]
		c.consoleAgent(u.br)
		return
	}
	u := pick(c.r, a.users)
	c.id = ident{kind: idUser, acct: a, user: u, key: u.key}
	c.rec.ip, c.rec.ua = c.w.ips[u.ip], c.w.uas[u.ua]
	if chance(c.r, 120) {
		c.rec.ip = pick(c.r, c.w.ips)
	}
	if chance(c.r, 80) {
		c.rec.ua = pick(c.r, c.w.uas)
	}
}

// pickSession returns a session of fc's account that is valid at the
// record's time, preferring the principals that make calls of kind t.
func (c *evctx) pickSession(fc *fileCtx, t *tmpl) *session {
	ss := fc.sessions
	if len(ss) == 0 {
		return nil
	}
	var fallback *session
	for range 8 {
		s := ss[c.r.IntN(len(ss))]
		if s.start >= c.t || s.end <= c.t {
			continue
		}
		if fallback == nil {
			fallback = s
		}
		workload := s.kind == sessService || s.kind == sessWeb
		switch {
		case t.svc != "":
			if s.service == t.svc {
				return s
			}
		case t.who == whoAny || (t.who == whoWorkload) == workload:
			return s
		}
	}
	return fallback
}

func (c *evctx) useSession(s *session, t *tmpl) {
	c.id = ident{kind: idSession, sess: s}
	c.rec.ip, c.rec.ua = s.ip, s.ua
	if chance(c.r, 60) {
		c.rec.ip = pick(c.r, c.w.ips)
	}
	if s.console {
		c.rec.console = true
		c.consoleAgent(-1)
		return
	}
	if !t.data && chance(c.r, 30) {
		svc := pick(c.r, []string{"cloudformation.amazonaws.com", "autoscaling.amazonaws.com", "elasticmapreduce.amazonaws.com"})
		c.id.invokedBy = svc
		c.rec.ip, c.rec.ua = svc, svc
		return
	}
	if s.kind == sessService && chance(c.r, 350) {
		switch t.source {
		case "s3.amazonaws.com", "kms.amazonaws.com", "ssm.amazonaws.com", "secretsmanager.amazonaws.com", "dynamodb.amazonaws.com", "logs.amazonaws.com", "sts.amazonaws.com":
			c.rec.vpce = c.acct.vpce[c.region]
			c.rec.ip = "10." + strconv.Itoa(c.r.IntN(256)) + "." + strconv.Itoa(c.r.IntN(256)) + "." + strconv.Itoa(1+c.r.IntN(254))
		}
	}
}

// consoleAgent sets the user agent of a console call; br is the user's
// browser, or -1 for any.
func (c *evctx) consoleAgent(br int) {
	c.rec.console = true
	switch x := c.r.IntN(10); {
	case x < 4:
		if br < 0 {
			br = c.r.IntN(len(c.w.browsers))
		}
		c.rec.ua = c.w.browsers[br]
	case x < 7:
		c.rec.ua = "AWS Internal"
	case x < 9:
		c.rec.ua = "console.amazonaws.com"
	default:
		c.rec.ua = "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.11.633 Linux/4.9.184-0.1.ac.235.83.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.222-b10 java/1.8.0_222 vendor/Oracle_Corporation]"
	}
}

// tempKey returns a fresh temporary access key id (a console session's).
func (c *evctx) tempKey() string {
	var b [20]byte
	return string(appendRand(append(b[:0], "ASIA"...), c.r, base32, 16))
}

func (c *evctx) consoleLogin() {
	e := &c.rec
	u := pick(c.r, c.acct.humans)
	c.id = ident{kind: idUser, acct: c.acct, user: u}
	e.eventType, e.readOnly = "AwsConsoleSignIn", false
	e.ip, e.ua = c.w.ips[u.ip], c.w.browsers[u.br]
	p := c.respObj()
	p.ks("ConsoleLogin", "Success")
	p.close()
	a := c.addObj()
	a.ks("LoginTo", "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true")
	a.ks("MobileVersion", "No")
	a.ks("MFAIdentifier", "arn:aws:iam::"+c.acct.id+":mfa/"+u.name)
	a.ks("MFAUsed", "Yes")
	a.close()
	c.tls("signin.aws.amazon.com")
}

// principalARN is the ARN of the record's principal, for error messages.
func (c *evctx) principalARN() string {
	id := &c.id
	switch id.kind {
	case idUser, idUserConsole:
		return "arn:aws:iam::" + id.acct.id + ":user/" + id.user.name
	case idSession:
		s := id.sess
		if s.kind == sessFederated {
			return "arn:aws:sts::" + s.acct.id + ":federated-user/" + s.name
		}
		return "arn:aws:sts::" + s.acct.id + ":assumed-role/" + s.role.name + "/" + s.name
	case idRoot:
		return "arn:aws:iam::" + id.acct.id + ":root"
	}
	return "arn:aws:iam::" + c.acct.id + ":root"
}

// fail turns the record into a failed call.
func (c *evctx) fail(t *tmpl) {
	e := &c.rec
	code := ""
	if len(t.errs) > 0 && chance(c.r, 700) {
		code = pick(c.r, t.errs)
	} else {
		switch t.source {
		case "ec2.amazonaws.com":
			code = pick(c.r, []string{"Client.UnauthorizedOperation", "Client.UnauthorizedOperation", "Client.RequestLimitExceeded"})
		case "s3.amazonaws.com":
			code = pick(c.r, []string{"AccessDenied", "AccessDenied", "NoSuchBucket"})
		case "iam.amazonaws.com":
			code = pick(c.r, []string{"AccessDenied", "NoSuchEntityException", "Throttling"})
		case "sts.amazonaws.com", "signin.amazonaws.com", "organizations.amazonaws.com":
			code = "AccessDenied"
			if t.source == "organizations.amazonaws.com" {
				code = "AccessDeniedException"
			}
		default:
			code = pick(c.r, []string{"AccessDenied", "AccessDeniedException", "AccessDeniedException", "ThrottlingException"})
			if code == "AccessDenied" {
				code = "AccessDeniedException"
			}
		}
	}
	e.errCode = code
	action := t.source[:strings.IndexByte(t.source, '.')]
	if action == "monitoring" {
		action = "cloudwatch"
	}
	action += ":" + strings.TrimSuffix(strings.TrimSuffix(t.name, "20150331v2"), "20150331")
	switch code {
	case "AccessDenied":
		if t.source == "s3.amazonaws.com" {
			e.errMsg = "Access Denied"
		} else {
			e.errMsg = "User: " + c.principalARN() + " is not authorized to perform: " + action + " on resource: " + c.resourceForError()
		}
	case "AccessDeniedException":
		e.errMsg = "User: " + c.principalARN() + " is not authorized to perform: " + action + " on resource: " + c.resourceForError() + " because no identity-based policy allows the " + action + " action"
	case "Client.UnauthorizedOperation":
		b := append(make([]byte, 0, 800), "You are not authorized to perform this operation. Encoded authorization failure message: "...)
		b = appendBase64(b, c.r, 280+c.r.IntN(400))
		e.errMsg = string(b)
	default:
		e.errMsg = errorMessages(code, c)
	}
}

func (c *evctx) resourceForError() string {
	if c.rec.hasRes {
		b := c.res.b
		i := strings.Index(string(b), `"ARN":"`)
		if i >= 0 {
			rest := b[i+7:]
			return string(rest[:strings.IndexByte(string(rest), '"')])
		}
	}
	return "*"
}

func errorMessages(code string, c *evctx) string {
	switch code {
	case "Client.RequestLimitExceeded":
		return "Request limit exceeded."
	case "ThrottlingException", "Throttling":
		return "Rate exceeded"
	case "NoSuchBucket":
		return "The specified bucket does not exist"
	case "NoSuchKey":
		return "The specified key does not exist."
	case "NoSuchBucketPolicy":
		return "The bucket policy does not exist"
	case "ServerSideEncryptionConfigurationNotFoundError":
		return "The server side encryption configuration was not found"
	case "NoSuchEntityException":
		return "The user with name " + pick(c.r, humanNames) + "-old cannot be found."
	case "EntityAlreadyExistsException":
		return "Role with name " + c.anyRole().name + " already exists."
	case "ResourceNotFoundException":
		return "Requested resource not found"
	case "ResourceAlreadyExistsException":
		return "The specified log stream already exists"
	case "ConditionalCheckFailedException":
		return "The conditional request failed"
	case "ProvisionedThroughputExceededException":
		return "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
	case "TooManyRequestsException":
		return "Rate Exceeded."
	case "Server.InsufficientInstanceCapacity":
		return "We currently do not have sufficient capacity in the Availability Zone you requested. Our system will be working on provisioning additional capacity."
	case "Client.InstanceLimitExceeded":
		return "You have requested more instances (21) than your current instance limit of 20 allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit."
	case "ParameterNotFound":
		return ""
	}
	return ""
}

// serviceCall writes a call that an AWS service makes as itself.
func (c *evctx) serviceCall() {
	e := &c.rec
	a := c.acct
	switch x := c.r.IntN(100); {
	case x < 65:
		var svc string
		var rl *role
		name := ""
		switch c.r.IntN(4) {
		case 0:
			svc, rl = "lambda.amazonaws.com", pick(c.r, a.roles[roleLambda])
			name = rl.fn
		case 1:
			svc, rl = "ec2.amazonaws.com", pick(c.r, a.roles[roleEC2])
			name = c.instance()
		case 2:
			svc, rl = "ecs-tasks.amazonaws.com", pick(c.r, a.roles[roleECS])
			name = c.hex(32)
		default:
			svc = "config.amazonaws.com"
			rl = &role{name: "AWSServiceRoleForConfig", id: "AROA" + a.id[:6] + "CONFIG01SVC", arn: "arn:aws:iam::" + a.id + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"}
			name = "AWSConfig-Describe"
		}
		c.id = ident{kind: idService, invokedBy: svc}
		e.source, e.name, e.readOnly = "sts.amazonaws.com", "AssumeRole", true
		e.ip, e.ua = svc, svc
		q := c.reqObj()
		q.ks("roleArn", rl.arn)
		q.ks("roleSessionName", name)
		q.close()
		p := c.respObj()
		p.ko("credentials")
		p.key("accessKeyId")
		p.sep()
		p.b = append(p.b, `"ASIA`...)
		p.b = appendRand(p.b, c.r, base32, 16)
		p.b = append(p.b, `","sessionToken":"IQoJb3JpZ2luX2VjE`...)
		p.b = appendBase64(p.b, c.r, 200+c.r.IntN(200))
		p.b = append(p.b, '"')
		p.comma = true
		p.ks("expiration", awsDate(c.t+3600*int64(1+c.r.IntN(12))))
		p.close()
		p.close()
		c.resource(a.id, "AWS::IAM::Role", rl.arn)
	case x < 85:
		c.id = ident{kind: idService, invokedBy: "cloudtrail.amazonaws.com"}
		e.source, e.name, e.readOnly = "s3.amazonaws.com", "GetBucketAcl", true
		e.ip, e.ua = "cloudtrail.amazonaws.com", "cloudtrail.amazonaws.com"
		b := a.trailBucket
		q := c.reqObj()
		q.ks("bucketName", b)
		q.ks("Host", b+".s3.amazonaws.com")
		q.ks("acl", "")
		q.close()
		c.s3Add(0, int64(500+c.r.IntN(300)))
		c.resource(a.id, "AWS::S3::Bucket", "arn:aws:s3:::"+b)
	default:
		c.id = ident{kind: idService, invokedBy: "cloudtrail.amazonaws.com"}
		e.source, e.name = "s3.amazonaws.com", "PutObject"
		e.category, e.mgmt = "Data", false
		e.ip, e.ua = "cloudtrail.amazonaws.com", "cloudtrail.amazonaws.com"
		b := a.trailBucket
		ts := appendTime(nil, c.t) // 2006-01-02T15:04:05Z
		k := "AWSLogs/" + a.id + "/CloudTrail/" + c.rname + "/" + string(ts[0:4]) + "/" + string(ts[5:7]) + "/" + string(ts[8:10]) + "/" +
			a.id + "_CloudTrail_" + c.rname + "_" + string(ts[0:4]) + string(ts[5:7]) + string(ts[8:10]) + "T" + string(ts[11:13]) + string(ts[14:16]) + "Z_" + c.rnd(alnum, 16) + ".json.gz"
		q := c.reqObj()
		q.ks("bucketName", b)
		q.ks("Host", b+".s3.amazonaws.com")
		q.ks("key", k)
		q.ks("x-amz-acl", "bucket-owner-full-control")
		q.ks("x-amz-server-side-encryption", "AES256")
		q.close()
		p := c.respObj()
		p.ks("x-amz-server-side-encryption", "AES256")
		p.close()
		c.s3Add(int64(1000+c.r.IntN(60000)), 0)
		c.s3ObjResources(b, k)
	}
}

// externalCall writes a call by a principal of an account outside the
// organization, delivered to this account too (sharedEventID).
func (c *evctx) externalCall() {
	e := &c.rec
	ext := pick(c.r, c.w.external)
	var pid []byte
	if chance(c.r, 700) {
		pid = append(pid, "AROA"...)
		pid = appendRand(pid, c.r, upperNum, 17)
		pid = append(pid, ':')
		pid = append(pid, pick(c.r, []string{"partner-sync", "i-0a1b2c3d4e5f67890", "datadog", "snowflake-loader"})...)
	} else {
		pid = append(pid, "AIDA"...)
		pid = appendRand(pid, c.r, upperNum, 17)
	}
	c.id = ident{kind: idExternal, ext: ext, extID: string(pid)}
	e.ip, e.ua = pick(c.r, c.w.ips), pick(c.r, c.w.uas)
	e.shared = uuid(c.r)
	switch x := c.r.IntN(100); {
	case x < 60:
		t := &templates[templateIndex("s3.amazonaws.com", "GetObject")]
		e.source, e.name, e.readOnly, e.category, e.mgmt = t.source, t.name, true, "Data", false
		t.build(c)
		c.tls(c.s3Host())
	case x < 85:
		e.source, e.name, e.readOnly = "kms.amazonaws.com", "Decrypt", true
		q := c.reqObj()
		q.ks("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
		q.close()
		c.resource(c.acct.id, "AWS::KMS::Key", c.kmsARN())
		c.tls("kms." + c.rname + ".amazonaws.com")
	default:
		t := &templates[templateIndex("s3.amazonaws.com", "ListObjects")]
		e.source, e.name, e.readOnly, e.category, e.mgmt = t.source, t.name, true, "Data", false
		t.build(c)
		c.tls(c.s3Host())
	}
}

// templateIndex finds a template by source and name; a missing one is a bug.
func templateIndex(source, name string) int {
	for i := range templates {
		if templates[i].source == source && templates[i].name == name {
			return i
		}
	}
	panic("BUG: gen: no template " + source + " " + name)
}

// serviceEvent writes an AwsServiceEvent: something a service did on its
// own, reported to the account.
func (c *evctx) serviceEvent() {
	e := &c.rec
	a := c.acct
	e.eventType, e.readOnly = "AwsServiceEvent", false
	if c.r.IntN(2) == 0 {
		c.id = ident{kind: idServiceEvent, acct: a, invokedBy: "kms.amazonaws.com"}
		e.source, e.name = "kms.amazonaws.com", "RotateKey"
		e.ip, e.ua = "kms.amazonaws.com", "kms.amazonaws.com"
		c.resource(a.id, "AWS::KMS::Key", c.kmsARN())
		return
	}
	c.id = ident{kind: idServiceEvent, acct: a, invokedBy: "backup.amazonaws.com"}
	e.source, e.name = "backup.amazonaws.com", "BackupJobCompleted"
	e.ip, e.ua = "backup.amazonaws.com", "backup.amazonaws.com"
	vol := "vol-" + c.hex(17)
	s := &c.svc
	e.hasSvc = true
	s.open()
	s.ks("backupJobId", strings.ToUpper(uuid(c.r)))
	s.ks("backupVaultName", "Default")
	s.ks("backupVaultArn", "arn:aws:backup:"+c.rname+":"+a.id+":backup-vault:Default")
	s.ks("recoveryPointArn", "arn:aws:ec2:"+c.rname+"::snapshot/snap-"+c.hex(17))
	s.ks("resourceArn", "arn:aws:ec2:"+c.rname+":"+a.id+":volume/"+vol)
	s.ks("creationDate", iamDate(c.t-int64(600+c.r.IntN(3000))))
	s.ks("completionDate", iamDate(c.t))
	s.ks("state", "COMPLETED")
	s.ki("backupSizeInBytes", int64(1<<30)*int64(1+c.r.IntN(200)))
	s.ks("iamRoleArn", "arn:aws:iam::"+a.id+":role/service-role/AWSBackupDefaultServiceRole")
	s.ks("resourceType", "EBS")
	s.ki("bytesTransferred", int64(c.r.IntN(1<<30)))
	s.close()
}

// rootCall writes a call by the root user in the console.
func (c *evctx) rootCall(fc *fileCtx) {
	e := &c.rec
	var t *tmpl
	for {
		t = c.w.cat.draw(c.r, fc.region == 0, fc.acct.idx == 0)
		if !t.data && t.name != "ConsoleLogin" {
			break
		}
	}
	e.source, e.name, e.readOnly = t.source, t.name, t.ro
	c.id = ident{kind: idRoot, acct: c.acct, key: c.tempKey()}
	e.ip = pick(c.r, c.w.ips)
	c.consoleAgent(-1)
	if t.build != nil {
		t.build(c)
	}
	host := t.host
	switch {
	case host == "s3":
		host = c.s3Host()
	case strings.IndexByte(host, '.') < 0 && host != "":
		host += "." + c.rname + ".amazonaws.com"
	}
	if host != "" {
		c.tls(host)
	}
}

// identityCenterCall writes a call of the IAM Identity Center portal by one
// of its users.
func (c *evctx) identityCenterCall() {
	e := &c.rec
	a := c.acct
	u := &a.icUsers[c.r.IntN(len(a.icUsers))]
	c.id = ident{kind: idIdentityCenter, acct: a, ic: u}
	e.source, e.readOnly = "sso.amazonaws.com", true
	e.ip, e.ua = c.w.ips[u.ip], c.w.browsers[u.br]
	target := c.w.accounts[c.r.IntN(len(c.w.accounts))]
	switch c.r.IntN(3) {
	case 0:
		e.name = "ListAccounts"
		q := c.reqObj()
		q.ki("maxResults", 100)
		q.close()
	case 1:
		e.name = "ListAccountRoles"
		q := c.reqObj()
		q.ks("accountId", target.id)
		q.close()
	default:
		e.name = "GetRoleCredentials"
		q := c.reqObj()
		q.ks("accountId", target.id)
		// AWSReservedSSO_<permission set>_<16 hex>
		name := pick(c.r, target.roles[roleSSO]).name
		q.ks("roleName", strings.TrimPrefix(name[:len(name)-17], "AWSReservedSSO_"))
		q.close()
	}
	c.tls("portal.sso.us-east-1.amazonaws.com")
}

// awsDate formats t as STS writes credential expirations.
func awsDate(t int64) string {
	return time.Unix(t, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM")
}

// iamDate formats t as IAM writes createDate in responseElements.
func iamDate(t int64) string {
	return time.Unix(t, 0).UTC().Format("Jan 2, 2006 3:04:05 PM")
}
