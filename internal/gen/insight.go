package gen

import (
	"math/rand/v2"
	"strconv"
)

// insight is one CloudTrail Insights event pair: a Start record when an
// unusual rate of calls begins and an End record when it ends, delivered in
// separate files under CloudTrail-Insight.
type insight struct {
	acct       *account
	region     int
	start, end int64 // minute-aligned
	source     string
	name       string
	errorRate  bool   // ApiErrorRateInsight, else ApiCallRateInsight
	errorCode  string // for ApiErrorRateInsight
	principal  string // the ARN behind most of the unusual calls
	agent      string
	seed       uint64
	baseline   int64 // baseline average, in 1/10000
	rate       int64 // insight average, in 1/100
}

var insightCalls = []struct{ source, name, errorCode string }{
	{"ec2.amazonaws.com", "RunInstances", "Client.UnauthorizedOperation"},
	{"iam.amazonaws.com", "AttachUserPolicy", "AccessDenied"},
	{"s3.amazonaws.com", "PutBucketPolicy", "AccessDenied"},
	{"kms.amazonaws.com", "Decrypt", "AccessDeniedException"},
	{"ssm.amazonaws.com", "GetParameter", "ThrottlingException"},
	{"ec2.amazonaws.com", "DescribeInstances", "Client.RequestLimitExceeded"},
	{"lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", "AccessDeniedException"},
}

// newInsight plans an insight in account a and region on day.
func (w *world) newInsight(r *rand.Rand, a *account, region, day int) *insight {
	dur := int64(1 + r.IntN(60))
	startMin := int64(r.IntN(24*60 - int(dur) - 1))
	dayStart := w.start + int64(day)*86400
	call := pick(r, insightCalls)
	in := &insight{
		acct:      a,
		region:    region,
		start:     dayStart + startMin*60,
		end:       dayStart + (startMin+dur)*60,
		source:    call.source,
		name:      call.name,
		errorRate: chance(r, 250),
		errorCode: call.errorCode,
		seed:      r.Uint64(),
		baseline:  int64(1 + r.IntN(2000)),
		rate:      int64(100 + r.IntN(4000)),
	}
	if u := pick(r, a.users); chance(r, 500) {
		in.principal = "arn:aws:iam::" + a.id + ":user/" + u.name
		in.agent = w.uas[u.ua]
	} else {
		rl := pick(r, a.roles[roleEC2])
		in.principal = "arn:aws:sts::" + a.id + ":assumed-role/" + rl.name + "/" + pick(r, a.instances[region])
		in.agent = pick(r, w.uas)
	}
	return in
}

// insightRecord writes the Start (end false) or End record of in.
func (c *evctx) insightRecord(out *jw, in *insight, end bool) {
	t := in.start
	state := "Start"
	if end {
		t, state = in.end, "End"
	}
	sr := rand.New(rand.NewPCG(in.seed, mix(in.seed)))
	shared := uuid(sr)
	out.open()
	out.ks("eventVersion", "1.08")
	out.kt("eventTime", t)
	out.ks("awsRegion", c.w.regions[in.region])
	out.key("eventID")
	out.sep()
	out.b = append(out.b, '"')
	out.b = appendUUID(out.b, c.r)
	out.b = append(out.b, '"')
	out.comma = true
	out.ks("eventType", "AwsCloudTrailInsight")
	out.ks("recipientAccountId", in.acct.id)
	out.ks("sharedEventID", shared)
	out.ko("insightDetails")
	out.ks("state", state)
	out.ks("eventSource", in.source)
	out.ks("eventName", in.name)
	if in.errorRate {
		out.ks("insightType", "ApiErrorRateInsight")
		out.ks("errorCode", in.errorCode)
	} else {
		out.ks("insightType", "ApiCallRateInsight")
	}
	out.ko("insightContext")
	out.ko("statistics")
	out.ko("baseline")
	out.key("average")
	c.decimal(out, in.baseline, 10000)
	out.close()
	out.ko("insight")
	out.key("average")
	c.decimal(out, in.rate, 100)
	out.close()
	if end {
		out.ki("insightDuration", (in.end-in.start)/60)
		out.ki("baselineDuration", 10080+int64(sr.IntN(1440)))
	}
	out.close()
	out.ka("attributions")
	attr := func(name, value, baselineValue string) {
		out.open()
		out.ks("attribute", name)
		out.ka("insight")
		out.open()
		out.ks("value", value)
		out.key("average")
		c.decimal(out, in.rate, 100)
		out.close()
		out.end()
		out.ka("baseline")
		out.open()
		out.ks("value", baselineValue)
		out.key("average")
		c.decimal(out, in.baseline, 10000)
		out.close()
		out.end()
		out.close()
	}
	attr("userIdentityArn", in.principal, in.principal)
	attr("userAgent", in.agent, in.agent)
	if in.errorRate {
		attr("errorCode", in.errorCode, "null")
	} else {
		attr("errorCode", "null", "null")
	}
	out.end()
	out.close()
	out.close()
	out.ks("eventCategory", "Insight")
	out.close()
}

// decimal writes v/scale as a JSON number with as many decimals as needed.
func (c *evctx) decimal(out *jw, v, scale int64) {
	out.sep()
	out.b = strconv.AppendInt(out.b, v/scale, 10)
	out.b = append(out.b, '.')
	frac := strconv.FormatInt(v%scale+scale, 10)[1:] // zero-padded
	for len(frac) > 1 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	out.b = append(out.b, frac...)
	out.comma = true
}
