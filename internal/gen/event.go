package gen

import (
	"math/rand/v2"
	"strconv"
)

// identKind is the kind of principal that made a call.
type identKind int

const (
	idUser           identKind = iota // IAMUser with a long-term key (AKIA)
	idUserConsole                     // IAMUser signed in to the console (ASIA, no AssumeRole)
	idRoot                            // the account's root user
	idSession                         // AssumedRole or FederatedUser: a planned session
	idService                         // AWSService
	idExternal                        // AWSAccount: a principal of another account
	idAnonymous                       // AWSAccount ANONYMOUS_PRINCIPAL
	idIdentityCenter                  // IdentityCenterUser
	idServiceEvent                    // no type: the account and the service (AwsServiceEvent)
	idRaw                             // prebuilt JSON (SAMLUser, WebIdentityUser)
)

// ident is the principal of one record.
type ident struct {
	kind      identKind
	acct      *account
	user      *iamUser
	sess      *session
	ic        *icUser
	key       string // access key id used, if any
	invokedBy string
	ext       string // the external account id
	extID     string // the external principal id
	raw       []byte // idRaw: the userIdentity object
}

// rec holds the envelope of the record being written; the free-form parts
// are in the evctx buffers.
type rec struct {
	version    string
	source     string
	name       string
	ip, ua     string
	errCode    string
	errMsg     string
	eventID    string // set when not drawn at random
	hasReq     bool
	hasResp    bool
	hasAdd     bool
	hasRes     bool
	hasSvc     bool
	readOnly   bool
	eventType  string
	apiVersion string
	mgmt       bool
	category   string
	recipient  string
	shared     string
	vpce       string
	tlsHost    string
	tlsVer     string
	cipher     string
	console    bool
}

// evctx is a worker's scratch space for writing one record.
type evctx struct {
	w      *world
	r      *rand.Rand
	acct   *account
	region int
	rname  string
	t      int64
	id     ident
	rec    rec
	req    jw
	resp   jw
	add    jw
	res    jw
	svc    jw
	keyBuf []byte // scratch of objKey
	idBuf  []byte // a prebuilt userIdentity (idRaw)
}

// hex returns n random lower-case hex digits.
func (c *evctx) hex(n int) string {
	var buf [64]byte
	return string(appendHex(buf[:0], c.r, n))
}

// rnd returns n random characters of set.
func (c *evctx) rnd(set string, n int) string {
	var buf [64]byte
	return string(appendRand(buf[:0], c.r, set, n))
}

func (c *evctx) begin(acct *account, region int, t int64) {
	c.acct, c.region, c.rname, c.t = acct, region, c.w.regions[region], t
	c.rec = rec{eventType: "AwsApiCall", mgmt: true, category: "Management", recipient: acct.id}
	c.rec.version = pickVersion(c.r)
	c.req.reset()
	c.resp.reset()
	c.add.reset()
	c.res.reset()
	c.svc.reset()
	c.id = ident{}
}

func pickVersion(r *rand.Rand) string {
	switch x := r.IntN(100); {
	case x < 50:
		return "1.08"
	case x < 80:
		return "1.09"
	case x < 95:
		return "1.10"
	}
	return "1.11"
}

// resource appends one element to resources.
func (c *evctx) resource(acct, typ, arn string) {
	c.rec.hasRes = true
	c.res.open()
	if acct != "" {
		c.res.ks("accountId", acct)
	}
	c.res.ks("type", typ)
	c.res.ks("ARN", arn)
	c.res.close()
}

// tls sets tlsDetails for a call to host.
func (c *evctx) tls(host string) {
	if c.rec.version == "1.08" && chance(c.r, 500) {
		// Not every service reported tlsDetails yet.
		return
	}
	c.rec.tlsHost = host
	if c.r.IntN(10) < 7 {
		c.rec.tlsVer, c.rec.cipher = "TLSv1.2", pick(c.r, tls12Ciphers)
	} else {
		c.rec.tlsVer, c.rec.cipher = "TLSv1.3", pick(c.r, tls13Ciphers)
	}
}

var (
	tls12Ciphers = []string{"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-GCM-SHA384"}
	tls13Ciphers = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}
)

// write appends the record to out.
func (c *evctx) write(out *jw) {
	e := &c.rec
	out.open()
	out.ks("eventVersion", e.version)
	out.key("userIdentity")
	c.writeIdentity(out)
	out.kt("eventTime", c.t)
	out.ks("eventSource", e.source)
	out.ks("eventName", e.name)
	out.ks("awsRegion", c.rname)
	out.ks("sourceIPAddress", e.ip)
	out.ks("userAgent", e.ua)
	if e.errCode != "" {
		out.ks("errorCode", e.errCode)
	}
	if e.errMsg != "" {
		out.ks("errorMessage", e.errMsg)
	}
	out.key("requestParameters")
	if e.hasReq {
		out.raw(c.req.b)
	} else {
		out.null()
	}
	out.key("responseElements")
	if e.hasResp && e.errCode == "" {
		out.raw(c.resp.b)
	} else {
		out.null()
	}
	if e.hasAdd {
		out.key("additionalEventData")
		out.raw(c.add.b)
	}
	out.key("requestID")
	out.sep()
	out.b = append(out.b, '"')
	if e.source == "s3.amazonaws.com" {
		out.b = appendUpperHex(out.b, c.r, 16)
	} else {
		out.b = appendUUID(out.b, c.r)
	}
	out.b = append(out.b, '"')
	out.comma = true
	out.key("eventID")
	if e.eventID != "" {
		out.str(e.eventID)
	} else {
		out.sep()
		out.b = append(out.b, '"')
		out.b = appendUUID(out.b, c.r)
		out.b = append(out.b, '"')
		out.comma = true
	}
	out.kb("readOnly", e.readOnly)
	if e.hasRes {
		out.key("resources")
		out.arr()
		out.b = append(out.b, c.res.b...)
		out.end()
	}
	out.ks("eventType", e.eventType)
	if e.apiVersion != "" {
		out.ks("apiVersion", e.apiVersion)
	}
	out.kb("managementEvent", e.mgmt)
	out.ks("recipientAccountId", e.recipient)
	if e.shared != "" {
		out.ks("sharedEventID", e.shared)
	}
	if e.vpce != "" {
		out.ks("vpcEndpointId", e.vpce)
		if e.version >= "1.09" {
			out.ks("vpcEndpointAccountId", c.acct.id)
		}
	}
	if e.hasSvc {
		out.key("serviceEventDetails")
		out.raw(c.svc.b)
	}
	out.ks("eventCategory", e.category)
	if e.tlsHost != "" {
		out.ko("tlsDetails")
		out.ks("tlsVersion", e.tlsVer)
		out.ks("cipherSuite", e.cipher)
		out.ks("clientProvidedHostHeader", e.tlsHost)
		out.close()
	}
	if e.console {
		out.ks("sessionCredentialFromConsole", "true")
	}
	out.close()
}

func (c *evctx) writeIdentity(out *jw) {
	id := &c.id
	if id.kind == idRaw {
		out.raw(id.raw)
		return
	}
	out.open()
	switch id.kind {
	case idUser, idUserConsole:
		u, a := id.user, id.acct
		out.ks("type", "IAMUser")
		out.ks("principalId", u.id)
		out.ks("arn", "arn:aws:iam::"+a.id+":user/"+u.name)
		out.ks("accountId", a.id)
		if id.key != "" {
			out.ks("accessKeyId", id.key)
		}
		out.ks("userName", u.name)
		if id.kind == idUserConsole {
			out.ko("sessionContext")
			out.kempty("sessionIssuer")
			out.kempty("webIdFederationData")
			out.ko("attributes")
			out.kt("creationDate", c.t-int64(60+c.r.IntN(7200)))
			out.ks("mfaAuthenticated", strconv.FormatBool(u.mfa))
			out.close()
			out.close()
		}
		if id.invokedBy != "" {
			out.ks("invokedBy", id.invokedBy)
		}
	case idRoot:
		a := id.acct
		out.ks("type", "Root")
		out.ks("principalId", a.id)
		out.ks("arn", "arn:aws:iam::"+a.id+":root")
		out.ks("accountId", a.id)
		if id.key != "" {
			out.ks("accessKeyId", id.key)
			out.ko("sessionContext")
			out.kempty("sessionIssuer")
			out.kempty("webIdFederationData")
			out.ko("attributes")
			out.kt("creationDate", c.t-int64(30+c.r.IntN(1800)))
			out.ks("mfaAuthenticated", "true")
			out.close()
			out.close()
		}
	case idSession:
		c.writeSessionIdentity(out, id.sess, id.invokedBy)
	case idService:
		out.ks("type", "AWSService")
		out.ks("invokedBy", id.invokedBy)
	case idServiceEvent:
		out.ks("accountId", id.acct.id)
		out.ks("invokedBy", id.invokedBy)
	case idExternal:
		out.ks("type", "AWSAccount")
		out.ks("principalId", id.extID)
		out.ks("accountId", id.ext)
		if id.invokedBy != "" {
			out.ks("invokedBy", id.invokedBy)
		}
	case idAnonymous:
		out.ks("type", "AWSAccount")
		out.ks("principalId", "")
		out.ks("accountId", "ANONYMOUS_PRINCIPAL")
	case idIdentityCenter:
		out.ks("type", "IdentityCenterUser")
		out.ks("accountId", id.acct.id)
		out.ko("onBehalfOf")
		out.ks("userId", id.ic.userID)
		out.ks("identityStoreArn", id.acct.identityStore)
		out.close()
		out.key("credentialId")
		out.sep()
		out.b = append(out.b, '"')
		out.b = appendRand(out.b, c.r, alnum, 48)
		out.b = append(out.b, '"')
		out.comma = true
	}
	out.close()
}

// writeSessionIdentity writes the userIdentity of a principal acting with
// the credentials of session s.
func (c *evctx) writeSessionIdentity(out *jw, s *session, invokedBy string) {
	a := s.acct
	if s.kind == sessFederated {
		out.ks("type", "FederatedUser")
		out.ks("principalId", a.id+":"+s.name)
		out.ks("arn", "arn:aws:sts::"+a.id+":federated-user/"+s.name)
		out.ks("accountId", a.id)
		out.ks("accessKeyId", s.key)
		out.ko("sessionContext")
		out.ko("sessionIssuer")
		out.ks("type", "IAMUser")
		out.ks("principalId", s.user.id)
		out.ks("arn", "arn:aws:iam::"+a.id+":user/"+s.user.name)
		out.ks("accountId", a.id)
		out.ks("userName", s.user.name)
		out.close()
		out.kempty("webIdFederationData")
		out.ko("attributes")
		out.kt("creationDate", s.start)
		out.ks("mfaAuthenticated", "false")
		out.close()
		out.close()
		return
	}
	out.ks("type", "AssumedRole")
	out.ks("principalId", s.role.id+":"+s.name)
	out.ks("arn", "arn:aws:sts::"+a.id+":assumed-role/"+s.role.name+"/"+s.name)
	out.ks("accountId", a.id)
	out.ks("accessKeyId", s.key)
	out.ko("sessionContext")
	out.ko("sessionIssuer")
	out.ks("type", "Role")
	out.ks("principalId", s.role.id)
	out.ks("arn", s.role.arn)
	out.ks("accountId", a.id)
	out.ks("userName", s.role.name)
	out.close()
	if s.kind == sessWeb {
		out.ko("webIdFederationData")
		out.ks("federatedProvider", s.provider)
		out.kempty("attributes")
		out.close()
	} else {
		out.kempty("webIdFederationData")
	}
	out.ko("attributes")
	out.kt("creationDate", s.start)
	out.ks("mfaAuthenticated", strconv.FormatBool(s.mfa))
	out.close()
	if s.sourceIdentity != "" {
		out.ks("sourceIdentity", s.sourceIdentity)
	}
	if s.service == "ec2.amazonaws.com" {
		out.ks("ec2RoleDelivery", "2.0")
	}
	out.close()
	if invokedBy != "" {
		out.ks("invokedBy", invokedBy)
	}
}
