package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/athena"
)

// AthenaDDLOptions are the settings of `trailsql athena ddl`.
type AthenaDDLOptions struct {
	Lake, Raw         string
	Dialect           string
	Catalog, Database string
	Table             string
	Accounts, Regions []string
	FirstYear         int
	S3                S3Flags
}

func newAthenaCmd(f *Factory, runF func(context.Context, *Factory, *AthenaDDLOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "athena",
		Short: "Give the lake to Amazon Athena or Trino",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for 'trailsql athena' (see 'trailsql athena --help')", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	opts := &AthenaDDLOptions{}
	ddl := &cobra.Command{
		Use:   "ddl [--lake s3://bucket/prefix] [--raw s3://bucket/[prefix/]AWSLogs/[o-org/]] [--dialect athena|trino]",
		Short: "Print the CREATE statements for Athena (Glue) or a Trino Hive catalog",
		Long: `Print the statements that give Athena (or, with --dialect trino, a Trino
Hive catalog) the same tables as trailsql's local ones:

  (a) --lake: the Parquet lake that 'trailsql sync --lake s3://...' writes,
      one folder per account and month, with partition projection on
      account, year and month (no crawler, no ALTER TABLE ADD PARTITION);
      region and day are columns of its files (run 'trailsql compact' first
      on a lake written by an older trailsql);
  (b) --raw: the CloudTrail JSON files where CloudTrail writes them, with
      partition projection over AWSLogs/[o-org/]<account>/CloudTrail/<region>/
      <yyyy>/<mm>/<dd> (an organization trail's org folder is found when
      --raw stops at AWSLogs/);
  (c) cloudtrail_logs over every account, a cloudtrail_<account> view per
      account, and logs, whose records column CROSS JOIN UNNEST queries use.

Columns come from the schema that writes the lake's files. The accounts,
regions (for --raw) and first year to project are read from the lake and
the trail bucket with a few delimited listings; --account, --region and
--first-year set them instead.`,
		Example: `  trailsql athena ddl --lake s3://analytics/trailsql
  trailsql athena ddl --raw s3://org-trail-bucket/AWSLogs/ --database security
  trailsql athena ddl --lake s3://analytics/trailsql --dialect trino --catalog hive --database security`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if opts.Lake == "" && opts.Raw == "" {
				return usagef("athena ddl needs --lake s3://... or --raw s3://.../AWSLogs/ (see 'trailsql athena ddl --help')")
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runAthenaDDL(c.Context(), f, opts)
		},
	}
	fl := ddl.Flags()
	fl.StringVar(&opts.Lake, "lake", "", "the S3 lake, s3://bucket/prefix")
	fl.StringVar(&opts.Raw, "raw", "", "the trail's AWSLogs folder, s3://bucket/[prefix/]AWSLogs/[o-org/]")
	fl.StringVar(&opts.Dialect, "dialect", "athena", "athena or trino")
	fl.StringVar(&opts.Catalog, "catalog", "", "Trino catalog to create in (with --database)")
	fl.StringVar(&opts.Database, "database", "", "database (schema) to create in (default: the session's)")
	fl.StringVar(&opts.Table, "table", "cloudtrail", "name of the lake's table")
	fl.StringSliceVar(&opts.Accounts, "account", nil, "accounts to project (default: those found)")
	fl.StringSliceVar(&opts.Regions, "region", nil, "regions to project in the --raw table (default: those found)")
	fl.IntVar(&opts.FirstYear, "first-year", 0, "first year to project (default: the first found)")
	opts.S3.addConnFlags(fl)
	cmd.AddCommand(ddl)
	return cmd
}

func runAthenaDDL(ctx context.Context, f *Factory, opts *AthenaDDLOptions) error {
	a := athena.Options{
		Dialect: athena.Dialect(opts.Dialect), Catalog: opts.Catalog, Database: opts.Database, Table: opts.Table,
		Lake: opts.Lake, Raw: opts.Raw, Accounts: opts.Accounts, Regions: opts.Regions, FirstYear: opts.FirstYear,
	}
	if opts.Lake != "" && !strings.HasPrefix(opts.Lake, "s3://") {
		return usagef("--lake %q is not in S3: Athena reads s3:// lakes (write one with 'trailsql sync --lake s3://...')", opts.Lake)
	}
	// The lake's table projects no region: region is a column of its files.
	discover := len(opts.Accounts) == 0 || (opts.Raw != "" && len(opts.Regions) == 0) || opts.FirstYear == 0
	if discover || (opts.Raw != "" && !app.RawHasOrg(opts.Raw)) {
		found, raw, err := app.DiscoverLayout(ctx, opts.S3.config(f), opts.Lake, opts.Raw)
		if err != nil {
			return err
		}
		a.Raw = raw
		if len(opts.Accounts) == 0 {
			a.Accounts = found.Accounts
		}
		if len(opts.Regions) == 0 {
			a.Regions = found.Regions
		}
		if opts.FirstYear == 0 {
			a.FirstYear = found.FirstYear
		}
	}
	if err := a.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	return athena.Write(f.IO.Out, a)
}
