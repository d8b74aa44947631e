package protect

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3API is what Check asks of S3; *s3.Client is one.
type S3API interface {
	GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, opts ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	GetObjectLockConfiguration(ctx context.Context, in *s3.GetObjectLockConfigurationInput, opts ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error)
	GetBucketLifecycleConfiguration(ctx context.Context, in *s3.GetBucketLifecycleConfigurationInput, opts ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, opts ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// Status is the verdict of one check.
type Status string

// The verdicts. Fail and Unknown make a Report not OK.
const (
	OK      Status = "ok"
	Warn    Status = "warn"
	Fail    Status = "fail"
	Unknown Status = "unknown" // S3 would not say (access denied, ...)
)

// The checks, in the order a Report lists them.
const (
	CheckVersioning    = "versioning"
	CheckObjectLock    = "object-lock"
	CheckLifecycle     = "lifecycle"
	CheckPolicyDelete  = "policy-delete"
	CheckPolicyOverwr  = "policy-overwrite"
	CheckPolicyTLS     = "policy-tls"
	CheckDigests       = "digests"
	minRetentionInDays = 365
)

// Finding is the outcome of one check.
type Finding struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// Report is what Check found about one bucket.
type Report struct {
	Bucket   string    `json:"bucket"`
	Prefix   string    `json:"prefix,omitempty"`
	Findings []Finding `json:"findings"`
}

// OK reports whether no check failed or went unanswered.
func (r *Report) OK() bool {
	for _, f := range r.Findings {
		if f.Status == Fail || f.Status == Unknown {
			return false
		}
	}
	return true
}

// Get returns the finding of a check.
func (r *Report) Get(check string) (Finding, bool) {
	for _, f := range r.Findings {
		if f.Check == check {
			return f, true
		}
	}
	return Finding{}, false
}

func (r *Report) add(check string, s Status, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{Check: check, Status: s, Detail: fmt.Sprintf(format, args...)})
}

// CheckOptions say which bucket Check looks at.
type CheckOptions struct {
	Bucket string
	// Prefix is the trail's S3 key prefix (empty for none): logs are under
	// Prefix/AWSLogs/.
	Prefix string
	// Partition is the ARN partition (default aws).
	Partition string
}

// logsPrefix is the key prefix of the trail's objects: [Prefix/]AWSLogs/.
func (o CheckOptions) logsPrefix() string {
	p := strings.Trim(o.Prefix, "/")
	if p != "" {
		p += "/"
	}
	return p + "AWSLogs/"
}

// Check asks S3 how well a trail bucket is protected: versioning, Object
// Lock, lifecycle rules that expire log objects, what the bucket policy
// allows and denies, and whether digest files are there. Requests S3
// refuses become Unknown findings; only a cancelled ctx is an error.
func Check(ctx context.Context, api S3API, o CheckOptions) (*Report, error) {
	if o.Partition == "" {
		o.Partition = "aws"
	}
	r := &Report{Bucket: o.Bucket, Prefix: o.Prefix}
	b := aws.String(o.Bucket)

	// Versioning.
	if v, err := api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b}); err != nil {
		if err := r.unknown(ctx, CheckVersioning, err); err != nil {
			return nil, err
		}
	} else {
		switch v.Status {
		case types.BucketVersioningStatusEnabled:
			mfa := ""
			if v.MFADelete == types.MFADeleteStatusEnabled {
				mfa = ", with MFA delete"
			}
			r.add(CheckVersioning, OK, "enabled%s: deleted or overwritten logs can be recovered", mfa)
		case types.BucketVersioningStatusSuspended:
			r.add(CheckVersioning, Fail, "suspended: deleted or overwritten logs are gone for good")
		default:
			r.add(CheckVersioning, Fail, "never enabled: deleted or overwritten logs are gone for good")
		}
	}

	// Object Lock.
	if l, err := api.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b}); err != nil {
		if isCode(err, "ObjectLockConfigurationNotFoundError", "ObjectLockConfigurationNotFound") {
			r.add(CheckObjectLock, Warn, "off: anyone allowed to delete can delete logs (Object Lock can only be turned on with versioning)")
		} else if err := r.unknown(ctx, CheckObjectLock, err); err != nil {
			return nil, err
		}
	} else if c := l.ObjectLockConfiguration; c == nil || c.ObjectLockEnabled != types.ObjectLockEnabledEnabled {
		r.add(CheckObjectLock, Warn, "off")
	} else if c.Rule == nil || c.Rule.DefaultRetention == nil {
		r.add(CheckObjectLock, Warn, "enabled without a default retention: new logs are not locked")
	} else {
		d := c.Rule.DefaultRetention
		n, unit := aws.ToInt32(d.Days), "days"
		if d.Years != nil {
			n, unit = aws.ToInt32(d.Years), "years"
		}
		r.add(CheckObjectLock, OK, "enabled, %s mode, default retention %d %s", d.Mode, n, unit)
	}

	// Lifecycle.
	if lc, err := api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b}); err != nil {
		if isCode(err, "NoSuchLifecycleConfiguration") {
			r.add(CheckLifecycle, OK, "no lifecycle rules")
		} else if err := r.unknown(ctx, CheckLifecycle, err); err != nil {
			return nil, err
		}
	} else {
		checkLifecycle(r, lc.Rules, o.logsPrefix())
	}

	// Bucket policy.
	if p, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); err != nil {
		if isCode(err, "NoSuchBucketPolicy") {
			checkPolicy(r, nil, o)
		} else if err := r.unknown(ctx, CheckPolicyDelete, err); err != nil {
			return nil, err
		}
	} else {
		sts, err := ParsePolicy(aws.ToString(p.Policy))
		if err != nil {
			r.add(CheckPolicyDelete, Unknown, "%v", err)
		} else {
			checkPolicy(r, sts, o)
		}
	}

	// Digests.
	if err := checkDigests(ctx, r, api, o); err != nil {
		return nil, err
	}
	return r, nil
}

// unknown records a check that S3 would not answer; a cancelled ctx is
// returned instead.
func (r *Report) unknown(ctx context.Context, check string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("cannot check bucket: %w", ctx.Err())
	}
	r.add(check, Unknown, "cannot tell: %s", explain(err))
	return nil
}

func isCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}

func explain(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

// checkLifecycle finds enabled rules that expire objects under logs.
func checkLifecycle(r *Report, rules []types.LifecycleRule, logs string) {
	var fails, warns []string
	for _, rule := range rules {
		if rule.Status != types.ExpirationStatusEnabled || !ruleApplies(rule, logs) {
			continue
		}
		id := aws.ToString(rule.ID)
		if id == "" {
			id = "(no id)"
		}
		if e := rule.Expiration; e != nil && (e.Days != nil || e.Date != nil) {
			what := "on " + aws.ToTime(e.Date).Format("2006-01-02")
			days := int32(0)
			if e.Days != nil {
				days = *e.Days
				what = fmt.Sprintf("after %d days", days)
			}
			msg := fmt.Sprintf("rule %s expires log objects %s", id, what)
			if e.Date != nil || days < minRetentionInDays {
				fails = append(fails, msg)
			} else {
				warns = append(warns, msg)
			}
		}
		if nv := rule.NoncurrentVersionExpiration; nv != nil && nv.NoncurrentDays != nil {
			warns = append(warns, fmt.Sprintf("rule %s deletes old versions of log objects after %d days", id, *nv.NoncurrentDays))
		}
	}
	switch {
	case len(fails) > 0:
		r.add(CheckLifecycle, Fail, "%s (keep logs at least %d days)", strings.Join(append(fails, warns...), "; "), minRetentionInDays)
	case len(warns) > 0:
		r.add(CheckLifecycle, Warn, "%s", strings.Join(warns, "; "))
	default:
		r.add(CheckLifecycle, OK, "%d rules, none expires log objects", len(rules))
	}
}

// ruleApplies reports whether a lifecycle rule can reach objects under
// logs. Rules filtered by tags never reach CloudTrail's untagged logs.
func ruleApplies(rule types.LifecycleRule, logs string) bool {
	prefix := aws.ToString(rule.Prefix) //nolint:staticcheck // the deprecated top-level prefix still applies
	if f := rule.Filter; f != nil {
		if f.Tag != nil {
			return false
		}
		if f.Prefix != nil {
			prefix = *f.Prefix
		}
		if a := f.And; a != nil {
			if len(a.Tags) > 0 {
				return false
			}
			if a.Prefix != nil {
				prefix = *a.Prefix
			}
		}
	}
	return strings.HasPrefix(logs, prefix) || strings.HasPrefix(prefix, logs)
}

// checkPolicy judges a bucket policy (nil: none): does it deny deleting
// and overwriting log objects, and does it deny requests without TLS.
func checkPolicy(r *Report, sts []Statement, o CheckOptions) {
	if sts == nil {
		r.add(CheckPolicyDelete, Fail, "no bucket policy: any principal whose IAM policy allows s3:DeleteObject can delete logs")
		r.add(CheckPolicyOverwr, Fail, "no bucket policy: log objects can be overwritten")
		r.add(CheckPolicyTLS, Fail, "no bucket policy: requests without TLS are not denied")
		return
	}
	arn := "arn:" + o.Partition + ":s3:::" + o.Bucket
	sample := arn + "/" + o.logsPrefix() + "111122223333/CloudTrail/us-east-1/2024/01/01/111122223333_CloudTrail_us-east-1_20240101T0000Z_x.json.gz"

	denies := func(action string, cond func(map[string]map[string]string) bool) (bool, bool) {
		var full, partial bool
		for _, s := range sts {
			if !strings.EqualFold(s.Effect, "Deny") || !everyone(s.Principal) || !covers(strs(s.Action), action, false) || !covers(strs(s.Resource), sample, true) {
				continue
			}
			switch {
			case cond(s.Condition):
				full = true
			case !tlsOnly(s.Condition):
				partial = true
			}
		}
		return full, partial
	}
	noCond := func(c map[string]map[string]string) bool { return len(c) == 0 }
	var allowedBy []string
	for _, s := range sts {
		if strings.EqualFold(s.Effect, "Allow") && covers(strs(s.Action), "s3:DeleteObject", false) && covers(strs(s.Resource), sample, true) {
			allowedBy = append(allowedBy, principalText(s.Principal))
		}
	}
	sort.Strings(allowedBy)
	delFull, delPartial := denies("s3:DeleteObject", noCond)
	verFull, verPartial := denies("s3:DeleteObjectVersion", noCond)
	switch {
	case delFull && verFull:
		r.add(CheckPolicyDelete, OK, "denies everyone s3:DeleteObject and s3:DeleteObjectVersion on log objects")
	case len(allowedBy) > 0:
		r.add(CheckPolicyDelete, Fail, "allows %s to delete log objects, and no statement denies it to everyone", strings.Join(allowedBy, ", "))
	case delFull:
		r.add(CheckPolicyDelete, Fail, "denies s3:DeleteObject but not s3:DeleteObjectVersion on log objects: old versions can be deleted")
	case delPartial || verPartial:
		r.add(CheckPolicyDelete, Warn, "denies deleting log objects only under conditions")
	default:
		r.add(CheckPolicyDelete, Fail, "does not deny deleting log objects: any principal whose IAM policy allows s3:DeleteObject can delete logs")
	}
	putFull, putPartial := denies("s3:PutObject", func(c map[string]map[string]string) bool {
		// Denied to everyone but CloudTrail.
		for _, kv := range c {
			for k, v := range kv {
				if strings.EqualFold(k, "aws:PrincipalServiceName") && strings.Contains(v, CloudTrailService) {
					return true
				}
			}
		}
		return len(c) == 0
	})
	switch {
	case putFull:
		r.add(CheckPolicyOverwr, OK, "denies everyone but CloudTrail s3:PutObject on log objects")
	case putPartial:
		r.add(CheckPolicyOverwr, Warn, "denies s3:PutObject on log objects only under other conditions")
	default:
		r.add(CheckPolicyOverwr, Fail, "does not deny overwriting log objects (s3:PutObject by others than CloudTrail)")
	}
	tls, _ := denies("s3:GetObject", func(c map[string]map[string]string) bool {
		for op, kv := range c {
			for k, v := range kv {
				if strings.EqualFold(op, "Bool") && strings.EqualFold(k, "aws:SecureTransport") && strings.EqualFold(v, "false") {
					return true
				}
			}
		}
		return false
	})
	if tls {
		r.add(CheckPolicyTLS, OK, "denies requests without TLS (aws:SecureTransport false)")
	} else {
		r.add(CheckPolicyTLS, Fail, "does not deny requests without TLS (add a Deny on aws:SecureTransport false)")
	}
}

// tlsOnly reports whether a condition holds only for requests without TLS.
func tlsOnly(c map[string]map[string]string) bool {
	if len(c) != 1 {
		return false
	}
	for op, kv := range c {
		v, ok := kv["aws:SecureTransport"]
		return strings.EqualFold(op, "Bool") && len(kv) == 1 && ok && strings.EqualFold(v, "false")
	}
	return false
}

// everyone reports whether a principal is "*" or {"AWS": "*"}.
func everyone(p any) bool {
	switch x := p.(type) {
	case string:
		return x == "*"
	case map[string]any:
		for k, v := range x {
			if k == "AWS" && containsStr(strs(v), "*") {
				return true
			}
		}
	case map[string]string:
		return x["AWS"] == "*"
	}
	return false
}

func principalText(p any) string {
	if everyone(p) {
		return "everyone"
	}
	switch x := p.(type) {
	case map[string]any:
		var out []string
		for _, v := range x {
			out = append(out, strs(v)...)
		}
		sort.Strings(out)
		return strings.Join(out, ", ")
	}
	return fmt.Sprint(p)
}

func containsStr(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// covers reports whether one of patterns (IAM wildcards * and ?) matches s;
// actions match case-insensitively.
func covers(patterns []string, s string, caseSensitive bool) bool {
	for _, p := range patterns {
		if !caseSensitive {
			if wildMatch(strings.ToLower(p), strings.ToLower(s)) {
				return true
			}
		} else if wildMatch(p, s) {
			return true
		}
	}
	return false
}

// wildMatch matches s against p, where * is any run of characters and ? any
// one character.
func wildMatch(p, s string) bool {
	px, sx, star, mark := 0, 0, -1, 0
	for sx < len(s) {
		switch {
		case px < len(p) && (p[px] == '?' || p[px] == s[sx]):
			px++
			sx++
		case px < len(p) && p[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px, mark = star+1, mark+1
			sx = mark
		default:
			return false
		}
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

// checkDigests looks, for each account folder under the logs prefix, for
// CloudTrail/ and CloudTrail-Digest/ folders.
func checkDigests(ctx context.Context, r *Report, api S3API, o CheckOptions) error {
	top, err := folders(ctx, api, o.Bucket, o.logsPrefix())
	if err != nil {
		return r.unknown(ctx, CheckDigests, err)
	}
	var accounts []string
	for _, f := range top {
		name := strings.TrimSuffix(strings.TrimPrefix(f, o.logsPrefix()), "/")
		if strings.HasPrefix(name, "o-") {
			sub, err := folders(ctx, api, o.Bucket, f)
			if err != nil {
				return r.unknown(ctx, CheckDigests, err)
			}
			accounts = append(accounts, sub...)
			continue
		}
		accounts = append(accounts, f)
	}
	var with, without []string
	for _, a := range accounts {
		sub, err := folders(ctx, api, o.Bucket, a)
		if err != nil {
			return r.unknown(ctx, CheckDigests, err)
		}
		var logs, digests bool
		for _, s := range sub {
			switch strings.TrimSuffix(strings.TrimPrefix(s, a), "/") {
			case "CloudTrail":
				logs = true
			case "CloudTrail-Digest":
				digests = true
			}
		}
		name := strings.TrimSuffix(strings.TrimPrefix(a, o.logsPrefix()), "/")
		switch {
		case digests:
			with = append(with, name)
		case logs:
			without = append(without, name)
		}
	}
	switch {
	case len(with)+len(without) == 0:
		r.add(CheckDigests, Warn, "no CloudTrail logs or digests under s3://%s/%s", o.Bucket, o.logsPrefix())
	case len(without) > 0:
		r.add(CheckDigests, Fail, "log files without digests (log file validation off) for %s", strings.Join(without, ", "))
	default:
		r.add(CheckDigests, OK, "digests present for %s", strings.Join(with, ", "))
	}
	return nil
}

// folders lists the folders right below prefix.
func folders(ctx context.Context, api S3API, bucket, prefix string) ([]string, error) {
	var out []string
	p := s3.NewListObjectsV2Paginator(api, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list s3://%s/%s: %w", bucket, url.PathEscape(prefix), err)
		}
		for _, cp := range page.CommonPrefixes {
			out = append(out, aws.ToString(cp.Prefix))
		}
	}
	return out, nil
}
