package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/sigma"
)

// DetectOptions are the settings of `trailsql detect` and `detect list`.
type DetectOptions struct {
	// Rules are rule files and folders (Sigma YAML); none: the built-in
	// pack.
	Rules []string
	// Since and Until bound the events (RFC 3339 or YYYY-MM-DD).
	Since, Until string
	// Accounts and Regions keep those accounts' and regions' events.
	Accounts, Regions []string
	Format            string
	Lake              string
	// NoStore leaves the findings out of the lake.
	NoStore bool
	// List lists the rules instead of running them.
	List bool
	S3   S3Flags
}

// detectFormats are detect's output formats: the query formats (markdown
// among them).
func detectFormats() []string { return query.Formats }

func newDetectCmd(f *Factory, runF func(context.Context, *Factory, *DetectOptions) error) *cobra.Command {
	opts := &DetectOptions{}
	check := func() error {
		if opts.Format != "" && !slices.Contains(detectFormats(), opts.Format) {
			return usagef("--format %q is not one of %s", opts.Format, strings.Join(detectFormats(), ", "))
		}
		return nil
	}
	run := func(c *cobra.Command) error {
		if err := check(); err != nil {
			return err
		}
		if runF != nil {
			return runF(c.Context(), f, opts)
		}
		if opts.List {
			return runDetectList(f, opts)
		}
		return runDetect(c.Context(), f, opts)
	}
	cmd := &cobra.Command{
		Use:   "detect [--rules DIR|FILE]... [--since T] [--until T] [--account ID]... [--region R]... [--format table|csv|json|jsonl|markdown]",
		Short: "Run Sigma detection rules over the lake and keep what they find",
		Long: `Evaluate Sigma rules (https://sigmahq.io) over the lake's events, print the
findings, and store the new ones in the lake (<lake>/_trailsql/findings/),
where the findings table shows them:
  trailsql query "SELECT rule_id, title, first, principal FROM findings"

Rules come from --rules (rule files, or folders walked for *.yml and *.yaml,
e.g. a checkout of SigmaHQ's rules/cloud/aws/cloudtrail) or, without
--rules, from the built-in pack. Each rule is compiled to SQL over the
cloudtrail table; a rule that uses a feature the compiler does not support
is named on standard error with that feature and is not run (see
'trailsql detect list').

A plain rule gives one finding per matching event; a correlation rule
(event_count, value_count, temporal, temporal_ordered, or the old
'| count() by ...' form) one per group and window. Windows are aligned to
the epoch; with --since, a correlation reads from the start of the window
that holds it. Each finding has a key (rule, group, window): running again
over the same events stores nothing new.`,
		Example: `  trailsql detect --rules ~/sigma/rules/cloud/aws/cloudtrail
  trailsql detect --since 2024-03-01 --until 2024-03-02 --format json
  trailsql detect list --rules ./my-rules`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error { return run(c) },
	}
	list := &cobra.Command{
		Use:   "list [--rules DIR|FILE]... [--format ...]",
		Short: "List the rules with their level and MITRE tags, and whether each compiles",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			opts.List = true
			return run(c)
		},
	}
	for _, c := range []*cobra.Command{cmd, list} {
		c.Flags().StringArrayVar(&opts.Rules, "rules", nil, "Sigma rule `FILE` or folder (repeatable; default: the built-in pack)")
		c.Flags().StringVar(&opts.Format, "format", "", "output format: "+strings.Join(detectFormats(), ", ")+" (default: table on a terminal, else csv)")
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Lake, "lake", "", "lake folder or s3://bucket/prefix (default $TRAILSQL_LAKE or ./trailsql-lake)")
	fl.StringVar(&opts.Since, "since", "", "only events at or after this time (RFC 3339 or YYYY-MM-DD)")
	fl.StringVar(&opts.Until, "until", "", "only events before this time (RFC 3339 or YYYY-MM-DD)")
	fl.StringArrayVar(&opts.Accounts, "account", nil, "only this account's events (repeatable)")
	fl.StringArrayVar(&opts.Regions, "region", nil, "only this region's events (repeatable)")
	fl.BoolVar(&opts.NoStore, "no-store", false, "print the findings without storing them in the lake")
	opts.S3.addFlags(fl)
	cmd.AddCommand(list)
	return cmd
}

// loadDetectRules reads the rules of the options: the files and folders
// given, else the built-in pack.
func loadDetectRules(opts *DetectOptions) ([]*sigma.Rule, error) {
	if len(opts.Rules) == 0 {
		return packRules()
	}
	rules, err := sigma.Load(opts.Rules...)
	if err != nil {
		return nil, &UsageError{Err: fmt.Errorf("cannot read the rules: %w", err)}
	}
	if len(rules) == 0 {
		return nil, usagef("no rules in %s", strings.Join(opts.Rules, ", "))
	}
	return rules, nil
}

// packRules are the rules of the built-in pack.
func packRules() ([]*sigma.Rule, error) { return pack.Rules() }

func runDetect(ctx context.Context, f *Factory, opts *DetectOptions) error {
	var r detect.Range
	var err error
	if r.Since, err = flagTime("--since", opts.Since); err != nil {
		return err
	}
	if r.Until, err = flagTime("--until", opts.Until); err != nil {
		return err
	}
	if !r.Since.IsZero() && !r.Until.IsZero() && !r.Since.Before(r.Until) {
		return usagef("--since must be before --until")
	}
	r.Accounts, r.Regions = opts.Accounts, opts.Regions
	all, err := loadDetectRules(opts)
	if err != nil {
		return err
	}
	rules, cerr := detect.Compile(all)
	reportCompileErrors(f.IO.ErrOut, cerr)
	if len(rules) == 0 {
		return errors.New("no rule compiles")
	}
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{Query: query.Options{MaxRows: -1}})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	found, err := detect.Run(ctx, a, rules, r)
	if err != nil {
		return err
	}
	took := time.Since(start)
	isNew := map[string]bool{}
	stored := "not stored (--no-store)"
	switch {
	case opts.NoStore:
	case app.IsS3(a.Name()):
		stored = "not stored (the lake is on S3; findings are stored in local lakes only)"
	default:
		added, err := detect.OpenStore(a.Dir(), f.Now).Add(ctx, found)
		if err != nil {
			return err
		}
		for _, fd := range added {
			isNew[fd.Key] = true
		}
		stored = fmt.Sprintf("%d new, stored in %s", len(added), detect.OpenStore(a.Dir(), nil).Dir())
	}
	fmt.Fprintf(f.IO.ErrOut, "%d rules, %d findings (%s) in %s\n", len(rules), len(found), stored, took.Round(time.Millisecond))
	return writeDetect(f, opts, findingsResult(found, isNew, !opts.NoStore && !app.IsS3(a.Name())))
}

// reportCompileErrors names, one line each, the rules that do not
// compile and why.
func reportCompileErrors(w io.Writer, err error) {
	for _, e := range ruleErrors(err) {
		fmt.Fprintf(w, "rule not run: %v\n", e)
	}
}

// ruleErrors unpacks Compile's joined error.
func ruleErrors(err error) []*detect.RuleError {
	var out []*detect.RuleError
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var re *detect.RuleError
			if errors.As(e, &re) {
				out = append(out, re)
			}
		}
	}
	return out
}

// findingsResult is the findings as a table; the column new says which
// were stored by this run (when they were stored).
func findingsResult(fs []detect.Finding, isNew map[string]bool, withNew bool) *query.Result {
	cols := []string{"level", "rule_id", "title", "first", "last", "account", "region", "principal", "source_ip", "events", "grp", "tactics", "techniques", "event_ids", "key"}
	types := map[string]string{"first": "TIMESTAMP WITH TIME ZONE", "last": "TIMESTAMP WITH TIME ZONE", "events": "BIGINT", "new": "BOOLEAN"}
	if withNew {
		cols = append(cols, "new")
	}
	res := &query.Result{}
	for _, c := range cols {
		t := types[c]
		if t == "" {
			t = "VARCHAR"
		}
		res.Columns = append(res.Columns, query.Column{Name: c, Type: t, Athena: strings.ToLower(t)})
	}
	for _, fd := range fs {
		row := []any{fd.Level, fd.RuleID, fd.Title, fd.First, fd.Last, fd.Account, fd.Region, nullable(fd.Principal), nullable(fd.SourceIP),
			fd.Events, nullable(fd.Group), strings.Join(fd.Tactics, " "), strings.Join(fd.Techniques, " "), strings.Join(fd.EventIDs, " "), fd.Key}
		if withNew {
			row = append(row, isNew[fd.Key])
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// detectFormat is the format asked for, else table on a terminal and csv
// otherwise.
func detectFormat(f *Factory, opts *DetectOptions) string {
	switch {
	case opts.Format != "":
		return opts.Format
	case f.IO.IsStdoutTTY():
		return "table"
	}
	return "csv"
}

// writeDetect prints a result in the options' format.
func writeDetect(f *Factory, opts *DetectOptions, res *query.Result) error {
	format := detectFormat(f, opts)
	if format == "markdown" {
		return writeMarkdown(f.IO.Out, res)
	}
	return query.Write(f.IO.Out, res, format, query.WriteOptions{Width: f.IO.TerminalWidth(), MaxRows: -1})
}

// writeMarkdown prints a result as a Markdown (GitHub) table.
func writeMarkdown(w io.Writer, res *query.Result) error {
	cell := func(v any) string {
		var s string
		switch x := v.(type) {
		case nil:
			s = ""
		case time.Time:
			s = x.UTC().Format(time.RFC3339)
		default:
			s = fmt.Sprint(x)
		}
		s = strings.ReplaceAll(s, "|", `\|`)
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	names := make([]string, len(res.Columns))
	seps := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		names[i], seps[i] = c.Name, "---"
	}
	b.WriteString("| " + strings.Join(names, " | ") + " |\n")
	b.WriteString("| " + strings.Join(seps, " | ") + " |\n")
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = cell(v)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// runDetectList lists the rules: id, title, level, MITRE tags, kind and
// whether each compiles (with the reason when it does not).
func runDetectList(f *Factory, opts *DetectOptions) error {
	all, err := loadDetectRules(opts)
	if err != nil {
		return err
	}
	compiled, cerr := detect.Compile(all)
	ok := map[*sigma.Rule]*detect.Rule{}
	for _, r := range compiled {
		ok[r.Sigma] = r
	}
	reasons := map[string]string{}
	for _, e := range ruleErrors(cerr) {
		reasons[fmt.Sprintf("%s:%d", e.File, e.Line)] = e.Reason
	}
	res := &query.Result{}
	for _, c := range []string{"id", "title", "level", "kind", "tactics", "techniques", "compiled", "reason", "file"} {
		t := "VARCHAR"
		if c == "compiled" {
			t = "BOOLEAN"
		}
		res.Columns = append(res.Columns, query.Column{Name: c, Type: t, Athena: strings.ToLower(t)})
	}
	for _, sr := range all {
		tactics, techniques := detect.SplitTags(sr.Tags)
		kind := "rule"
		switch {
		case sr.Correlation != nil:
			kind = string(sr.Correlation.Type)
		case sr.Detection != nil && sr.Detection.Aggregation != nil:
			kind = "count()"
		}
		id := sr.ID
		if id == "" {
			id = sr.Name
		}
		r := ok[sr]
		reason := any(nil)
		if r == nil {
			reason = reasons[fmt.Sprintf("%s:%d", sr.File, sr.Line)]
		} else if r.Quiet() {
			reason = "runs inside its correlation only"
		}
		res.Rows = append(res.Rows, []any{id, sr.Title, sr.Level, kind, strings.Join(tactics, " "), strings.Join(techniques, " "), r != nil, reason, sr.File})
	}
	return writeDetect(f, opts, res)
}
