package cli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/athena"
	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
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
	if discover || (opts.Raw != "" && !rawHasOrg(opts.Raw)) {
		found, raw, err := discoverLayout(ctx, f, &opts.S3, opts.Lake, opts.Raw)
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

// rawHasOrg reports whether a raw trail URL names the organization folder.
func rawHasOrg(raw string) bool {
	parts := strings.Split(strings.TrimSuffix(raw, "/"), "/")
	return strings.HasPrefix(parts[len(parts)-1], "o-")
}

// discoverLayout reads the accounts, regions and first year of the S3
// lake and of the raw trail, and completes the raw trail's URL with its
// organization folder.
func discoverLayout(ctx context.Context, f *Factory, s3f *S3Flags, lakeURL, raw string) (mirror.Layout, string, error) {
	var all mirror.Layout
	add := func(l mirror.Layout) {
		all.Accounts = append(all.Accounts, l.Accounts...)
		all.Regions = append(all.Regions, l.Regions...)
		if l.FirstYear != 0 && (all.FirstYear == 0 || l.FirstYear < all.FirstYear) {
			all.FirstYear = l.FirstYear
		}
	}
	if lakeURL != "" {
		bucket, _, err := source.ParseS3URL(lakeURL)
		if err != nil {
			return all, raw, &UsageError{Err: err}
		}
		c, err := source.DialS3(ctx, bucket, s3f.config(f))
		if err != nil {
			return all, raw, err
		}
		l, err := mirror.Discover(ctx, c, lakeURL)
		if err != nil {
			return all, raw, err
		}
		add(l)
	}
	if raw != "" {
		src, err := source.NewS3(ctx, raw, s3f.config(f), source.S3Options{})
		if err != nil {
			return all, raw, err
		}
		places, err := src.Discover(ctx, source.Filter{})
		if err != nil {
			return all, raw, err
		}
		var orgs []string
		var logs []source.Place
		for _, p := range places {
			if p.Kind == "CloudTrail" {
				logs = append(logs, p)
				if !slices.Contains(orgs, p.Org) {
					orgs = append(orgs, p.Org)
				}
			}
		}
		switch {
		case len(orgs) > 1:
			return all, raw, usagef("%s holds the logs of several organizations (%s): name one, e.g. --raw %s%s/",
				raw, strings.Join(orgs, ", "), strings.TrimSuffix(raw, "/")+"/", orgs[0])
		case len(orgs) == 1 && orgs[0] != "" && !rawHasOrg(raw):
			raw = strings.TrimSuffix(raw, "/") + "/" + orgs[0] + "/"
		}
		l, err := placesLayout(ctx, src.Client(), logs)
		if err != nil {
			return all, raw, err
		}
		add(l)
	}
	slices.Sort(all.Accounts)
	all.Accounts = slices.Compact(all.Accounts)
	slices.Sort(all.Regions)
	all.Regions = slices.Compact(all.Regions)
	return all, raw, nil
}

// placesLayout reads the first year of each trail folder (one listing
// each).
func placesLayout(ctx context.Context, c *source.S3Client, places []source.Place) (mirror.Layout, error) {
	var l mirror.Layout
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, p := range places {
		l.Accounts = append(l.Accounts, p.Account)
		l.Regions = append(l.Regions, p.Region)
		g.Go(func() error {
			years, err := c.Folders(gctx, p.Prefix)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, y := range years {
				if n, err := strconv.Atoi(y); err == nil && (l.FirstYear == 0 || n < l.FirstYear) {
					l.FirstYear = n
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return l, fmt.Errorf("cannot read the years of the trail: %w", err)
	}
	return l, nil
}
