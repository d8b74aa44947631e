package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/protect"
	"github.com/trailsql/trailsql/internal/source"
)

// ProtectPolicyOptions are the settings of `trailsql protect policy`.
type ProtectPolicyOptions struct {
	Policy protect.PolicyOptions
}

// ProtectCheckOptions are the settings of `trailsql protect check`.
type ProtectCheckOptions struct {
	Check  protect.CheckOptions
	S3     S3Flags
	Format string
}

func newProtectCmd(f *Factory) *cobra.Command {
	return newProtectCmdWith(f, runProtectPolicy, runProtectCheck)
}

func newProtectCmdWith(f *Factory, policyF func(context.Context, *Factory, *ProtectPolicyOptions) error,
	checkF func(context.Context, *Factory, *ProtectCheckOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "protect",
		Short: "Write and check the protection of a CloudTrail bucket",
		Long: `Protect the bucket that CloudTrail delivers to.

  protect policy  prints a bucket policy that lets CloudTrail write logs,
                  denies everyone else deleting or overwriting them, and
                  denies requests without TLS
  protect check   asks S3 how well a bucket is protected`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown protect command %q (see 'trailsql protect --help')", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(newProtectPolicyCmd(f, policyF), newProtectCheckCmd(f, checkF))
	return cmd
}

func newProtectPolicyCmd(f *Factory, runF func(context.Context, *Factory, *ProtectPolicyOptions) error) *cobra.Command {
	opts := &ProtectPolicyOptions{}
	cmd := &cobra.Command{
		Use:   "policy --bucket B [--trail-arn ARN] [--account ID] [--prefix P]",
		Short: "Print a bucket policy that protects CloudTrail logs",
		Long: `Print a bucket policy (JSON) for a CloudTrail bucket:

  - CloudTrail (cloudtrail.amazonaws.com) may s3:GetBucketAcl on the bucket
    and s3:PutObject under AWSLogs/ (AWSLogs/<account>/ with --account) with
    the bucket-owner-full-control ACL; with --trail-arn only for that trail
    (aws:SourceArn);
  - nobody may s3:DeleteObject or s3:DeleteObjectVersion under AWSLogs/;
  - nobody but CloudTrail (aws:PrincipalServiceName) may s3:PutObject
    under AWSLogs/, so that logs cannot be overwritten;
  - every request without TLS (aws:SecureTransport false) is denied.

The bucket's owner can still change or delete the policy itself: watch for
PutBucketPolicy and DeleteBucketPolicy ('trailsql tampering'), and use
versioning and Object Lock ('trailsql protect check'). Lifecycle rules
still expire objects: a Deny does not stop S3's own lifecycle.`,
		Example: `  trailsql protect policy --bucket my-trail-bucket --account 111122223333 \
    --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/management > policy.json
  aws s3api put-bucket-policy --bucket my-trail-bucket --policy file://policy.json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usagef("protect policy takes no arguments (see 'trailsql protect policy --help')")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.Policy.Validate(); err != nil {
				return &UsageError{Err: err}
			}
			return runF(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Policy.Bucket, "bucket", "", "the trail bucket (required)")
	fl.StringVar(&opts.Policy.TrailARN, "trail-arn", "", "let only this trail write (aws:SourceArn)")
	fl.StringVar(&opts.Policy.Prefix, "prefix", "", "the trail's S3 key prefix, if any (logs under PREFIX/AWSLogs/)")
	fl.StringVar(&opts.Policy.Account, "account", "", "let CloudTrail write only under AWSLogs/ID/ (not for organization trails)")
	return cmd
}

func runProtectPolicy(ctx context.Context, f *Factory, opts *ProtectPolicyOptions) error {
	b, err := protect.Policy(opts.Policy)
	if err != nil {
		return err
	}
	_, err = f.IO.Out.Write(b)
	return err
}

func newProtectCheckCmd(f *Factory, runF func(context.Context, *Factory, *ProtectCheckOptions) error) *cobra.Command {
	opts := &ProtectCheckOptions{}
	cmd := &cobra.Command{
		Use:   "check --bucket B [--prefix P] [--endpoint-url URL] [--profile P] [--format text|json]",
		Short: "Check how well a CloudTrail bucket is protected",
		Long: `Ask S3 how well a CloudTrail bucket is protected, and say for each check
ok, warn, fail or unknown (S3 refused to say):

  versioning        enabled, so that deleted or overwritten logs come back
  object-lock       on, with a default retention
  lifecycle         no enabled rule expires objects under AWSLogs/ (rules
                    keeping logs at least 365 days only warn)
  policy-delete     the bucket policy denies everyone s3:DeleteObject and
                    s3:DeleteObjectVersion on log objects
  policy-overwrite  it denies s3:PutObject on log objects to all but CloudTrail
  policy-tls        it denies requests without TLS
  digests           every account folder with logs has CloudTrail-Digest/
                    (log file validation is on)

'trailsql protect policy' writes a policy that passes the policy checks.
The caller needs s3:GetBucketVersioning, s3:GetBucketObjectLockConfiguration,
s3:GetLifecycleConfiguration, s3:GetBucketPolicy and s3:ListBucket.

Exit status: 0 when nothing failed, 1 when a check failed or could not be
answered, 2 on bad usage.`,
		Example: `  trailsql protect check --bucket my-trail-bucket --profile audit
  trailsql protect check --bucket logs --prefix cloudtrail --endpoint-url http://127.0.0.1:9000`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usagef("protect check takes no arguments (see 'trailsql protect check --help')")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := (protect.PolicyOptions{Bucket: opts.Check.Bucket}).Validate(); err != nil {
				return &UsageError{Err: err}
			}
			if opts.Format != "text" && opts.Format != "json" {
				return usagef("--format %q is not text or json", opts.Format)
			}
			return runF(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Check.Bucket, "bucket", "", "the trail bucket (required)")
	fl.StringVar(&opts.Check.Prefix, "prefix", "", "the trail's S3 key prefix, if any (logs under PREFIX/AWSLogs/)")
	fl.StringVar(&opts.Format, "format", "text", "output format: text or json")
	opts.S3.addConnFlags(fl)
	return cmd
}

func runProtectCheck(ctx context.Context, f *Factory, opts *ProtectCheckOptions) error {
	c, err := source.DialS3(ctx, opts.Check.Bucket, opts.S3.config(f))
	if err != nil {
		return fmt.Errorf("cannot check s3://%s: %w", opts.Check.Bucket, err)
	}
	rep, err := protect.Check(ctx, c.API, opts.Check)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(f.IO.Out, "s3://%s/%s\n", rep.Bucket, opts.Check.Prefix)
		tw := tabwriter.NewWriter(f.IO.Out, 0, 0, 2, ' ', 0)
		for _, fd := range rep.Findings {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", fd.Status, fd.Check, fd.Detail)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if !rep.OK() {
		return fmt.Errorf("s3://%s is not fully protected", rep.Bucket)
	}
	return nil
}
