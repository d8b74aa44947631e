package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// world is everything that stays fixed for one run: the accounts and what
// is in them, the pools of source addresses and user agents. It is built
// once from the seed and only read afterwards, by every worker at once.
type world struct {
	o        Options
	start    int64 // Unix time of the first day's midnight
	days     int
	win      int64 // delivery window, seconds
	perFile  int   // the most records one file holds
	regions  []string
	accounts []*account
	ips      []string // public source addresses
	uas      []string // SDK and CLI user agents
	uaBy     [numTools][]string
	browsers []string // browser user agents (console)
	external []string // accounts outside the organization
	cat      *catalog
	// scenarioDay is the day (index) that holds the planted scenarios.
	scenarioDay int
}

// account is one AWS account and the principals and resources in it.
type account struct {
	idx     int
	id      string
	users   []*iamUser // every IAM user
	humans  []*iamUser // users who also sign in to the console
	roles   [numRoleKinds][]*role
	buckets []string
	funcs   []string
	tables  []string
	secrets []string
	params  []string
	// per region
	vpce      []string
	kmsKeys   [][]string
	instances [][]string
	groups    [][]string
	vpcs      []string
	subnets   [][]string
	// Identity Center (management account only)
	icUsers       []icUser
	identityStore string
	samlProvider  string
	ssoProvider   string
	oidcGitHub    string
	oidcEKS       string
	trailBucket   string
}

type iamUser struct {
	name string
	id   string // AIDA...
	key  string // AKIA...
	ip   int    // usual source address (index into world.ips)
	ua   int    // usual user agent (index into world.uas)
	br   int    // usual browser (index into world.browsers)
	mfa  bool
}

type icUser struct {
	userID string
	name   string
	ip     int
	br     int
}

type roleKind int

const (
	roleHuman roleKind = iota
	roleSSO
	roleSAML
	roleEC2
	roleLambda
	roleECS
	roleWeb
	roleCross
	numRoleKinds
)

type role struct {
	name string
	id   string // AROA...
	arn  string // arn:aws:iam::<account>:role/<path><name>
	kind roleKind
	fn   string // the function of a Lambda execution role
}

var (
	humanNames = []string{
		"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
		"ivan", "judy", "ken", "laura", "mike", "nina", "oscar", "peggy",
		"quentin", "rupert", "sybil", "trent", "ursula", "victor", "walter", "yolanda",
	}
	serviceUsers = []string{
		"ci-deployer", "terraform", "backup-agent", "datadog-integration",
		"jenkins", "s3-sync", "monitoring", "legacy-app", "splunk-forwarder",
	}
	humanRoleNames = []string{"Admin", "ReadOnly", "Developer", "BillingViewer", "DataScientist"}
	ssoRoleNames   = []string{"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "ViewOnlyAccess"}
	samlRoleNames  = []string{"okta-admins", "okta-developers", "okta-support"}
	ec2RoleNames   = []string{"app-server-role", "bastion-role", "eks-node-role", "batch-worker-role", "jenkins-agent-role"}
	ecsRoleNames   = []string{"ecs-task-role", "ecsTaskExecutionRole", "api-service-task-role"}
	webRoleNames   = []string{"github-actions-deploy", "eks-irsa-external-dns", "eks-irsa-cluster-autoscaler", "github-actions-readonly"}
	crossRoleNames = []string{"OrganizationAccountAccessRole", "SecurityAudit", "CrossAccountDeploy", "terraform-execution"}
	funcNames      = []string{"image-resizer", "order-processor", "slack-notifier", "etl-transform", "api-authorizer", "report-builder", "cost-exporter", "log-shipper", "thumbnail-generator", "webhook-handler"}
	tableNames     = []string{"orders", "sessions", "users", "inventory", "events", "feature-flags", "carts", "audit-log"}
	bucketBases    = []string{"assets", "uploads", "data-lake-raw", "data-lake-curated", "backups", "app-logs", "terraform-state", "artifacts", "static-site", "ml-models", "reports", "media"}
	secretNames    = []string{"prod/db/password", "prod/api/stripe-key", "prod/redis/auth", "staging/db/password", "shared/slack-webhook", "prod/jwt-signing-key"}
	paramNames     = []string{"/app/prod/db-host", "/app/prod/feature-flags", "/app/staging/db-host", "/ami/latest-amazon-linux-2", "/app/prod/log-level", "/cwagent/config"}
)

// firstOctets are the leading octets of the public addresses drawn, spread
// over cloud providers, ISPs and hosting ranges.
var firstOctets = []int{3, 13, 18, 20, 23, 24, 34, 35, 38, 44, 45, 50, 52, 54, 62, 63, 64, 66, 67, 68, 71, 72, 73, 76, 77, 78, 81, 82, 84, 86, 87, 88, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 104, 107, 108, 109, 128, 136, 141, 146, 147, 151, 152, 155, 162, 173, 174, 176, 178, 185, 188, 193, 194, 195, 199, 203, 208, 209, 212, 213, 217}

func newWorld(o Options) *world {
	w := &world{
		o:       o,
		start:   o.Start.Unix(),
		days:    o.Days,
		win:     int64(o.Window / time.Second),
		perFile: int(perFiveMinutes * o.Window / (5 * time.Minute)),
		regions: Regions(o.Regions),
		cat:     newCatalog(),
	}
	r := newRand(mix2(o.Seed, streamWorld))
	w.ips = makeIPs(r, 320)
	w.uas, w.uaBy = makeUserAgents(r, 260)
	w.browsers = makeBrowsers(r, 40)
	seen := make(map[string]bool)
	for range 6 {
		w.external = append(w.external, accountID(r, seen))
	}
	w.accounts = make([]*account, o.Accounts)
	for i := range w.accounts {
		ar := newRand(mix2(mix2(o.Seed, streamAccount), uint64(i)))
		w.accounts[i] = w.newAccount(ar, i, seen)
	}
	w.scenarioDay = 0
	sd := scenarioDayUnix()
	if sd >= w.start && sd < w.start+int64(w.days)*86400 {
		w.scenarioDay = int((sd - w.start) / 86400)
	}
	return w
}

// accountID draws a 12-digit account id not drawn before.
func accountID(r *rand.Rand, seen map[string]bool) string {
	for {
		id := strconv.FormatUint(100000000000+r.Uint64N(900000000000), 10)
		if !seen[id] && id != "999999999999" {
			seen[id] = true
			return id
		}
	}
}

func (w *world) newAccount(r *rand.Rand, idx int, seen map[string]bool) *account {
	a := &account{idx: idx, id: accountID(r, seen)}
	// Users: a subset of people, and some service users. The first account
	// always has the scenario's people.
	names := shuffled(r, humanNames)
	nh := 6 + r.IntN(10)
	people := names[:nh]
	if idx == 0 {
		people = withNames(people, ScenarioAlice, ScenarioNoMFAUser, ScenarioMallory)
	} else {
		people = without(people, ScenarioMallory)
	}
	svc := shuffled(r, serviceUsers)[:3+r.IntN(5)]
	for _, n := range people {
		u := w.newUser(r, n)
		a.users = append(a.users, u)
		a.humans = append(a.humans, u)
	}
	for _, n := range svc {
		a.users = append(a.users, w.newUser(r, n))
	}
	// Roles.
	addRoles := func(k roleKind, names []string, n int, path string) {
		for _, name := range shuffled(r, names)[:min(n, len(names))] {
			if k == roleSSO {
				name = "AWSReservedSSO_" + name + "_" + string(appendHex(nil, r, 16))
			}
			a.roles[k] = append(a.roles[k], &role{
				name: name,
				id:   "AROA" + randString(r, upperNum, 17),
				arn:  "arn:aws:iam::" + a.id + ":role/" + path + name,
				kind: k,
			})
		}
	}
	addRoles(roleHuman, humanRoleNames, 3, "")
	addRoles(roleSSO, ssoRoleNames, 3, "aws-reserved/sso.amazonaws.com/")
	addRoles(roleSAML, samlRoleNames, 2, "")
	addRoles(roleEC2, ec2RoleNames, 3, "")
	addRoles(roleECS, ecsRoleNames, 2, "service-role/")
	addRoles(roleWeb, webRoleNames, 2, "")
	addRoles(roleCross, crossRoleNames, 3, "")
	a.funcs = shuffled(r, funcNames)[:4+r.IntN(4)]
	for _, fn := range a.funcs {
		name := fn + "-role-" + randString(r, lowerNum, 8)
		a.roles[roleLambda] = append(a.roles[roleLambda], &role{
			name: name,
			id:   "AROA" + randString(r, upperNum, 17),
			arn:  "arn:aws:iam::" + a.id + ":role/service-role/" + name,
			kind: roleLambda,
			fn:   fn,
		})
	}
	a.tables = shuffled(r, tableNames)[:3+r.IntN(3)]
	for i, t := range a.tables {
		a.tables[i] = "prod-" + t
	}
	for _, b := range shuffled(r, bucketBases)[:5+r.IntN(4)] {
		a.buckets = append(a.buckets, "acme-"+b+"-"+a.id)
	}
	a.secrets = shuffled(r, secretNames)[:3+r.IntN(3)]
	a.params = shuffled(r, paramNames)[:3+r.IntN(3)]
	a.trailBucket = "aws-cloudtrail-logs-" + a.id + "-" + string(appendHex(nil, r, 8))
	for range w.regions {
		a.vpce = append(a.vpce, "vpce-"+string(appendHex(nil, r, 17)))
		var keys, inst, sgs, subs []string
		for range 3 {
			keys = append(keys, uuid(r))
		}
		for range 6 + r.IntN(10) {
			inst = append(inst, "i-0"+string(appendHex(nil, r, 16)))
		}
		for range 5 + r.IntN(6) {
			sgs = append(sgs, "sg-0"+string(appendHex(nil, r, 16)))
		}
		for range 3 {
			subs = append(subs, "subnet-0"+string(appendHex(nil, r, 16)))
		}
		a.kmsKeys = append(a.kmsKeys, keys)
		a.instances = append(a.instances, inst)
		a.groups = append(a.groups, sgs)
		a.subnets = append(a.subnets, subs)
		a.vpcs = append(a.vpcs, "vpc-0"+string(appendHex(nil, r, 16)))
	}
	a.samlProvider = "arn:aws:iam::" + a.id + ":saml-provider/Okta"
	a.ssoProvider = "arn:aws:iam::" + a.id + ":saml-provider/AWSSSO_" + string(appendHex(nil, r, 16)) + "_DO_NOT_DELETE"
	a.oidcGitHub = "arn:aws:iam::" + a.id + ":oidc-provider/token.actions.githubusercontent.com"
	a.oidcEKS = "arn:aws:iam::" + a.id + ":oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/" + string(appendUpperHex(nil, r, 32))
	if idx == 0 {
		a.identityStore = "arn:aws:identitystore::" + a.id + ":identitystore/d-9067" + string(appendHex(nil, r, 6))
		for _, n := range shuffled(r, humanNames)[:8] {
			a.icUsers = append(a.icUsers, icUser{
				userID: uuid(r),
				name:   n + "@example.com",
				ip:     r.IntN(len(w.ips)),
				br:     r.IntN(len(w.browsers)),
			})
		}
	}
	return a
}

func (w *world) newUser(r *rand.Rand, name string) *iamUser {
	return &iamUser{
		name: name,
		id:   "AIDA" + randString(r, upperNum, 17),
		key:  "AKIA" + randString(r, base32, 16),
		ip:   r.IntN(len(w.ips)),
		ua:   r.IntN(len(w.uas)),
		br:   r.IntN(len(w.browsers)),
		mfa:  true,
	}
}

func (a *account) user(name string) *iamUser {
	for _, u := range a.users {
		if u.name == name {
			return u
		}
	}
	return nil
}

// shuffled returns a shuffled copy of s.
func shuffled(r *rand.Rand, s []string) []string {
	c := append([]string(nil), s...)
	r.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
	return c
}

// withNames returns s with the given names included (replacing others).
func withNames(s []string, names ...string) []string {
	out := append([]string(nil), names...)
	for _, n := range s {
		if !contains(names, n) {
			out = append(out, n)
		}
	}
	return out
}

func without(s []string, name string) []string {
	out := s[:0:0]
	for _, n := range s {
		if n != name {
			out = append(out, n)
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func makeIPs(r *rand.Rand, n int) []string {
	seen := map[string]bool{ScenarioAttackerIP: true, ScenarioBruteForceIP: true}
	var out []string
	for len(out) < n {
		var ip string
		if chance(r, 40) {
			ip = fmt.Sprintf("2600:1f18:%x:%x:%x:%x:%x:%x", r.IntN(0x10000), r.IntN(0x10000), r.IntN(0x10000), r.IntN(0x10000), r.IntN(0x10000), r.IntN(0x10000))
		} else {
			ip = fmt.Sprintf("%d.%d.%d.%d", pick(r, firstOctets), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		}
		if !seen[ip] {
			seen[ip] = true
			out = append(out, ip)
		}
	}
	return out
}

// tool is a kind of client, for choosing user agents that suit a caller.
type tool int

const (
	toolCLI tool = iota
	toolBoto3
	toolGo
	toolJava
	toolNode
	toolTerraform
	toolRuby
	numTools
)

// makeUserAgents returns n distinct SDK and CLI user agents, and the same
// agents by tool.
func makeUserAgents(r *rand.Rand, n int) ([]string, [numTools][]string) {
	cmds := []string{"ec2.describe-instances", "s3.cp", "s3.ls", "sts.get-caller-identity", "iam.list-users", "logs.tail", "ssm.start-session", "ecr.get-login-password", "lambda.invoke", "cloudformation.deploy"}
	kernels := []string{"4.14.146-119.123.amzn2.x86_64", "4.14.138-114.102.amzn2.x86_64", "5.0.0-1019-aws", "4.15.0-1050-aws", "18.7.0", "19.0.0"}
	// Relative weights of the tools (short agents are the common ones).
	toolW := newWeighted([]uint64{30, 25, 15, 8, 10, 4, 3})
	seen := make(map[string]bool)
	var out []string
	var by [numTools][]string
	for len(out) < n {
		var ua string
		t := tool(toolW.draw(r))
		switch t {
		case toolCLI:
			if chance(r, 600) {
				ua = fmt.Sprintf("aws-cli/1.16.%d Python/3.7.%d Linux/%s botocore/1.12.%d", 200+r.IntN(100), r.IntN(5), pick(r, kernels), 190+r.IntN(60))
			} else {
				ua = fmt.Sprintf("aws-cli/2.0.0dev%d Python/3.7.%d Darwin/%s botocore/2.0.0dev%d command/%s", r.IntN(20), r.IntN(5), pick(r, kernels), r.IntN(20), pick(r, cmds))
			}
		case toolBoto3:
			ua = fmt.Sprintf("Boto3/1.9.%d Python/3.%d.%d Linux/%s Botocore/1.12.%d", 150+r.IntN(100), 6+r.IntN(2), r.IntN(9), pick(r, kernels), 150+r.IntN(100))
		case toolGo:
			if chance(r, 700) {
				ua = fmt.Sprintf("aws-sdk-go/1.%d.%d (go1.%d.%d; linux; amd64)", 20+r.IntN(5), r.IntN(60), 12+r.IntN(2), r.IntN(10))
			} else {
				ua = fmt.Sprintf("aws-sdk-go-v2/0.%d.0 (go1.13.%d; linux; amd64)", 10+r.IntN(6), r.IntN(3))
			}
		case toolJava:
			ua = fmt.Sprintf("aws-sdk-java/1.11.%d Linux/%s OpenJDK_64-Bit_Server_VM/25.%d-b%02d java/1.8.0_%d vendor/Oracle_Corporation", 500+r.IntN(150), pick(r, kernels), 200+r.IntN(30), r.IntN(12), 200+r.IntN(30))
		case toolNode:
			ua = fmt.Sprintf("aws-sdk-nodejs/2.%d.0 linux/v10.%d.0 exec-env/AWS_Lambda_nodejs10.x promise", 400+r.IntN(150), 14+r.IntN(3))
		case toolTerraform:
			ua = fmt.Sprintf("APN/1.0 HashiCorp/1.0 Terraform/0.12.%d (+https://www.terraform.io) terraform-provider-aws/2.%d.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.25.%d (go1.13.%d; linux; amd64)", r.IntN(10), 20+r.IntN(12), r.IntN(10), r.IntN(3))
		default:
			ua = fmt.Sprintf("aws-sdk-ruby3/3.%d.0 ruby/2.6.%d x86_64-linux aws-sdk-%s/1.%d.0", 60+r.IntN(30), r.IntN(5), pick(r, []string{"s3", "ec2", "sqs", "dynamodb"}), r.IntN(50))
		}
		if !seen[ua] {
			seen[ua] = true
			out = append(out, ua)
			by[t] = append(by[t], ua)
		}
	}
	return out, by
}

// agent returns a user agent of one of the tools.
func (w *world) agent(r *rand.Rand, tools ...tool) string {
	t := tools[r.IntN(len(tools))]
	if len(w.uaBy[t]) == 0 {
		return pick(r, w.uas)
	}
	return pick(r, w.uaBy[t])
}

func makeBrowsers(r *rand.Rand, n int) []string {
	seen := make(map[string]bool)
	var out []string
	for len(out) < n {
		var ua string
		switch r.IntN(4) {
		case 0:
			ua = fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_%d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/77.0.3865.%d Safari/537.36", r.IntN(7), 40+r.IntN(80))
		case 1:
			ua = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0", 68+r.IntN(2), 68+r.IntN(2))
		case 2:
			ua = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.%d Safari/537.36", 80+r.IntN(60))
		default:
			ua = fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_%d) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.%d Safari/605.1.15", r.IntN(7), r.IntN(3))
		}
		if !seen[ua] {
			seen[ua] = true
			out = append(out, ua)
		}
	}
	return out
}
