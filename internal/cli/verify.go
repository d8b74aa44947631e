package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/integrity"
)

// VerifyOptions are the settings of `trailsql verify`.
type VerifyOptions struct {
	Source          string
	Since, Until    string
	Account, Region string
	PublicKeys      []string
	Format          string
	// S3 says how to reach an s3:// SOURCE.
	S3 S3Flags
}

func newVerifyCmd(f *Factory) *cobra.Command { return newVerifyCmdWith(f, runVerify) }

func newVerifyCmdWith(f *Factory, runF func(context.Context, *Factory, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify SOURCE [--since DATE] [--until DATE] [--account ID] [--region R] [--public-keys FILE] [--format text|json] [--profile P] [--endpoint-url URL]",
		Short: "Check CloudTrail log file integrity offline, from digest files",
		Long: `Check the integrity of CloudTrail log files offline, from the digest files
that CloudTrail writes when log file validation is on.

SOURCE is a trail bucket, s3://bucket[/prefix], or a local copy of one: a
folder holding AWSLogs/[o-org/]<account>/CloudTrail/... and
CloudTrail-Digest/.... In S3, verify lists only the accounts and regions
selected, the digest folders whole and the log folders for the days in
range, and streams each digest and log file it checks; a digest's signature
is its x-amz-meta-signature. Credentials, region and endpoint come from
--profile and --endpoint-url, else the AWS environment and shared config.

For every digest in range, verify checks its RSA signature with the public
key it names, that it sits at the key it names, its link to the previous
digest of its trail (hash, signature, times), and the SHA-256 of every log
file it lists. Log files that no digest lists are reported as uncovered.
A chain that starts again after validation was re-enabled is a restart, not
a failure.

Public keys (--public-keys, repeatable): the JSON that
'aws cloudtrail list-public-keys --region R --start-time T' prints, or PEM
or DER public keys.

Signatures of a local copy: S3 keeps a digest's signature in its metadata,
which a copy loses. Put it next to the digest as <digest file name>.sig,
holding what 'aws s3api head-object --bucket B --key K --query Metadata.signature' prints,
or as <digest file name>.metadata.json holding the Metadata map. A digest
without one is checked with the signature the next digest records; with
neither it is reported as unsigned.

--since and --until take YYYY-MM-DD (--until includes that day), an RFC 3339
time, or a duration before now (36h, 7d).

Exit status: 0 when everything verified, 1 when anything failed or could
not be verified, 2 on bad usage.`,
		Example: `  aws cloudtrail list-public-keys --region us-east-1 --start-time 2024-05-01 > keys.json
  trailsql verify s3://my-trail-bucket --public-keys keys.json --region us-east-1 --since 7d
  trailsql verify ./my-trail-bucket-copy --public-keys keys.json
  trailsql verify ./copy --public-keys keys.json --account 111122223333 --region us-east-1 --since 7d
  trailsql verify ./copy --public-keys keys.json --format json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("verify needs one SOURCE (see 'trailsql verify --help')")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Source = args[0]
			if opts.Format != "text" && opts.Format != "json" {
				return usagef("--format %q is not text or json", opts.Format)
			}
			return runF(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Since, "since", "", "verify from this time: YYYY-MM-DD, RFC 3339 or a duration before now")
	fl.StringVar(&opts.Until, "until", "", "verify up to this time (a date includes its day)")
	fl.StringVar(&opts.Account, "account", "", "verify only this account id")
	fl.StringVar(&opts.Region, "region", "", "verify only this region")
	fl.StringArrayVar(&opts.PublicKeys, "public-keys", nil, "file of CloudTrail public keys: list-public-keys JSON, PEM or DER (repeatable)")
	fl.StringVar(&opts.Format, "format", "text", "output format: text or json")
	opts.S3.addConnFlags(fl)
	return cmd
}

func runVerify(ctx context.Context, f *Factory, opts *VerifyOptions) error {
	now := f.Now()
	since, err := parseVerifyTime("since", opts.Since, now, false)
	if err != nil {
		return err
	}
	until, err := parseVerifyTime("until", opts.Until, now, true)
	if err != nil {
		return err
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return usagef("--since %s is not before --until %s", opts.Since, opts.Until)
	}
	keys := integrity.NewKeySet()
	for _, p := range opts.PublicKeys {
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("cannot read public keys: %w", err)
		}
		ks, err := integrity.ParsePublicKeys(data)
		if err != nil {
			return fmt.Errorf("cannot read public keys %s: %w", p, err)
		}
		keys.Add(ks...)
	}
	rep, err := app.Verify(ctx, app.VerifyOptions{
		Source: opts.Source, Since: since, Until: until, Account: opts.Account, Region: opts.Region,
		Keys: keys, S3: opts.S3.config(f), Now: f.Now,
	})
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		err = rep.WriteJSON(f.IO.Out)
	} else {
		err = rep.WriteText(f.IO.Out)
	}
	if err != nil {
		return err
	}
	writeVerifyHints(f, rep, keys.Len(), strings.HasPrefix(opts.Source, "s3://"))
	if !rep.OK {
		return fmt.Errorf("cannot verify %s: %w (%d problems)", opts.Source, integrity.ErrVerificationFailed, rep.Problems)
	}
	return nil
}

// writeVerifyHints says, on the error stream, how to make unsigned digests
// verifiable. Sidecar signatures are only a remedy for local copies.
func writeVerifyHints(f *Factory, rep *integrity.Report, nkeys int, inS3 bool) {
	var noKey, noSig bool
	for _, g := range rep.Groups {
		for _, fd := range g.Findings {
			noKey = noKey || errors.Is(fd.Err, integrity.ErrUnknownKey)
			noSig = noSig || errors.Is(fd.Err, integrity.ErrNoSignature)
		}
	}
	if noKey {
		if nkeys == 0 {
			fmt.Fprintln(f.IO.ErrOut, "hint: no --public-keys given; save the keys of each region with 'aws cloudtrail list-public-keys --region R --start-time T > keys.json'")
		} else {
			fmt.Fprintln(f.IO.ErrOut, "hint: some digests name keys that --public-keys does not hold; list the keys of their regions and times with 'aws cloudtrail list-public-keys'")
		}
	}
	if noSig && !inS3 {
		fmt.Fprintln(f.IO.ErrOut, "hint: save a digest's signature next to it: 'aws s3api head-object --bucket B --key KEY --query Metadata.signature > KEY.sig'")
	}
}

// parseVerifyTime reads --since or --until: a date (for --until, the end of
// that day), an RFC 3339 time, or a duration before now with h, m, s or d
// units.
func parseVerifyTime(flag, v string, now time.Time, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n).UTC(), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, usagef("--%s %q is not a date (YYYY-MM-DD), an RFC 3339 time or a duration (36h, 7d)", flag, v)
}
