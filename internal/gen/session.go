package gen

import (
	"math/rand/v2"
	"strconv"
)

// sessKind is how a session's temporary credentials were obtained.
type sessKind int

const (
	sessUser      sessKind = iota // sts:AssumeRole by an IAM user
	sessService                   // sts:AssumeRole by an AWS service (EC2, Lambda, ECS)
	sessSAML                      // sts:AssumeRoleWithSAML (Okta or IAM Identity Center)
	sessWeb                       // sts:AssumeRoleWithWebIdentity (GitHub Actions, EKS)
	sessChain                     // sts:AssumeRole by another role session (role chaining)
	sessFederated                 // sts:GetFederationToken by an IAM user
)

// session is a set of temporary credentials (an ASIA access key): the
// planner decides when it is issued, and the file that holds its issuing
// event; records of later files use it.
type session struct {
	kind  sessKind
	acct  *account // the account whose role (or user) the session belongs to
	role  *role    // nil for sessFederated
	name  string   // role session name, or federated user name
	key   string   // ASIA...
	start int64    // issue time (the issuing event's eventTime)
	end   int64
	seed  uint64 // seeds what the two copies of a cross-account issue share

	user     *iamUser // sessUser, sessFederated: the caller
	parent   *session // sessChain: the caller's session
	service  string   // sessService: the service principal
	provider string   // sessSAML, sessWeb: the identity provider
	subject  string   // sessSAML, sessWeb: the federated subject
	ip, ua   string
	mfa      bool
	console  bool
	// sourceIdentity is set on some human sessions and carried by chains.
	sourceIdentity string
}

// caller returns the account that made the issuing call.
func (s *session) caller() *account {
	if s.parent != nil {
		return s.parent.acct
	}
	return s.acct
}

// crossAccount reports whether the issuing call came from another account.
func (s *session) crossAccount() bool { return s.caller() != s.acct }

// newSession plans a session of kind k in account a issued at t.
func (w *world) newSession(r *rand.Rand, k sessKind, a *account, t int64, parent *session) *session {
	s := &session{kind: k, acct: a, start: t, seed: r.Uint64()}
	s.key = "ASIA" + randString(r, base32, 16)
	dur := int64(3600)
	switch k {
	case sessUser:
		s.user = pick(r, a.users)
		if chance(r, 700) {
			s.role = pick(r, a.roles[roleHuman])
		} else {
			s.role = pick(r, a.roles[roleCross])
		}
		if chance(r, 500) {
			s.name = s.user.name
		} else {
			s.name = "botocore-session-" + strconv.FormatInt(t-int64(r.IntN(30)), 10)
		}
		s.ip, s.ua, s.mfa = w.ips[s.user.ip], w.uas[s.user.ua], s.user.mfa && chance(r, 600)
		if chance(r, 150) {
			dur = 43200
		}
		if chance(r, 200) {
			s.sourceIdentity = s.user.name
		}
	case sessService:
		switch x := r.IntN(10); {
		case x < 5:
			s.service = "ec2.amazonaws.com"
			s.role = pick(r, a.roles[roleEC2])
			s.name = pick(r, a.instances[r.IntN(len(a.instances))])
			s.ua = w.agent(r, toolCLI, toolBoto3, toolJava, toolGo)
			dur = 21600
		case x < 8:
			s.service = "lambda.amazonaws.com"
			s.role = pick(r, a.roles[roleLambda])
			s.name = s.role.fn
			s.ua = w.agent(r, toolNode, toolNode, toolBoto3, toolGo)
			dur = 43200
		default:
			s.service = "ecs-tasks.amazonaws.com"
			s.role = pick(r, a.roles[roleECS])
			s.name = string(appendHex(nil, r, 32))
			s.ua = w.agent(r, toolJava, toolGo, toolNode)
			dur = 21600
		}
		s.ip = w.ips[r.IntN(len(w.ips))]
	case sessSAML:
		if a.idx == 0 || chance(r, 500) {
			// IAM Identity Center (the permission sets' roles).
			s.role = pick(r, a.roles[roleSSO])
			s.provider = a.ssoProvider
		} else {
			s.role = pick(r, a.roles[roleSAML])
			s.provider = a.samlProvider
		}
		s.subject = pick(r, humanNames) + "@example.com"
		s.name = s.subject
		s.ip = w.ips[r.IntN(len(w.ips))]
		s.ua = pick(r, w.browsers)
		s.mfa, s.console = true, true
		dur = 28800
	case sessWeb:
		s.role = pick(r, a.roles[roleWeb])
		if s.role.name[0] == 'g' {
			s.provider = a.oidcGitHub
			repo := pick(r, []string{"acme/api", "acme/web", "acme/infra", "acme/data-pipeline"})
			s.subject = "repo:" + repo + ":ref:refs/heads/" + pick(r, []string{"main", "main", "release", "develop"})
			s.name = "GitHubActions"
			s.ua = w.agent(r, toolCLI, toolTerraform)
		} else {
			s.provider = a.oidcEKS
			s.subject = "system:serviceaccount:kube-system:" + s.role.name[len("eks-irsa-"):]
			s.name = "botocore-session-" + strconv.FormatInt(t, 10)
			s.ua = w.agent(r, toolGo, toolBoto3)
		}
		s.ip = w.ips[r.IntN(len(w.ips))]
	case sessChain:
		s.parent = parent
		s.role = pick(r, a.roles[roleCross])
		s.name = pick(r, []string{parent.name, "terraform", "cross-account-audit", "deploy-" + strconv.FormatInt(t, 10)})
		s.ip, s.ua, s.mfa = parent.ip, parent.ua, parent.mfa
		s.sourceIdentity = parent.sourceIdentity
	case sessFederated:
		s.user = pick(r, a.users)
		s.name = pick(r, humanNames) + "-" + randString(r, lowerNum, 4)
		s.ip, s.ua = w.ips[s.user.ip], w.uas[s.user.ua]
		dur = 43200
	}
	s.end = t + dur
	return s
}

// issueEvent writes the record that issued s: callerCopy is false for the
// copy delivered to the account that owns the role, true for the copy
// delivered to the calling account of a cross-account call. The two copies
// differ only in recipientAccountId and eventID.
func (c *evctx) issueEvent(out *jw, s *session, region int, callerCopy bool) {
	acct := s.acct
	if callerCopy {
		acct = s.caller()
	}
	c.begin(acct, region, s.start)
	e := &c.rec
	e.source, e.readOnly = "sts.amazonaws.com", true
	e.ip, e.ua = s.ip, s.ua
	host := "sts.amazonaws.com"
	if c.rname != "us-east-1" {
		host = "sts." + c.rname + ".amazonaws.com"
	}
	// What both copies of a cross-account call share comes from s.seed.
	sr := rand.New(rand.NewPCG(s.seed, mix(s.seed)))
	switch s.kind {
	case sessUser, sessChain:
		e.name = "AssumeRole"
		if s.kind == sessUser {
			c.id = ident{kind: idUser, acct: s.acct, user: s.user, key: s.user.key}
		} else {
			c.id = ident{kind: idSession, sess: s.parent}
		}
		c.tls(host)
	case sessFederated:
		e.name = "GetFederationToken"
		c.id = ident{kind: idUser, acct: s.acct, user: s.user, key: s.user.key}
		c.tls(host)
	case sessService:
		e.name = "AssumeRole"
		c.id = ident{kind: idService, invokedBy: s.service}
		e.ip, e.ua = s.service, s.service
	case sessSAML:
		e.name = "AssumeRoleWithSAML"
		c.federatedIdent(s)
		c.tls(host)
	case sessWeb:
		e.name = "AssumeRoleWithWebIdentity"
		c.federatedIdent(s)
		c.tls(host)
	}
	// requestParameters
	q := &c.req
	e.hasReq, e.hasResp = true, true
	q.open()
	switch s.kind {
	case sessFederated:
		q.ks("name", s.name)
		q.ki("durationSeconds", s.end-s.start)
		q.ks("policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`)
	default:
		q.ks("roleArn", s.role.arn)
		q.ks("roleSessionName", s.name)
		if s.kind == sessSAML {
			q.ks("principalArn", s.provider)
		}
		if s.kind != sessService && s.kind != sessChain {
			q.ki("durationSeconds", s.end-s.start)
		}
		if s.kind == sessUser && s.sourceIdentity != "" {
			q.ks("sourceIdentity", s.sourceIdentity)
		}
		if s.kind == sessChain && s.crossAccount() {
			q.ks("externalId", "acme-"+s.caller().id)
		}
	}
	q.close()
	// responseElements
	p := &c.resp
	p.open()
	p.ko("credentials")
	p.ks("accessKeyId", s.key)
	p.key("sessionToken")
	p.sep()
	p.b = append(p.b, `"IQoJb3JpZ2luX2VjE`...)
	p.b = appendBase64(p.b, sr, 250+sr.IntN(350))
	p.b = append(p.b, '"')
	p.comma = true
	p.ks("expiration", awsDate(s.end))
	p.close()
	if s.kind == sessFederated {
		p.ko("federatedUser")
		p.ks("federatedUserId", s.acct.id+":"+s.name)
		p.ks("arn", "arn:aws:sts::"+s.acct.id+":federated-user/"+s.name)
		p.close()
		p.ki("packedPolicySize", 12+int64(sr.IntN(20)))
	} else {
		p.ko("assumedRoleUser")
		p.ks("assumedRoleId", s.role.id+":"+s.name)
		p.ks("arn", "arn:aws:sts::"+s.acct.id+":assumed-role/"+s.role.name+"/"+s.name)
		p.close()
		switch s.kind {
		case sessSAML:
			p.ks("subjectType", "persistent")
			p.ks("subject", s.subject)
			p.ks("issuer", samlIssuer(s))
			p.ks("audience", "https://signin.aws.amazon.com/saml")
			p.ks("nameQualifier", string(appendBase64(nil, sr, 27))+"=")
		case sessWeb:
			p.ks("subjectFromWebIdentityToken", s.subject)
			p.ks("provider", s.provider)
			p.ks("audience", "sts.amazonaws.com")
		}
		if s.sourceIdentity != "" && s.kind == sessUser {
			p.ks("sourceIdentity", s.sourceIdentity)
		}
	}
	p.close()
	if s.kind != sessFederated {
		c.resource(s.acct.id, "AWS::IAM::Role", s.role.arn)
	}
	e.recipient = acct.id
	if s.crossAccount() {
		var b [36]byte
		e.shared = string(appendUUID(b[:0], sr))
		if callerCopy {
			e.eventID = string(appendUUID(b[:0], sr))
		}
	}
	c.write(out)
}

func samlIssuer(s *session) string {
	if s.provider == s.acct.samlProvider {
		return "http://www.okta.com/exk1a2b3c4d5e6f7g8h9"
	}
	return "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/" + s.acct.ssoProvider[len(s.acct.ssoProvider)-30:len(s.acct.ssoProvider)-14]
}

// federatedIdent sets the SAMLUser or WebIdentityUser identity that calls
// AssumeRoleWithSAML or AssumeRoleWithWebIdentity.
func (c *evctx) federatedIdent(s *session) {
	id := jw{b: c.idBuf[:0]}
	id.open()
	if s.kind == sessSAML {
		idp := string(appendBase64(nil, rand.New(rand.NewPCG(s.seed, 7)), 27)) + "="
		id.ks("type", "SAMLUser")
		id.ks("principalId", idp+":"+s.subject)
		id.ks("userName", s.subject)
		id.ks("identityProvider", idp)
	} else {
		id.ks("type", "WebIdentityUser")
		id.ks("principalId", s.provider+":sts.amazonaws.com:"+s.subject)
		id.ks("userName", s.subject)
		id.ks("identityProvider", s.provider)
	}
	id.close()
	c.idBuf = id.b
	c.id = ident{kind: idRaw, raw: id.b}
}
