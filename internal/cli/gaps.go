package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/gaps"
)

// GapsOptions are the settings of `trailsql gaps`.
type GapsOptions struct {
	Lake            string
	Since, Until    string
	Account, Region string
	MinHours        int
	SVG             string
	Format          string
	S3              S3Flags
}

func newGapsCmd(f *Factory) *cobra.Command { return newGapsCmdWith(f, runGaps) }

func newGapsCmdWith(f *Factory, runF func(context.Context, *Factory, *GapsOptions) error) *cobra.Command {
	opts := &GapsOptions{}
	cmd := &cobra.Command{
		Use:   "gaps [--lake DIR|s3://bucket/prefix] [--since DATE] [--until DATE] [--account ID] [--region R] [--svg FILE]",
		Short: "Find hours without CloudTrail delivery, and when trails were stopped",
		Long: `Find holes in CloudTrail delivery in the lake.

For each account and region, gaps lists the runs of hours without events or
without log files that lie between hours with both: an hour counts as
delivered when events have an eventtimestamp in it and a log file of its
account and region is named with a time in it (the lake's manifest lists
the files read; without it, events alone count). It also lists the
intervals in which a trail was stopped (StopLogging) or deleted
(DeleteTrail) until StartLogging was called again.

Quiet regions have hours without any activity: raise --min-hours to see
only longer gaps.

--svg FILE draws a heat-map of delivery by hour (columns) per account and
region (rows): green delivered, red in a gap, grey nothing, black marks
where a trail was stopped.

--since and --until take YYYY-MM-DD (--until includes that day), an RFC 3339
time, or a duration before now (36h, 7d).`,
		Example: `  trailsql gaps --lake ./lake
  trailsql gaps --account 111122223333 --region us-east-1 --since 7d --svg delivery.svg
  trailsql gaps --min-hours 3 --format json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usagef("gaps takes no arguments (see 'trailsql gaps --help')")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if opts.Format != "text" && opts.Format != "json" {
				return usagef("--format %q is not text or json", opts.Format)
			}
			if opts.MinHours < 1 {
				return usagef("--min-hours %d is not at least 1", opts.MinHours)
			}
			return runF(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	addLakeFlags(fl, &opts.Lake, &opts.S3)
	fl.StringVar(&opts.Since, "since", "", "look from this time: YYYY-MM-DD, RFC 3339 or a duration before now")
	fl.StringVar(&opts.Until, "until", "", "look up to this time (a date includes its day)")
	fl.StringVar(&opts.Account, "account", "", "only this account id")
	fl.StringVar(&opts.Region, "region", "", "only this region")
	fl.IntVar(&opts.MinHours, "min-hours", 1, "shortest gap reported, in hours")
	fl.StringVar(&opts.SVG, "svg", "", "write a heat-map of delivery by hour to this SVG file")
	fl.StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

func runGaps(ctx context.Context, f *Factory, opts *GapsOptions) error {
	gopts, err := gapsOptions(f, opts.Since, opts.Until)
	if err != nil {
		return err
	}
	gopts.Account, gopts.Region, gopts.MinHours = opts.Account, opts.Region, opts.MinHours
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Gaps(ctx, gopts)
	if err != nil {
		return err
	}
	if opts.SVG != "" {
		if err := writeFileAtomic(opts.SVG, rep.WriteSVG); err != nil {
			return fmt.Errorf("cannot write heat-map: %w", err)
		}
	}
	if opts.Format == "json" {
		return rep.WriteJSON(f.IO.Out)
	}
	return rep.WriteText(f.IO.Out)
}

// gapsOptions reads --since and --until like verify does.
func gapsOptions(f *Factory, sinceFlag, untilFlag string) (gaps.Options, error) {
	now := f.Now()
	since, err := parseVerifyTime("since", sinceFlag, now, false)
	if err != nil {
		return gaps.Options{}, err
	}
	until, err := parseVerifyTime("until", untilFlag, now, true)
	if err != nil {
		return gaps.Options{}, err
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return gaps.Options{}, usagef("--since %s is not before --until %s", sinceFlag, untilFlag)
	}
	return gaps.Options{Since: since, Until: until}, nil
}
