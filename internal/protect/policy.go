package protect

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// PolicyOptions describe the bucket a policy is for.
type PolicyOptions struct {
	// Bucket is the trail bucket's name. Required.
	Bucket string
	// TrailARN, when set, limits CloudTrail's access to that trail
	// (aws:SourceArn), against the confused-deputy problem.
	TrailARN string
	// Prefix is the trail's S3 key prefix (empty for none): logs are under
	// Prefix/AWSLogs/.
	Prefix string
	// Account, when set, limits CloudTrail's writes to AWSLogs/<Account>/.
	// Leave it empty for organization trails (AWSLogs/<org-id>/...).
	Account string
}

var (
	bucketRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	accountRE  = regexp.MustCompile(`^[0-9]{12}$`)
	trailARNRE = regexp.MustCompile(`^arn:(aws[a-z-]*):cloudtrail:[a-z0-9-]+:[0-9]{12}:trail/[A-Za-z0-9._-]{3,128}$`)
)

// Validate reports every problem of o.
func (o PolicyOptions) Validate() error {
	var errs []error
	if !bucketRE.MatchString(o.Bucket) {
		errs = append(errs, fmt.Errorf("bucket %q is not an S3 bucket name", o.Bucket))
	}
	if o.TrailARN != "" && !trailARNRE.MatchString(o.TrailARN) {
		errs = append(errs, fmt.Errorf("trail ARN %q is not arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME", o.TrailARN))
	}
	if strings.ContainsAny(o.Prefix, "*?\"") {
		errs = append(errs, fmt.Errorf("key prefix %q holds a wildcard or a quote", o.Prefix))
	}
	if o.Account != "" && !accountRE.MatchString(o.Account) {
		errs = append(errs, fmt.Errorf("account %q is not a 12-digit account id", o.Account))
	}
	return errors.Join(errs...)
}

// partition is the ARN partition (aws, aws-cn, aws-us-gov) of o's trail.
func (o PolicyOptions) partition() string {
	if m := trailARNRE.FindStringSubmatch(o.TrailARN); m != nil {
		return m[1]
	}
	return "aws"
}

// Statement is one statement of a bucket policy.
type Statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal"`
	Action    any                          `json:"Action"`
	Resource  any                          `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// Document is a bucket policy.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// CloudTrailService is the service principal CloudTrail delivers logs as.
const CloudTrailService = "cloudtrail.amazonaws.com"

// Policy returns the bucket policy of o, indented JSON ending in a newline:
//
//   - CloudTrail (the service principal, limited to the trail by
//     aws:SourceArn when o.TrailARN is set) may GetBucketAcl and PutObject
//     under AWSLogs/ with the bucket-owner-full-control ACL;
//   - nobody may DeleteObject or DeleteObjectVersion under AWSLogs/;
//   - nobody but CloudTrail may PutObject under AWSLogs/ (no overwrites);
//   - every request without TLS is denied.
func Policy(o PolicyOptions) ([]byte, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("cannot write policy: %w", err)
	}
	arn := "arn:" + o.partition() + ":s3:::" + o.Bucket
	base := arn + "/" + CheckOptions{Prefix: o.Prefix}.logsPrefix()
	logs := base + "*"
	write := logs
	if o.Account != "" {
		write = base + o.Account + "/*"
	}
	service := map[string]string{"Service": CloudTrailService}
	var source map[string]string
	if o.TrailARN != "" {
		source = map[string]string{"aws:SourceArn": o.TrailARN}
	}
	withSource := func(cond map[string]map[string]string) map[string]map[string]string {
		if source == nil {
			return cond
		}
		if cond == nil {
			cond = map[string]map[string]string{}
		}
		eq := cond["StringEquals"]
		if eq == nil {
			eq = map[string]string{}
		}
		for k, v := range source {
			eq[k] = v
		}
		cond["StringEquals"] = eq
		return cond
	}
	doc := Document{Version: "2012-10-17", Statement: []Statement{
		{Sid: "AWSCloudTrailAclCheck", Effect: "Allow", Principal: service, Action: "s3:GetBucketAcl", Resource: arn,
			Condition: withSource(nil)},
		{Sid: "AWSCloudTrailWrite", Effect: "Allow", Principal: service, Action: "s3:PutObject", Resource: write,
			Condition: withSource(map[string]map[string]string{"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}})},
		{Sid: "DenyLogDeletion", Effect: "Deny", Principal: "*", Action: []string{"s3:DeleteObject", "s3:DeleteObjectVersion"}, Resource: logs},
		{Sid: "DenyLogOverwriteExceptCloudTrail", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: logs,
			Condition: map[string]map[string]string{"StringNotEquals": {"aws:PrincipalServiceName": CloudTrailService}}},
		{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: []string{arn, arn + "/*"},
			Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}}},
	}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("BUG: cannot encode policy: %w", err)
	}
	return append(b, '\n'), nil
}

// ParsePolicy reads a bucket policy, accepting the single-value forms IAM
// allows (a Statement object, a string Action, Resource or Principal).
func ParsePolicy(text string) ([]Statement, error) {
	var raw struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("cannot read bucket policy: %w", err)
	}
	var sts []rawStatement
	if t := strings.TrimSpace(string(raw.Statement)); strings.HasPrefix(t, "{") {
		var one rawStatement
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("cannot read bucket policy statement: %w", err)
		}
		sts = append(sts, one)
	} else if err := json.Unmarshal(raw.Statement, &sts); err != nil {
		return nil, fmt.Errorf("cannot read bucket policy statements: %w", err)
	}
	out := make([]Statement, len(sts))
	for i, s := range sts {
		out[i] = Statement{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal, Action: s.Action, Resource: s.Resource}
		if len(s.Condition) > 0 {
			out[i].Condition = map[string]map[string]string{}
			for op, kv := range s.Condition {
				m := map[string]string{}
				for k, v := range kv {
					m[k] = strings.Join(strs(v), ",")
				}
				out[i].Condition[op] = m
			}
		}
		if s.NotAction != nil || s.NotPrincipal != nil || s.NotResource != nil {
			out[i].Condition = mergeCond(out[i].Condition, "Not", "present")
		}
	}
	return out, nil
}

type rawStatement struct {
	Sid          string                    `json:"Sid"`
	Effect       string                    `json:"Effect"`
	Principal    any                       `json:"Principal"`
	NotPrincipal any                       `json:"NotPrincipal"`
	Action       any                       `json:"Action"`
	NotAction    any                       `json:"NotAction"`
	Resource     any                       `json:"Resource"`
	NotResource  any                       `json:"NotResource"`
	Condition    map[string]map[string]any `json:"Condition"`
}

func mergeCond(c map[string]map[string]string, op, v string) map[string]map[string]string {
	if c == nil {
		c = map[string]map[string]string{}
	}
	c[op] = map[string]string{op: v}
	return c
}

// strs returns the strings of a JSON string or array of strings.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return x
	case bool:
		return []string{fmt.Sprint(x)}
	}
	return nil
}
