package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/tampering"
)

// TamperingOptions are the settings of `trailsql tampering`.
type TamperingOptions struct {
	Lake         string
	Since, Until string
	Account      string
	Buckets      []string
	Format       string
	FailOnFind   bool
	S3           S3Flags
}

func newTamperingCmd(f *Factory) *cobra.Command { return newTamperingCmdWith(f, runTampering) }

func newTamperingCmdWith(f *Factory, runF func(context.Context, *Factory, *TamperingOptions) error) *cobra.Command {
	opts := &TamperingOptions{}
	cmd := &cobra.Command{
		Use:   "tampering [--lake DIR|s3://bucket/prefix] [--since DATE] [--until DATE] [--account ID] [--bucket B]",
		Short: "List events that weaken CloudTrail logging",
		Long: `List the successful calls in the lake that weaken CloudTrail logging:

  cloudtrail  StopLogging; DeleteTrail; StopEventDataStoreIngestion;
              DeleteEventDataStore; UpdateTrail that sets the delivery
              bucket or key prefix, or turns off log file validation,
              multi-region logging or global service events;
              PutEventSelectors that turns off management events, keeps
              only read or write events or excludes event sources;
              PutInsightSelectors that turns Insights off or down
  s3          DeleteObject(s) of CloudTrail keys (AWSLogs/.../CloudTrail*);
              on a trail bucket: PutBucketLifecycle, PutBucketPolicy,
              DeleteBucketPolicy, PutBucketVersioning that suspends
              versioning or MFA delete

A bucket is a trail bucket when a CreateTrail or UpdateTrail in the lake
names it, when requests in the lake reach its AWSLogs/<account>/CloudTrail*
keys, when the policy put on it names cloudtrail.amazonaws.com, or when
--bucket names it. S3 object deletions appear only when the trail logs S3
data events.

Each row says why (reason) and how bad (severity: high or medium).

--since and --until take YYYY-MM-DD (--until includes that day), an RFC 3339
time, or a duration before now (36h, 7d).`,
		Example: `  trailsql tampering --lake ./lake
  trailsql tampering --since 30d --account 111122223333 --bucket my-trail-bucket
  trailsql tampering --format json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usagef("tampering takes no arguments (see 'trailsql tampering --help')")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if opts.Format == "" {
				opts.Format = "csv"
				if f.IO.IsStdoutTTY() {
					opts.Format = "table"
				}
			}
			if !slices.Contains(query.Formats, opts.Format) {
				return usagef("--format %q is not one of %v", opts.Format, query.Formats)
			}
			return runF(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	addLakeFlags(fl, &opts.Lake, &opts.S3)
	fl.StringVar(&opts.Since, "since", "", "events from this time: YYYY-MM-DD, RFC 3339 or a duration before now")
	fl.StringVar(&opts.Until, "until", "", "events up to this time (a date includes its day)")
	fl.StringVar(&opts.Account, "account", "", "only this account id")
	fl.StringArrayVar(&opts.Buckets, "bucket", nil, "a trail bucket the lake may not know of (repeatable)")
	fl.StringVar(&opts.Format, "format", "", "output format: table, csv, json, jsonl or markdown (default table on a terminal, else csv)")
	fl.BoolVar(&opts.FailOnFind, "fail", false, "exit with status 1 when any event is found")
	return cmd
}

func runTampering(ctx context.Context, f *Factory, opts *TamperingOptions) error {
	g, err := gapsOptions(f, opts.Since, opts.Until)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Tampering(ctx, tampering.Options{Since: g.Since, Until: g.Until, Account: opts.Account, Buckets: opts.Buckets})
	if err != nil {
		return err
	}
	if err := query.Write(f.IO.Out, res, opts.Format, query.WriteOptions{Width: f.IO.TerminalWidth(), MaxRows: -1}); err != nil {
		return err
	}
	if opts.FailOnFind && len(res.Rows) > 0 {
		return fmt.Errorf("found %d events that weaken logging", len(res.Rows))
	}
	return nil
}
