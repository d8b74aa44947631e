package gen

import (
	"strconv"
	"strings"
)

// who says which principals make a kind of call.
type who int

const (
	whoAny      who = iota // people, workloads and tools alike
	whoWorkload            // mostly EC2, Lambda, ECS and CI sessions
	whoHuman               // mostly people: console users and federated sessions
)

// tmpl is one kind of API call that the generator writes.
type tmpl struct {
	source string
	name   string
	w      int  // relative weight
	ro     bool // readOnly
	data   bool // data event (eventCategory Data, managementEvent false)
	global bool // a global service: logged in us-east-1 only
	mgmt   bool // only in the organization's management account
	host   string
	who    who
	svc    string   // the service whose role sessions make this call, if any
	errs   []string // error codes this call fails with (default: by service)
	build  func(c *evctx)
}

// host values: a service prefix makes <prefix>.<region>.amazonaws.com; a
// value with a dot is used as is; "s3" is the bucket's virtual host.

// templates is the catalogue of ordinary calls, with their weights.
var templates = []tmpl{
	// EC2
	{source: "ec2.amazonaws.com", name: "DescribeInstances", w: 60, ro: true, host: "ec2", build: func(c *evctx) {
		q := c.reqObj()
		if chance(c.r, 400) {
			q.ko("instancesSet")
			q.ka("items")
			for range 1 + c.r.IntN(3) {
				q.open()
				q.ks("instanceId", c.instance())
				q.close()
			}
			q.end()
			q.close()
		} else {
			q.kempty("instancesSet")
		}
		if chance(c.r, 500) {
			q.ko("filterSet")
			q.ka("items")
			q.open()
			q.ks("name", "tag:Name")
			q.ko("valueSet")
			q.ka("items")
			q.open()
			q.ks("value", pick(c.r, []string{"api-*", "worker", "bastion", "jenkins", "web-prod"}))
			q.close()
			q.end()
			q.close()
			q.close()
			q.end()
			q.close()
		} else {
			q.kempty("filterSet")
		}
		q.close()
	}},
	{source: "ec2.amazonaws.com", name: "DescribeSecurityGroups", w: 20, ro: true, host: "ec2", build: func(c *evctx) {
		q := c.reqObj()
		q.kempty("securityGroupSet")
		q.ko("securityGroupIdSet")
		q.ka("items")
		q.open()
		q.ks("groupId", c.sg())
		q.close()
		q.end()
		q.close()
		q.kempty("filterSet")
		q.close()
	}},
	{source: "ec2.amazonaws.com", name: "DescribeVolumes", w: 10, ro: true, host: "ec2", build: func(c *evctx) {
		q := c.reqObj()
		q.kempty("volumeSet")
		q.ko("filterSet")
		q.ka("items")
		q.open()
		q.ks("name", "attachment.instance-id")
		q.ko("valueSet")
		q.ka("items")
		q.open()
		q.ks("value", c.instance())
		q.close()
		q.end()
		q.close()
		q.close()
		q.end()
		q.close()
		q.close()
	}},
	{source: "ec2.amazonaws.com", name: "DescribeSubnets", w: 6, ro: true, host: "ec2", build: func(c *evctx) {
		q := c.reqObj()
		q.kempty("subnetSet")
		q.ko("filterSet")
		q.ka("items")
		q.open()
		q.ks("name", "vpc-id")
		q.ko("valueSet")
		q.ka("items")
		q.open()
		q.ks("value", c.acct.vpcs[c.region])
		q.close()
		q.end()
		q.close()
		q.close()
		q.end()
		q.close()
		q.close()
	}},
	{source: "ec2.amazonaws.com", name: "DescribeRegions", w: 6, ro: true, host: "ec2", who: whoHuman, build: func(c *evctx) {
		q := c.reqObj()
		q.kempty("regionSet")
		q.kb("allRegions", false)
		q.close()
	}},
	{source: "ec2.amazonaws.com", name: "DescribeImages", w: 4, ro: true, host: "ec2", build: func(c *evctx) {
		q := c.reqObj()
		q.kempty("executableBySet")
		q.ko("imagesSet")
		q.ka("items")
		q.open()
		q.ks("imageId", "ami-"+c.hex(17))
		q.close()
		q.end()
		q.close()
		q.kempty("ownersSet")
		q.kempty("filterSet")
		q.close()
	}},
	{source: "ec2.amazonaws.com", name: "RunInstances", w: 3, host: "ec2", errs: []string{"Client.UnauthorizedOperation", "Server.InsufficientInstanceCapacity", "Client.InstanceLimitExceeded"}, build: buildRunInstances},
	{source: "ec2.amazonaws.com", name: "StartInstances", w: 2, host: "ec2", build: func(c *evctx) { buildInstanceState(c, 0, "pending", 80, "stopped") }},
	{source: "ec2.amazonaws.com", name: "StopInstances", w: 2, host: "ec2", build: func(c *evctx) { buildInstanceState(c, 64, "stopping", 16, "running") }},
	{source: "ec2.amazonaws.com", name: "TerminateInstances", w: 1, host: "ec2", build: func(c *evctx) { buildInstanceState(c, 32, "shutting-down", 16, "running") }},
	{source: "ec2.amazonaws.com", name: "CreateTags", w: 4, host: "ec2", build: func(c *evctx) {
		q := c.reqObj()
		q.ko("resourcesSet")
		q.ka("items")
		q.open()
		q.ks("resourceId", c.instance())
		q.close()
		q.end()
		q.close()
		q.ko("tagSet")
		q.ka("items")
		for _, k := range []string{"Name", "team", "env"}[:1+c.r.IntN(3)] {
			q.open()
			q.ks("key", k)
			q.ks("value", pick(c.r, []string{"api", "platform", "prod", "data", "web-1", "batch"}))
			q.close()
		}
		q.end()
		q.close()
		q.close()
		c.respReturn()
	}},
	{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", w: 1, host: "ec2", build: func(c *evctx) {
		cidr := pick(c.r, []string{"10.0.0.0/8", "10.20.0.0/16", "172.31.0.0/16", "192.168.10.0/24"})
		port := pick(c.r, []int64{443, 5432, 6379, 8080, 3306, 9200})
		buildSGIngress(c, c.sg(), port, cidr, "")
	}},
	{source: "ec2.amazonaws.com", name: "CreateSnapshot", w: 2, host: "ec2", who: whoWorkload, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("volumeId", "vol-"+c.hex(17))
		q.ks("description", "Created by AWS Backup")
		q.close()
		p := c.respObj()
		p.ks("requestId", uuid(c.r))
		p.ks("snapshotId", "snap-"+c.hex(17))
		p.ks("status", "pending")
		p.ks("progress", "")
		p.close()
	}},

	// S3 management events
	{source: "s3.amazonaws.com", name: "ListBuckets", w: 10, ro: true, global: true, host: "s3.amazonaws.com", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("Host", "s3.amazonaws.com")
		q.close()
		c.s3Add(0, int64(600+c.r.IntN(4000)))
	}},
	{source: "s3.amazonaws.com", name: "GetBucketAcl", w: 8, ro: true, host: "s3", build: func(c *evctx) { buildBucketGet(c, "acl") }},
	{source: "s3.amazonaws.com", name: "GetBucketPolicy", w: 6, ro: true, host: "s3", errs: []string{"NoSuchBucketPolicy", "AccessDenied"}, build: func(c *evctx) { buildBucketGet(c, "policy") }},
	{source: "s3.amazonaws.com", name: "GetBucketLocation", w: 8, ro: true, host: "s3", build: func(c *evctx) { buildBucketGet(c, "location") }},
	{source: "s3.amazonaws.com", name: "GetBucketVersioning", w: 4, ro: true, host: "s3", build: func(c *evctx) { buildBucketGet(c, "versioning") }},
	{source: "s3.amazonaws.com", name: "GetBucketEncryption", w: 4, ro: true, host: "s3", errs: []string{"ServerSideEncryptionConfigurationNotFoundError"}, build: func(c *evctx) { buildBucketGet(c, "encryption") }},
	{source: "s3.amazonaws.com", name: "PutBucketPolicy", w: 1, host: "s3", who: whoHuman, build: func(c *evctx) {
		b := c.bucket()
		q := c.reqObj()
		q.ko("bucketPolicy")
		q.ks("Version", "2012-10-17")
		q.ka("Statement")
		q.open()
		q.ks("Sid", "DenyInsecureTransport")
		q.ks("Effect", "Deny")
		q.ks("Principal", "*")
		q.ks("Action", "s3:*")
		q.ka("Resource")
		q.str("arn:aws:s3:::" + b)
		q.str("arn:aws:s3:::" + b + "/*")
		q.end()
		q.ko("Condition")
		q.ko("Bool")
		q.ks("aws:SecureTransport", "false")
		q.close()
		q.close()
		q.close()
		q.end()
		q.close()
		q.ks("bucketName", b)
		q.ks("Host", b+".s3.amazonaws.com")
		q.ks("policy", "")
		q.close()
		c.s3Add(int64(300+c.r.IntN(200)), 0)
		c.resource(c.acct.id, "AWS::S3::Bucket", "arn:aws:s3:::"+b)
	}},

	// S3 data events
	{source: "s3.amazonaws.com", name: "GetObject", w: 90, ro: true, data: true, host: "s3", errs: []string{"NoSuchKey", "AccessDenied"}, build: func(c *evctx) {
		b := c.bucket()
		k := c.objKey(b)
		c.s3ObjReq(b, k)
		c.s3Add(0, int64(200+c.r.IntN(5_000_000)))
		c.s3ObjResources(b, k)
	}},
	{source: "s3.amazonaws.com", name: "PutObject", w: 50, data: true, host: "s3", who: whoWorkload, errs: []string{"AccessDenied", "NoSuchBucket"}, build: func(c *evctx) {
		b := c.bucket()
		k := c.objKey(b)
		q := c.reqObj()
		q.ks("bucketName", b)
		q.ks("Host", b+".s3."+c.rname+".amazonaws.com")
		q.ks("key", k)
		if chance(c.r, 300) {
			q.ks("x-amz-server-side-encryption", "aws:kms")
		}
		q.close()
		p := c.respObj()
		p.ks("x-amz-server-side-encryption", "AES256")
		if chance(c.r, 400) {
			p.key("x-amz-version-id")
			p.sep()
			p.b = append(p.b, '"')
			p.b = appendRand(p.b, c.r, alnum, 32)
			p.b = append(p.b, '"')
			p.comma = true
		}
		p.close()
		c.s3Add(int64(100+c.r.IntN(2_000_000)), 0)
		c.s3ObjResources(b, k)
	}},
	{source: "s3.amazonaws.com", name: "HeadObject", w: 20, ro: true, data: true, host: "s3", errs: []string{"NoSuchKey", "AccessDenied"}, build: func(c *evctx) {
		b := c.bucket()
		k := c.objKey(b)
		c.s3ObjReq(b, k)
		c.s3Add(0, 0)
		c.s3ObjResources(b, k)
	}},
	{source: "s3.amazonaws.com", name: "DeleteObject", w: 8, data: true, host: "s3", build: func(c *evctx) {
		b := c.bucket()
		k := c.objKey(b)
		c.s3ObjReq(b, k)
		c.s3Add(0, 0)
		c.s3ObjResources(b, k)
	}},
	{source: "s3.amazonaws.com", name: "ListObjects", w: 15, ro: true, data: true, host: "s3", build: func(c *evctx) {
		b := c.bucket()
		q := c.reqObj()
		q.ks("list-type", "2")
		q.ks("bucketName", b)
		q.ks("encoding-type", "url")
		q.ks("prefix", pick(c.r, []string{"", "data/", "uploads/2019/", "logs/", "reports/daily/"}))
		q.ks("delimiter", "/")
		q.ks("Host", b+".s3."+c.rname+".amazonaws.com")
		q.close()
		c.s3Add(0, int64(300+c.r.IntN(40000)))
		c.resource(c.acct.id, "AWS::S3::Bucket", "arn:aws:s3:::"+b)
	}},

	// Lambda
	{source: "lambda.amazonaws.com", name: "Invoke", w: 35, data: true, host: "lambda", who: whoWorkload, errs: []string{"AccessDeniedException", "TooManyRequestsException", "ResourceNotFoundException"}, build: func(c *evctx) {
		fn := c.fnARN(pick(c.r, c.acct.funcs))
		c.rec.apiVersion = "2015-03-31"
		q := c.reqObj()
		q.ks("functionName", fn)
		q.ks("invocationType", pick(c.r, []string{"RequestResponse", "RequestResponse", "Event"}))
		if chance(c.r, 300) {
			q.ks("sourceArn", "arn:aws:execute-api:"+c.rname+":"+c.acct.id+":"+c.rnd(lowerNum, 10)+"/prod/POST/orders")
		}
		q.close()
		a := c.addObj()
		a.ks("functionVersion", fn+":$LATEST")
		a.close()
		c.resource(c.acct.id, "AWS::Lambda::Function", fn)
	}},
	{source: "lambda.amazonaws.com", name: "GetFunction20150331v2", w: 4, ro: true, host: "lambda", build: func(c *evctx) {
		c.rec.apiVersion = "2015-03-31"
		q := c.reqObj()
		q.ks("functionName", pick(c.r, c.acct.funcs))
		q.close()
	}},
	{source: "lambda.amazonaws.com", name: "ListFunctions20150331", w: 3, ro: true, host: "lambda", build: func(c *evctx) {
		c.rec.apiVersion = "2015-03-31"
	}},
	{source: "lambda.amazonaws.com", name: "UpdateFunctionCode20150331v2", w: 1, host: "lambda", build: func(c *evctx) {
		fn := pick(c.r, c.acct.funcs)
		c.rec.apiVersion = "2015-03-31"
		q := c.reqObj()
		q.ks("functionName", fn)
		q.kb("publish", false)
		q.kb("dryRun", false)
		q.close()
		p := c.respObj()
		p.ks("functionName", fn)
		p.ks("functionArn", c.fnARN(fn))
		p.ks("runtime", pick(c.r, []string{"python3.7", "nodejs10.x", "go1.x", "java8"}))
		p.ks("role", "arn:aws:iam::"+c.acct.id+":role/service-role/"+fn+"-role")
		p.ks("handler", "main.handler")
		p.ki("codeSize", int64(2000+c.r.IntN(20_000_000)))
		p.ks("description", "")
		p.ki("timeout", pick(c.r, []int64{3, 30, 60, 900}))
		p.ki("memorySize", pick(c.r, []int64{128, 256, 512, 1024}))
		p.ks("lastModified", string(appendTime(nil, c.t)[:19])+".123+0000")
		p.key("codeSha256")
		p.sep()
		p.b = append(p.b, '"')
		p.b = appendBase64(p.b, c.r, 43)
		p.b = append(p.b, "=\""...)
		p.comma = true
		p.ks("version", "$LATEST")
		p.ko("tracingConfig")
		p.ks("mode", "PassThrough")
		p.close()
		p.ks("revisionId", uuid(c.r))
		p.close()
	}},

	// DynamoDB
	{source: "dynamodb.amazonaws.com", name: "GetItem", w: 30, ro: true, data: true, host: "dynamodb", who: whoWorkload, build: func(c *evctx) { buildItem(c, false) }},
	{source: "dynamodb.amazonaws.com", name: "PutItem", w: 15, data: true, host: "dynamodb", who: whoWorkload, errs: []string{"ConditionalCheckFailedException", "ProvisionedThroughputExceededException", "AccessDeniedException"}, build: func(c *evctx) { buildItem(c, false) }},
	{source: "dynamodb.amazonaws.com", name: "Query", w: 18, ro: true, data: true, host: "dynamodb", who: whoWorkload, build: func(c *evctx) { buildItem(c, true) }},
	{source: "dynamodb.amazonaws.com", name: "DescribeTable", w: 12, ro: true, host: "dynamodb", build: func(c *evctx) {
		t := pick(c.r, c.acct.tables)
		q := c.reqObj()
		q.ks("tableName", t)
		q.close()
		c.resource(c.acct.id, "AWS::DynamoDB::Table", "arn:aws:dynamodb:"+c.rname+":"+c.acct.id+":table/"+t)
	}},

	// KMS
	{source: "kms.amazonaws.com", name: "Decrypt", w: 55, ro: true, host: "kms", who: whoWorkload, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
		c.kmsContext(q)
		q.close()
		c.resource(c.acct.id, "AWS::KMS::Key", c.kmsARN())
	}},
	{source: "kms.amazonaws.com", name: "GenerateDataKey", w: 35, ro: true, host: "kms", who: whoWorkload, build: func(c *evctx) {
		key := c.kmsARN()
		q := c.reqObj()
		q.ks("keyId", key)
		c.kmsContext(q)
		q.ks("keySpec", "AES_256")
		q.close()
		c.resource(c.acct.id, "AWS::KMS::Key", key)
	}},
	{source: "kms.amazonaws.com", name: "DescribeKey", w: 5, ro: true, host: "kms", build: func(c *evctx) {
		key := c.kmsARN()
		q := c.reqObj()
		q.ks("keyId", key)
		q.close()
		c.resource(c.acct.id, "AWS::KMS::Key", key)
	}},

	// STS
	{source: "sts.amazonaws.com", name: "GetCallerIdentity", w: 40, ro: true, host: "sts"},
	{source: "sts.amazonaws.com", name: "GetSessionToken", w: 2, ro: true, global: true, host: "sts.amazonaws.com", build: func(c *evctx) {
		q := c.reqObj()
		q.ki("durationSeconds", 43200)
		q.close()
		p := c.respObj()
		p.ko("credentials")
		p.key("accessKeyId")
		p.sep()
		p.b = append(p.b, `"ASIA`...)
		p.b = appendRand(p.b, c.r, base32, 16)
		p.b = append(p.b, '"')
		p.comma = true
		p.ks("expiration", awsDate(c.t+43200))
		p.close()
		p.close()
	}},

	// IAM
	{source: "iam.amazonaws.com", name: "ListUsers", w: 6, ro: true, global: true, host: "iam.amazonaws.com"},
	{source: "iam.amazonaws.com", name: "ListRoles", w: 6, ro: true, global: true, host: "iam.amazonaws.com"},
	{source: "iam.amazonaws.com", name: "GetUser", w: 5, ro: true, global: true, host: "iam.amazonaws.com", errs: []string{"NoSuchEntityException", "AccessDenied"}, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("userName", pick(c.r, c.acct.users).name)
		q.close()
	}},
	{source: "iam.amazonaws.com", name: "GetRole", w: 8, ro: true, global: true, host: "iam.amazonaws.com", errs: []string{"NoSuchEntityException", "AccessDenied"}, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("roleName", c.anyRole().name)
		q.close()
	}},
	{source: "iam.amazonaws.com", name: "ListAttachedRolePolicies", w: 6, ro: true, global: true, host: "iam.amazonaws.com", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("roleName", c.anyRole().name)
		q.close()
	}},
	{source: "iam.amazonaws.com", name: "GetPolicyVersion", w: 4, ro: true, global: true, host: "iam.amazonaws.com", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("policyArn", pick(c.r, managedPolicies))
		q.ks("versionId", "v"+strconv.Itoa(1+c.r.IntN(9)))
		q.close()
	}},
	{source: "iam.amazonaws.com", name: "ListAccessKeys", w: 3, ro: true, global: true, host: "iam.amazonaws.com", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("userName", pick(c.r, c.acct.users).name)
		q.close()
	}},
	{source: "iam.amazonaws.com", name: "CreateRole", w: 1, global: true, host: "iam.amazonaws.com", who: whoHuman, errs: []string{"EntityAlreadyExistsException", "AccessDenied"}, build: buildCreateRole},
	{source: "iam.amazonaws.com", name: "PutRolePolicy", w: 1, global: true, host: "iam.amazonaws.com", who: whoHuman, build: func(c *evctx) {
		b := c.bucket()
		q := c.reqObj()
		q.ks("roleName", c.anyRole().name)
		q.ks("policyName", pick(c.r, []string{"s3-access", "read-secrets", "inline-deploy", "logs-write"}))
		q.ks("policyDocument", "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n            \"Resource\": \"arn:aws:s3:::"+b+"/*\"\n        }\n    ]\n}")
		q.close()
	}},
	{source: "iam.amazonaws.com", name: "AttachRolePolicy", w: 1, global: true, host: "iam.amazonaws.com", who: whoHuman, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("roleName", c.anyRole().name)
		q.ks("policyArn", pick(c.r, managedPolicies[1:]))
		q.close()
	}},
	{source: "iam.amazonaws.com", name: "TagRole", w: 1, global: true, host: "iam.amazonaws.com", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("roleName", c.anyRole().name)
		q.ka("tags")
		q.open()
		q.ks("key", "owner")
		q.ks("value", pick(c.r, humanNames))
		q.close()
		q.end()
		q.close()
	}},

	// Console sign-in (successful, with MFA; the planted scenario has the one without)
	{source: "signin.amazonaws.com", name: "ConsoleLogin", w: 4, global: true, host: "signin.aws.amazon.com", who: whoHuman, build: nil},

	// Organizations (management account)
	{source: "organizations.amazonaws.com", name: "DescribeOrganization", w: 3, ro: true, global: true, mgmt: true, host: "organizations.us-east-1.amazonaws.com"},
	{source: "organizations.amazonaws.com", name: "ListAccounts", w: 2, ro: true, global: true, mgmt: true, host: "organizations.us-east-1.amazonaws.com"},

	// SSM
	{source: "ssm.amazonaws.com", name: "UpdateInstanceInformation", w: 35, host: "ssm", who: whoWorkload, svc: "ec2.amazonaws.com", build: func(c *evctx) {
		inst := c.instance()
		ip := "10." + strconv.Itoa(c.r.IntN(256)) + "." + strconv.Itoa(c.r.IntN(256)) + "." + strconv.Itoa(1+c.r.IntN(254))
		q := c.reqObj()
		q.ks("instanceId", inst)
		q.ks("agentVersion", pick(c.r, []string{"2.3.672.0", "2.3.701.0", "2.3.714.0"}))
		q.ks("agentStatus", "Active")
		q.ks("platformType", "Linux")
		q.ks("platformName", "Amazon Linux")
		q.ks("platformVersion", "2")
		q.ks("iPAddress", ip)
		q.ks("computerName", "ip-"+strings.ReplaceAll(ip, ".", "-")+".ec2.internal")
		q.ks("agentName", "amazon-ssm-agent")
		q.ks("availabilityZone", c.rname+string(rune('a'+c.r.IntN(3))))
		q.close()
	}},
	{source: "ssm.amazonaws.com", name: "ListInstanceAssociations", w: 12, ro: true, host: "ssm", who: whoWorkload, svc: "ec2.amazonaws.com", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("instanceId", c.instance())
		q.ki("maxResults", 20)
		q.close()
	}},
	{source: "ssm.amazonaws.com", name: "GetParameter", w: 18, ro: true, host: "ssm", who: whoWorkload, errs: []string{"ParameterNotFound", "AccessDeniedException"}, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("name", pick(c.r, c.acct.params))
		q.kb("withDecryption", chance(c.r, 500))
		q.close()
	}},
	{source: "ssm.amazonaws.com", name: "GetParameters", w: 5, ro: true, host: "ssm", who: whoWorkload, build: func(c *evctx) {
		q := c.reqObj()
		q.ka("names")
		for _, p := range c.acct.params[:2] {
			q.str(p)
		}
		q.end()
		q.kb("withDecryption", true)
		q.close()
	}},

	// Secrets Manager
	{source: "secretsmanager.amazonaws.com", name: "GetSecretValue", w: 15, ro: true, host: "secretsmanager", who: whoWorkload, errs: []string{"AccessDeniedException", "ResourceNotFoundException"}, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("secretId", "arn:aws:secretsmanager:"+c.rname+":"+c.acct.id+":secret:"+pick(c.r, c.acct.secrets)+"-"+c.rnd(alnum, 6))
		q.close()
	}},

	// CloudWatch Logs
	{source: "logs.amazonaws.com", name: "CreateLogStream", w: 15, host: "logs", who: whoWorkload, svc: "lambda.amazonaws.com", errs: []string{"ResourceAlreadyExistsException"}, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("logGroupName", "/aws/lambda/"+pick(c.r, c.acct.funcs))
		y, m, d := civil(c.t / 86400)
		b := make([]byte, 0, 80)
		b = append4(b, y)
		b = append(b, '/')
		b = append2(b, m)
		b = append(b, '/')
		b = append2(b, d)
		b = append(b, "/[$LATEST]"...)
		b = appendHex(b, c.r, 32)
		q.ks("logStreamName", string(b))
		q.close()
	}},
	{source: "logs.amazonaws.com", name: "DescribeLogGroups", w: 5, ro: true, host: "logs", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("logGroupNamePrefix", "/aws/lambda/")
		q.close()
	}},

	// Others
	{source: "monitoring.amazonaws.com", name: "DescribeAlarms", w: 8, ro: true, host: "monitoring", build: func(c *evctx) {
		q := c.reqObj()
		q.ka("alarmNames")
		q.str(pick(c.r, []string{"api-5xx-high", "rds-cpu-high", "billing-alarm", "queue-depth"}))
		q.end()
		q.close()
	}},
	{source: "ecr.amazonaws.com", name: "GetAuthorizationToken", w: 8, ro: true, host: "api.ecr", who: whoWorkload},
	{source: "ecr.amazonaws.com", name: "BatchGetImage", w: 5, ro: true, host: "api.ecr", who: whoWorkload, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("repositoryName", pick(c.r, []string{"api", "worker", "web", "nginx-proxy"}))
		q.ka("imageIds")
		q.open()
		q.ks("imageTag", pick(c.r, []string{"latest", "v1.4.2", "main-3f9c2a1"}))
		q.close()
		q.end()
		q.ka("acceptedMediaTypes")
		q.str("application/vnd.docker.distribution.manifest.v2+json")
		q.str("application/vnd.oci.image.manifest.v1+json")
		q.end()
		q.close()
		c.resource(c.acct.id, "AWS::ECR::Repository", "arn:aws:ecr:"+c.rname+":"+c.acct.id+":repository/api")
	}},
	{source: "cloudformation.amazonaws.com", name: "DescribeStacks", w: 6, ro: true, host: "cloudformation", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("stackName", pick(c.r, []string{"network-baseline", "api-prod", "data-pipeline", "StackSet-guardrails-" + c.acct.id[:6]}))
		q.close()
	}},
	{source: "elasticloadbalancing.amazonaws.com", name: "DescribeTargetHealth", w: 6, ro: true, host: "elasticloadbalancing", who: whoWorkload, build: func(c *evctx) {
		q := c.reqObj()
		q.ks("targetGroupArn", "arn:aws:elasticloadbalancing:"+c.rname+":"+c.acct.id+":targetgroup/api-tg/"+c.hex(16))
		q.close()
	}},
	{source: "autoscaling.amazonaws.com", name: "DescribeAutoScalingGroups", w: 4, ro: true, host: "autoscaling", build: func(c *evctx) {
		q := c.reqObj()
		q.ki("maxRecords", 100)
		q.close()
	}},
	{source: "rds.amazonaws.com", name: "DescribeDBInstances", w: 3, ro: true, host: "rds", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("dBInstanceIdentifier", pick(c.r, []string{"prod-db", "orders-db", "analytics"}))
		q.close()
	}},
	{source: "eks.amazonaws.com", name: "DescribeCluster", w: 3, ro: true, host: "eks", build: func(c *evctx) {
		q := c.reqObj()
		q.ks("name", "prod")
		q.close()
	}},
	{source: "cloudtrail.amazonaws.com", name: "DescribeTrails", w: 2, ro: true, host: "cloudtrail", build: func(c *evctx) {
		q := c.reqObj()
		q.ka("trailNameList")
		q.end()
		q.kb("includeShadowTrails", true)
		q.close()
	}},
	{source: "cloudtrail.amazonaws.com", name: "LookupEvents", w: 2, ro: true, host: "cloudtrail", who: whoHuman, build: func(c *evctx) {
		q := c.reqObj()
		q.ki("maxResults", 50)
		q.close()
	}},
}

var managedPolicies = []string{
	"arn:aws:iam::aws:policy/ReadOnlyAccess",
	"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
	"arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
	"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
	"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole",
	"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
}

// reqObj starts requestParameters as an object.
func (c *evctx) reqObj() *jw {
	c.rec.hasReq = true
	c.req.open()
	return &c.req
}

// respObj starts responseElements as an object.
func (c *evctx) respObj() *jw {
	c.rec.hasResp = true
	c.resp.open()
	return &c.resp
}

// addObj starts additionalEventData.
func (c *evctx) addObj() *jw {
	c.rec.hasAdd = true
	c.add.open()
	return &c.add
}

func (c *evctx) respReturn() {
	p := c.respObj()
	p.ks("requestId", uuid(c.r))
	p.kb("_return", true)
	p.close()
}

func (c *evctx) bucket() string { return pick(c.r, c.acct.buckets) }

func (c *evctx) instance() string { return pick(c.r, c.acct.instances[c.region]) }

func (c *evctx) sg() string { return pick(c.r, c.acct.groups[c.region]) }

func (c *evctx) kmsARN() string {
	return "arn:aws:kms:" + c.rname + ":" + c.acct.id + ":key/" + pick(c.r, c.acct.kmsKeys[c.region])
}

func (c *evctx) fnARN(fn string) string {
	return "arn:aws:lambda:" + c.rname + ":" + c.acct.id + ":function:" + fn
}

func (c *evctx) anyRole() *role {
	k := roleKind(c.r.IntN(int(numRoleKinds)))
	return pick(c.r, c.acct.roles[k])
}

// objKey returns an object key that suits the bucket.
func (c *evctx) objKey(bucket string) string {
	b := c.keyBuf[:0]
	y, m, d := civil(c.t / 86400)
	switch {
	case strings.Contains(bucket, "-data-lake-"):
		b = append(b, "events/year="...)
		b = append4(b, y)
		b = append(b, "/month="...)
		b = append2(b, m)
		b = append(b, "/day="...)
		b = append2(b, d)
		b = append(b, "/part-"...)
		b = strconv.AppendInt(b, int64(c.r.IntN(200)), 10)
		b = append(b, '-')
		b = appendUUID(b, c.r)
		b = append(b, ".snappy.parquet"...)
	case strings.Contains(bucket, "-uploads-"), strings.Contains(bucket, "-media-"):
		b = append(b, "uploads/"...)
		b = appendUUID(b, c.r)
		b = append(b, pick(c.r, []string{".jpg", ".png", ".pdf", ".mp4"})...)
	case strings.Contains(bucket, "-app-logs-"):
		b = append(b, "AWSLogs/"...)
		b = append(b, c.acct.id...)
		b = append(b, "/elasticloadbalancing/"...)
		b = append(b, c.rname...)
		b = append(b, '/')
		b = append4(b, y)
		b = append(b, '/')
		b = append2(b, m)
		b = append(b, '/')
		b = append2(b, d)
		b = append(b, '/')
		b = appendHex(b, c.r, 12)
		b = append(b, ".log.gz"...)
	case strings.Contains(bucket, "-terraform-state-"):
		b = append(b, pick(c.r, []string{"network/terraform.tfstate", "api/prod/terraform.tfstate", "iam/terraform.tfstate"})...)
	case strings.Contains(bucket, "-backups-"):
		b = append(b, "db/prod-db-"...)
		b = append4(b, y)
		b = append(b, '-')
		b = append2(b, m)
		b = append(b, '-')
		b = append2(b, d)
		b = append(b, ".sql.gz"...)
	default:
		b = append(b, pick(c.r, []string{"static/js/", "build/", "models/", "reports/daily/", "assets/img/"})...)
		b = appendHex(b, c.r, 8)
		b = append(b, pick(c.r, []string{".js", ".tar.gz", ".csv", ".json", ".bin"})...)
	}
	c.keyBuf = b
	return string(b)
}

// s3ObjReq writes the requestParameters of an object call.
func (c *evctx) s3ObjReq(bucket, key string) {
	q := c.reqObj()
	q.ks("bucketName", bucket)
	q.ks("Host", bucket+".s3."+c.rname+".amazonaws.com")
	q.ks("key", key)
	q.close()
}

func (c *evctx) s3ObjResources(bucket, key string) {
	c.resource("", "AWS::S3::Object", "arn:aws:s3:::"+bucket+"/"+key)
	c.resource(c.acct.id, "AWS::S3::Bucket", "arn:aws:s3:::"+bucket)
}

// s3Add writes S3's additionalEventData.
func (c *evctx) s3Add(in, out int64) {
	a := c.addObj()
	a.ks("SignatureVersion", "SigV4")
	a.ks("CipherSuite", "ECDHE-RSA-AES128-GCM-SHA256")
	a.ki("bytesTransferredIn", in)
	a.ks("AuthenticationMethod", "AuthHeader")
	a.key("x-amz-id-2")
	a.sep()
	a.b = append(a.b, '"')
	a.b = appendBase64(a.b, c.r, 76)
	a.b = append(a.b, '"')
	a.comma = true
	a.ki("bytesTransferredOut", out)
	a.close()
}

func (c *evctx) kmsContext(q *jw) {
	q.ko("encryptionContext")
	switch c.r.IntN(3) {
	case 0:
		b := c.bucket()
		q.ks("aws:s3:arn", "arn:aws:s3:::"+b+"/"+c.objKey(b))
	case 1:
		q.ks("aws:lambda:FunctionArn", c.fnARN(pick(c.r, c.acct.funcs)))
	default:
		q.ks("SecretARN", "arn:aws:secretsmanager:"+c.rname+":"+c.acct.id+":secret:"+pick(c.r, c.acct.secrets)+"-"+c.rnd(alnum, 6))
		q.ks("SecretVersionId", uuid(c.r))
	}
	q.close()
}

func buildBucketGet(c *evctx, sub string) {
	b := c.bucket()
	q := c.reqObj()
	q.ks("bucketName", b)
	q.ks("Host", b+".s3."+c.rname+".amazonaws.com")
	q.ks(sub, "")
	q.close()
	c.s3Add(0, int64(200+c.r.IntN(1500)))
	c.resource(c.acct.id, "AWS::S3::Bucket", "arn:aws:s3:::"+b)
}

func buildItem(c *evctx, query bool) {
	t := pick(c.r, c.acct.tables)
	q := c.reqObj()
	q.ks("tableName", t)
	if query {
		q.ks("keyConditionExpression", "#pk = :pk")
		q.ko("expressionAttributeNames")
		q.ks("#pk", "pk")
		q.close()
		q.ki("limit", 100)
	} else {
		q.ko("key")
		q.ks("pk", "HIDDEN_DUE_TO_SECURITY_REASONS")
		q.ks("sk", "HIDDEN_DUE_TO_SECURITY_REASONS")
		q.close()
		q.kb("consistentRead", chance(c.r, 200))
	}
	q.close()
	c.resource(c.acct.id, "AWS::DynamoDB::Table", "arn:aws:dynamodb:"+c.rname+":"+c.acct.id+":table/"+t)
}

func buildInstanceState(c *evctx, code int64, name string, prevCode int64, prevName string) {
	inst := c.instance()
	q := c.reqObj()
	q.ko("instancesSet")
	q.ka("items")
	q.open()
	q.ks("instanceId", inst)
	q.close()
	q.end()
	q.close()
	if c.rec.name == "StopInstances" {
		q.kb("force", false)
	}
	q.close()
	p := c.respObj()
	p.ks("requestId", uuid(c.r))
	p.ko("instancesSet")
	p.ka("items")
	p.open()
	p.ks("instanceId", inst)
	p.ko("currentState")
	p.ki("code", code)
	p.ks("name", name)
	p.close()
	p.ko("previousState")
	p.ki("code", prevCode)
	p.ks("name", prevName)
	p.close()
	p.close()
	p.end()
	p.close()
	p.close()
}

func buildRunInstances(c *evctx) {
	ami := "ami-" + c.hex(17)
	typ := pick(c.r, []string{"t3.micro", "t3.large", "m5.xlarge", "c5.2xlarge", "r5.large"})
	sub := pick(c.r, c.acct.subnets[c.region])
	sg := c.sg()
	q := c.reqObj()
	q.ko("instancesSet")
	q.ka("items")
	q.open()
	q.ks("imageId", ami)
	q.ki("minCount", 1)
	q.ki("maxCount", 1)
	q.close()
	q.end()
	q.close()
	q.ks("instanceType", typ)
	q.kempty("blockDeviceMapping")
	q.ko("monitoring")
	q.kb("enabled", false)
	q.close()
	q.kb("disableApiTermination", false)
	q.ks("subnetId", sub)
	q.ko("iamInstanceProfile")
	q.ks("arn", "arn:aws:iam::"+c.acct.id+":instance-profile/"+pick(c.r, c.acct.roles[roleEC2]).name)
	q.close()
	q.ko("tagSpecificationSet")
	q.ka("items")
	q.open()
	q.ks("resourceType", "instance")
	q.ka("tags")
	q.open()
	q.ks("key", "Name")
	q.ks("value", pick(c.r, []string{"api", "worker", "bastion", "batch"}))
	q.close()
	q.end()
	q.close()
	q.end()
	q.close()
	q.close()
	inst := "i-" + c.hex(17)
	p := c.respObj()
	p.ks("requestId", uuid(c.r))
	p.ks("reservationId", "r-"+c.hex(17))
	p.ks("ownerId", c.acct.id)
	p.kempty("groupSet")
	p.ko("instancesSet")
	p.ka("items")
	p.open()
	p.ks("instanceId", inst)
	p.ks("imageId", ami)
	p.ko("instanceState")
	p.ki("code", 0)
	p.ks("name", "pending")
	p.close()
	ip := "10.0." + strconv.Itoa(c.r.IntN(256)) + "." + strconv.Itoa(1+c.r.IntN(254))
	p.ks("privateDnsName", "ip-"+strings.ReplaceAll(ip, ".", "-")+".ec2.internal")
	p.ki("amiLaunchIndex", 0)
	p.kempty("productCodes")
	p.ks("instanceType", typ)
	p.ki("launchTime", c.t*1000)
	p.ko("placement")
	p.ks("availabilityZone", c.rname+"a")
	p.ks("tenancy", "default")
	p.close()
	p.ko("monitoring")
	p.ks("state", "disabled")
	p.close()
	p.ks("subnetId", sub)
	p.ks("vpcId", c.acct.vpcs[c.region])
	p.ks("privateIpAddress", ip)
	p.ko("stateReason")
	p.ks("code", "pending")
	p.ks("message", "pending")
	p.close()
	p.ks("architecture", "x86_64")
	p.ks("rootDeviceType", "ebs")
	p.ks("rootDeviceName", "/dev/xvda")
	p.kempty("blockDeviceMapping")
	p.ks("virtualizationType", "hvm")
	p.ks("hypervisor", "xen")
	p.ko("groupSet")
	p.ka("items")
	p.open()
	p.ks("groupId", sg)
	p.ks("groupName", "default")
	p.close()
	p.end()
	p.close()
	p.ks("clientToken", uuid(c.r))
	p.kb("sourceDestCheck", true)
	p.kb("ebsOptimized", false)
	p.ks("enaSupport", "true")
	p.close()
	p.end()
	p.close()
	p.close()
}

// buildSGIngress writes AuthorizeSecurityGroupIngress opening port to the
// IPv4 range cidr (and to the IPv6 range cidr6 unless empty), in
// CloudTrail's shape.
func buildSGIngress(c *evctx, group string, port int64, cidr, cidr6 string) {
	q := c.reqObj()
	q.ks("groupId", group)
	q.ko("ipPermissions")
	q.ka("items")
	q.open()
	q.ks("ipProtocol", "tcp")
	q.ki("fromPort", port)
	q.ki("toPort", port)
	q.kempty("groups")
	q.ko("ipRanges")
	q.ka("items")
	q.open()
	q.ks("cidrIp", cidr)
	q.close()
	q.end()
	q.close()
	if cidr6 != "" {
		q.ko("ipv6Ranges")
		q.ka("items")
		q.open()
		q.ks("cidrIpv6", cidr6)
		q.close()
		q.end()
		q.close()
	} else {
		q.kempty("ipv6Ranges")
	}
	q.kempty("prefixListIds")
	q.close()
	q.end()
	q.close()
	q.close()
	p := c.respObj()
	p.ks("requestId", uuid(c.r))
	p.kb("_return", true)
	p.ko("securityGroupRuleSet")
	p.ka("items")
	rule := func(k, v string) {
		p.open()
		p.ks("groupOwnerId", c.acct.id)
		p.ks("groupId", group)
		p.key("securityGroupRuleId")
		p.sep()
		p.b = append(p.b, `"sgr-`...)
		p.b = appendHex(p.b, c.r, 17)
		p.b = append(p.b, '"')
		p.comma = true
		p.kb("isEgress", false)
		p.ks("ipProtocol", "tcp")
		p.ki("fromPort", port)
		p.ki("toPort", port)
		p.ks(k, v)
		p.close()
	}
	rule("cidrIpv4", cidr)
	if cidr6 != "" {
		rule("cidrIpv6", cidr6)
	}
	p.end()
	p.close()
	p.close()
}

func buildCreateRole(c *evctx) {
	name := pick(c.r, []string{"lambda-", "ecs-", "glue-", "sagemaker-"}) + c.rnd(lowerNum, 8)
	svc := pick(c.r, []string{"lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com", "sagemaker.amazonaws.com"})
	doc := "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + svc + "\"},\"Action\":\"sts:AssumeRole\"}]}"
	q := c.reqObj()
	q.ks("roleName", name)
	q.ks("assumeRolePolicyDocument", doc)
	q.ks("description", "Created by Terraform")
	q.ki("maxSessionDuration", 3600)
	q.close()
	p := c.respObj()
	p.ko("role")
	p.ks("path", "/")
	p.ks("roleName", name)
	p.key("roleId")
	p.sep()
	p.b = append(p.b, `"AROA`...)
	p.b = appendRand(p.b, c.r, upperNum, 17)
	p.b = append(p.b, '"')
	p.comma = true
	p.ks("arn", "arn:aws:iam::"+c.acct.id+":role/"+name)
	p.ks("createDate", iamDate(c.t))
	p.ks("assumeRolePolicyDocument", urlEscape(doc))
	p.ki("maxSessionDuration", 3600)
	p.close()
	p.close()
}

// urlEscape escapes s as IAM writes policy documents in responseElements.
func urlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '.' || ch == '_' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[ch>>4])
		b.WriteByte("0123456789ABCDEF"[ch&15])
	}
	return b.String()
}
