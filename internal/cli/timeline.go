package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
)

// TimelineOptions are the settings of `trailsql timeline`.
type TimelineOptions struct {
	Principal, Resource, IP string
	Since, Until            string
	Account                 string
	Limit                   int
	Lake                    string
	Format                  string
	S3                      S3Flags
}

func newTimelineCmd(f *Factory, runF func(context.Context, *Factory, *TimelineOptions) error) *cobra.Command {
	opts := &TimelineOptions{}
	cmd := &cobra.Command{
		Use:   "timeline --principal X | --resource ID | --ip A [--since T] [--until T]",
		Short: "Every event of a principal, on a resource or from an address, in time order",
		Long: `Print every event touching one principal, resource or source address, in
time order, one line each: time, account, region, who, what, on what, from
where, and the outcome (OK, or the error).

--principal matches an ARN, a user name, an access key id, a role session
name or sourceIdentity, or a role; --resource any id, name or ARN in the
request, the response or the resources of an event (sg-..., i-..., a bucket);
--ip the source address.

--format text (the default) aligns the events for reading; table, csv,
json and jsonl write them with full ARNs for other tools.`,
		Example: `  trailsql timeline --principal ghost-admin
  trailsql timeline --resource sg-0ecc76ac9b16d1e14
  trailsql timeline --ip 1.2.3.4 --since 2019-09-30 --until 2019-10-01
  trailsql timeline --principal ghost-admin --format csv > ghost-admin.csv`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			n := 0
			for _, s := range []string{opts.Principal, opts.Resource, opts.IP} {
				if s != "" {
					n++
				}
			}
			if n != 1 {
				return usagef("give exactly one of --principal, --resource and --ip")
			}
			if opts.Limit < 0 {
				return usagef("--limit cannot be negative")
			}
			if err := checkTextFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runTimeline(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Principal, "principal", "", "an ARN, user name, access key id, session name or role")
	fl.StringVar(&opts.Resource, "resource", "", "a resource id, name or ARN")
	fl.StringVar(&opts.IP, "ip", "", "a source IP address")
	fl.StringVar(&opts.Since, "since", "", "only events at or after this time (RFC 3339 or YYYY-MM-DD)")
	fl.StringVar(&opts.Until, "until", "", "only events before this time (RFC 3339 or YYYY-MM-DD)")
	fl.StringVar(&opts.Account, "account", "", "only events of this account")
	fl.IntVar(&opts.Limit, "limit", 10000, "events at most")
	addLakeFlags(fl, &opts.Lake, &opts.S3)
	addTextFormatFlag(fl, &opts.Format)
	return cmd
}

func runTimeline(ctx context.Context, f *Factory, opts *TimelineOptions) error {
	tq := report.TimelineQuery{Principal: opts.Principal, Resource: opts.Resource, IP: opts.IP, Account: opts.Account, Limit: opts.Limit}
	var err error
	if tq.Since, err = flagTime("--since", opts.Since); err != nil {
		return err
	}
	if tq.Until, err = flagTime("--until", opts.Until); err != nil {
		return err
	}
	if err := tq.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	evs, err := a.Timeline(ctx, tq)
	if err != nil {
		return err
	}
	return writeTextOr(f, opts.Format, func(w io.Writer) error { return report.WriteTimeline(w, evs) }, func() *query.Result { return app.TimelineResult(evs) })
}
