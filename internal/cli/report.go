package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
)

// ReportOptions are the settings of `trailsql report list|show|run`.
type ReportOptions struct {
	// Action is list, show or run; Name the report (show, run).
	Action string
	Name   string
	Lake   string
	// Params are --param key=value pairs.
	Params  []string
	Since   string
	Until   string
	Account string
	Format  string
	Output  string
	MaxRows int
	Timeout time.Duration
	S3      S3Flags
}

// reportFormats are the formats of `report run`: the query formats and
// the incident documents (markdown, whose document replaces the query's
// markdown table, and html).
var reportFormats = func() []string {
	fs := slices.Clone(query.Formats)
	for _, f := range []string{"markdown", "html"} {
		if !slices.Contains(fs, f) {
			fs = append(fs, f)
		}
	}
	return fs
}()

func newReportCmd(f *Factory, runF func(context.Context, *Factory, *ReportOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report list | show NAME | run NAME [--param key=value ...]",
		Short: "Answer common investigation questions with built-in reports",
		Long: `Built-in investigations: each report is a SQL query (Athena's dialect)
answering one question people bring to CloudTrail logs, with a title, a
description and typed parameters that are bound, never pasted into the SQL.

  trailsql report list              the reports and their questions
  trailsql report show NAME         a report's parameters and SQL, to learn from or adapt
  trailsql report run NAME ...      run it over the lake
  trailsql report run               the reports with their parameters

--since and --until (RFC 3339 or YYYY-MM-DD) and --account narrow every
report in time and to one account, and skip the other partitions' files.
--format markdown or html writes an incident-ready document: title,
question, parameters, time range, the SQL, the results and when it was made.`,
		Example: `  trailsql report list
  trailsql report show security-group-opened-to-world
  trailsql report run security-group-opened-to-world --since 2019-09-30 --until 2019-10-01
  trailsql report run user-activity --param user=ghost-admin --format markdown -o ghost-admin.md`,
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the reports",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			opts := &ReportOptions{Action: "list"}
			return dispatchReport(c.Context(), f, opts, runF)
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a report's question, parameters and SQL",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts := &ReportOptions{Action: "show", Name: args[0]}
			return dispatchReport(c.Context(), f, opts, runF)
		},
	}
	opts := &ReportOptions{Action: "run"}
	run := &cobra.Command{
		Use:   "run [NAME] [--param key=value ...] [--since T] [--until T] [--account ID] [--format F]",
		Short: "Run a report over the lake (without NAME: list the reports and their parameters)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return dispatchReport(c.Context(), f, &ReportOptions{Action: "params"}, runF)
			}
			opts.Name = args[0]
			if opts.Format != "" && !contains(reportFormats, opts.Format) {
				return usagef("--format %q is not one of %s", opts.Format, strings.Join(reportFormats, ", "))
			}
			if opts.MaxRows < 0 {
				return usagef("--max-rows cannot be negative")
			}
			return dispatchReport(c.Context(), f, opts, runF)
		},
	}
	fl := run.Flags()
	addLakeFlags(fl, &opts.Lake, &opts.S3)
	fl.StringArrayVarP(&opts.Params, "param", "p", nil, "a report parameter, `key=value` (repeatable)")
	fl.StringVar(&opts.Since, "since", "", "only events at or after this time (RFC 3339 or YYYY-MM-DD)")
	fl.StringVar(&opts.Until, "until", "", "only events before this time (RFC 3339 or YYYY-MM-DD)")
	fl.StringVar(&opts.Account, "account", "", "only events of this account")
	fl.StringVar(&opts.Format, "format", "", "table, csv, json, jsonl, markdown or html (default: table on a terminal, else csv)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	fl.IntVar(&opts.MaxRows, "max-rows", 100, "rows a table shows (0: all)")
	fl.DurationVar(&opts.Timeout, "timeout", query.DefaultTimeout, "stop the query after this long (0: never)")
	cmd.AddCommand(list, show, run)
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dispatchReport(ctx context.Context, f *Factory, opts *ReportOptions, runF func(context.Context, *Factory, *ReportOptions) error) error {
	if runF != nil {
		return runF(ctx, f, opts)
	}
	return runReport(ctx, f, opts)
}

func runReport(ctx context.Context, f *Factory, opts *ReportOptions) error {
	lib, err := report.Load()
	if err != nil {
		return err
	}
	switch opts.Action {
	case "list":
		return listReports(f.IO.Out, lib)
	case "params":
		return listReportParams(f.IO.Out, lib)
	}
	r := lib.Lookup(opts.Name)
	if r == nil {
		return usagef("no report %q (see 'trailsql report list')", opts.Name)
	}
	if opts.Action == "show" {
		return showReport(f.IO.Out, r)
	}
	in, err := reportInputs(f, opts)
	if err != nil {
		return err
	}
	if _, _, _, err := r.Bind(in); err != nil {
		return &UsageError{Err: err}
	}
	qopts := query.Options{Timeout: opts.Timeout}
	if opts.Timeout == 0 {
		qopts.Timeout = -1
	}
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{Query: qopts})
	if err != nil {
		return err
	}
	defer a.Close()
	run, err := a.RunReport(ctx, r.Name, in)
	if err != nil {
		return err
	}
	format := opts.Format
	if format == "" {
		format = outputFormat(f, &QueryOptions{Output: opts.Output})
		switch {
		case strings.HasSuffix(opts.Output, ".md"):
			format = "markdown"
		case strings.HasSuffix(opts.Output, ".html"):
			format = "html"
		}
	}
	wopts := query.WriteOptions{Width: f.IO.TerminalWidth(), MaxRows: opts.MaxRows}
	if opts.MaxRows == 0 {
		wopts.MaxRows = -1
	}
	write := func(w io.Writer) error {
		switch format {
		case "markdown":
			return report.WriteMarkdown(w, run)
		case "html":
			return report.WriteHTML(w, run)
		}
		return query.Write(w, run.Result, format, wopts)
	}
	if opts.Output != "" {
		if err := writeFileAtomic(opts.Output, write); err != nil {
			return err
		}
	} else if err := write(f.IO.Out); err != nil {
		return err
	}
	if run.Result.Truncated {
		fmt.Fprintf(f.IO.ErrOut, "trailsql: the result was cut at %d rows; narrow the report with --since, --until or --account\n", len(run.Result.Rows))
	}
	return nil
}

// reportInputs converts the flags to report inputs; bad values are usage
// errors.
func reportInputs(f *Factory, opts *ReportOptions) (report.Inputs, error) {
	in := report.Inputs{Params: map[string]string{}, Account: opts.Account, Now: f.Now}
	for _, kv := range opts.Params {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return in, usagef("--param %q is not key=value", kv)
		}
		in.Params[k] = v
	}
	var err error
	if in.Since, err = flagTime("--since", opts.Since); err != nil {
		return in, err
	}
	if in.Until, err = flagTime("--until", opts.Until); err != nil {
		return in, err
	}
	return in, nil
}

func flagTime(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := report.ParseTime(s)
	if err != nil {
		return t, usagef("%s: %w", flag, err)
	}
	return t, nil
}

func listReports(w io.Writer, lib *report.Library) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tQUESTION")
	for _, r := range lib.Reports() {
		fmt.Fprintf(tw, "%s\t%s\n", r.Name, r.Question)
	}
	return tw.Flush()
}

// listReportParams lists the reports with the parameters each takes
// (what 'report run' without a NAME prints).
func listReportParams(w io.Writer, lib *report.Library) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPARAMETERS\tQUESTION")
	for _, r := range lib.Reports() {
		var ps []string
		for _, p := range r.Params {
			s := fmt.Sprintf("%s=%s", p.Name, strings.ToUpper(p.Type))
			if p.Required {
				s += " (required)"
			} else if p.Default != "" {
				s += fmt.Sprintf(" (default %s)", p.Default)
			}
			ps = append(ps, s)
		}
		params := strings.Join(ps, ", ")
		if params == "" {
			params = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, params, r.Question)
	}
	fmt.Fprintln(tw, "\nrun one with 'trailsql report run NAME --param key=value ...'; every report also takes --since, --until and --account")
	return tw.Flush()
}

func showReport(w io.Writer, r *report.Report) error {
	fmt.Fprintf(w, "%s — %s\n\n%s\n\n", r.Name, r.Title, r.Question)
	if r.Description != "" {
		fmt.Fprintf(w, "%s\n\n", r.Description)
	}
	fmt.Fprintln(w, "Parameters:")
	for _, p := range r.Params {
		def := "required"
		if !p.Required {
			def = fmt.Sprintf("default %q", p.Default)
		}
		fmt.Fprintf(w, "  --param %s=%s  (%s) %s\n", p.Name, strings.ToUpper(p.Type), def, p.Doc)
	}
	fmt.Fprintln(w, "  --since, --until, --account  bound as :since, :until, :since_day, :until_day, :account")
	fmt.Fprintf(w, "\nSQL (parameters are bound, never pasted in):\n\n%s\n", r.Body())
	return nil
}
