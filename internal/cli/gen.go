package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/gen"
)

// GenOptions are the settings of `trailsql gen`.
type GenOptions struct {
	Out      string
	Events   int64
	Accounts int
	Regions  int
	Days     int
	Seed     uint64
	Start    string // YYYY-MM-DD
	Org      string

	// Gen is the generator's configuration, made from the flags and
	// validated before the run function is called.
	Gen gen.Options
}

func newGenCmd(f *Factory) *cobra.Command { return newGenCmdWith(f, runGen) }

func newGenCmdWith(f *Factory, runF func(context.Context, *Factory, *GenOptions) error) *cobra.Command {
	opts := &GenOptions{}
	cmd := &cobra.Command{
		Use:   "gen --out DIR [--events N] [--accounts K] [--regions R] [--days D] [--seed S]",
		Short: "Write realistic CloudTrail log files (for demos, tests and benchmarks)",
		Long: `Write realistic CloudTrail log files in a trail bucket's layout:
gzip {"Records":[...]} files at
AWSLogs/<org>/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/, one per account
and region every five minutes, with Insights files under CloudTrail-Insight.

The records have the variety of real logs: every userIdentity type, role
sessions whose access keys lead back to the AssumeRole that issued them,
role chaining across accounts, management and data events, errors, console
sign-ins, Insights events and a few duplicate deliveries. A handful of
security scenarios are planted on 2019-09-30 in us-east-1 of the first
account (a security group opened to the world, a backdoor administrator, a
stopped trail, anonymous S3 reads, a console login without MFA), and from
5,000 events on, for each built-in detection rule, cases it must catch and
near misses it must not (trailsql detect finds them).

The output depends only on the flags: the same flags write the same bytes.`,
		Example: `  trailsql gen --out ./logs
  trailsql gen --out /tmp/g1m --events 1000000 --accounts 5 --regions 4
  trailsql gen --out ./single --org "" --accounts 1`,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("gen takes no arguments, got %q (see 'trailsql gen --help')", args[0])
			}
			if err := opts.configure(); err != nil {
				return err
			}
			return runF(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Out, "out", "", "folder to write the AWSLogs tree under (required)")
	fl.Int64Var(&opts.Events, "events", gen.DefaultEvents, "number of records to write, duplicates included")
	fl.IntVar(&opts.Accounts, "accounts", gen.DefaultAccounts, fmt.Sprintf("number of AWS accounts (1-%d)", gen.MaxAccounts))
	fl.IntVar(&opts.Regions, "regions", gen.DefaultRegions, fmt.Sprintf("number of regions per account (1-%d)", gen.MaxRegions))
	fl.IntVar(&opts.Days, "days", gen.DefaultDays, fmt.Sprintf("number of days (1-%d)", gen.MaxDays))
	fl.Uint64Var(&opts.Seed, "seed", gen.DefaultSeed, "seed of the data set")
	fl.StringVar(&opts.Start, "start", gen.DefaultStart, "first day, YYYY-MM-DD")
	fl.StringVar(&opts.Org, "org", gen.DefaultOrg, `organization id of the trail ("" writes AWSLogs/<account>/...)`)
	return cmd
}

// configure checks the flags and fills Gen; the problems found are
// reported together as one usage error.
func (o *GenOptions) configure() error {
	if o.Out == "" {
		return usagef("gen needs --out DIR (see 'trailsql gen --help')")
	}
	var problems []string
	// Zero means "default" to the generator; on the command line it is a
	// mistake.
	for _, c := range []struct {
		flag string
		v    *int
	}{{"accounts", &o.Accounts}, {"regions", &o.Regions}, {"days", &o.Days}} {
		if *c.v < 1 {
			problems = append(problems, fmt.Sprintf("--%s %d: must be at least 1", c.flag, *c.v))
		}
	}
	start, err := time.Parse(time.DateOnly, o.Start)
	if err != nil {
		problems = append(problems, fmt.Sprintf("--start %q is not a date (want YYYY-MM-DD)", o.Start))
	}
	o.Gen = gen.Options{
		Dir:      o.Out,
		Events:   o.Events,
		Accounts: max(o.Accounts, 1),
		Regions:  max(o.Regions, 1),
		Days:     max(o.Days, 1),
		Seed:     o.Seed,
		Start:    start,
		Org:      o.Org,
	}
	if err := o.Gen.Validate(); err != nil {
		var oe *gen.OptionsError
		if !errors.As(err, &oe) {
			return err
		}
		problems = append(problems, oe.Problems...)
	}
	if len(problems) > 0 {
		return usagef("invalid flags: %s (see 'trailsql gen --help')", strings.Join(problems, "; "))
	}
	return nil
}

func runGen(ctx context.Context, f *Factory, opts *GenOptions) error {
	began := f.Now()
	var progress func(gen.Stats)
	tty := f.IO.IsStderrTTY()
	if tty {
		var last time.Time
		progress = func(s gen.Stats) {
			if now := f.Now(); now.Sub(last) >= 250*time.Millisecond {
				last = now
				fmt.Fprintf(f.IO.ErrOut, "\r%d files, %d of %d events", s.Files, s.Events, opts.Gen.Events)
			}
		}
	}
	st, err := gen.Generate(ctx, opts.Gen, progress)
	if tty {
		fmt.Fprint(f.IO.ErrOut, "\r\033[K")
	}
	if err != nil {
		return fmt.Errorf("cannot generate logs in %s: %w", opts.Gen.Dir, err)
	}
	const mb = 1e6
	fmt.Fprintf(f.IO.Out, "wrote %d files, %d events (%d duplicates, %d Insights) to %s: %.1f MB JSON, %.1f MB gzip, %.1fs\n",
		st.Files, st.Events, st.Duplicates, st.Insights, opts.Gen.Dir,
		float64(st.JSONBytes)/mb, float64(st.GzipBytes)/mb, f.Now().Sub(began).Seconds())
	return nil
}
