package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/trailsql/trailsql/internal/query"
)

// QueryOptions are the settings of `trailsql query`.
type QueryOptions struct {
	// SQL is the query, from the arguments; File names a file holding it;
	// with neither, it is read from standard input.
	SQL         string
	File        string
	Lake        string
	Format      string
	Output      string
	Stats       bool
	Timeout     time.Duration
	MemoryLimit string
	MaxRows     int
}

func newQueryCmd(f *Factory, runF func(context.Context, *Factory, *QueryOptions) error) *cobra.Command {
	opts := &QueryOptions{}
	cmd := &cobra.Command{
		Use:   "query [--lake DIR] [--format table|csv|json|jsonl] [--output FILE] [--stats] SQL",
		Short: "Answer a question about the logs with SQL (Athena's dialect)",
		Long: `Run one SQL query over the lake, in the dialect of Amazon Athena.

The tables are those of the AWS documentation and the Athena console:
  cloudtrail              every event; partition columns account, region,
                          year, month, day (strings); useridentity, tlsdetails,
                          addendum are structs, resources a list of structs,
                          requestparameters & co. JSON text
  cloudtrail_logs         the same
  cloudtrail_<account>    the events of one account
  logs                    one row per log file, with records, the list of its
                          events: FROM logs CROSS JOIN UNNEST(records) AS t(record)
'trailsql tables' lists them with their columns.

Presto functions work as in Athena: json_extract_scalar, from_iso8601_timestamp,
date_parse, date_format, date_add('day', -7, now()), date_diff, regexp_like,
regexp_extract, cardinality, element_at, approx_distinct, count_if, ...
Filters on account, region, year, month and day skip the files of other
partitions before they are opened.

The query comes from the arguments, from -f FILE, or from standard input.
Only queries run: nothing outside the lake can be read or written.

Output is a table on a terminal, and CSV otherwise (or what --output's
extension says); --format chooses. CSV follows RFC 4180 (NULL is an empty
field); json is an array of objects; jsonl one object per line.`,
		Example: `  trailsql query "SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY n DESC LIMIT 10"
  trailsql query --stats "SELECT * FROM cloudtrail WHERE year = '2019' AND month = '09' AND day = '30' LIMIT 5"
  trailsql query -f investigation.sql --format json --output findings.json
  echo "SELECT count(*) FROM cloudtrail_logs" | trailsql query`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.SQL = strings.Join(args, " ")
			if opts.SQL != "" && opts.File != "" {
				return usagef("give the query as arguments or with -f FILE, not both")
			}
			if opts.Format != "" && !validFormat(opts.Format) {
				return usagef("--format %q is not one of %s", opts.Format, strings.Join(query.Formats, ", "))
			}
			if opts.MaxRows < 0 {
				return usagef("--max-rows cannot be negative")
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runQuery(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Lake, "lake", "", "lake folder (default $TRAILSQL_LAKE or ./trailsql-lake)")
	fl.StringVarP(&opts.File, "file", "f", "", "read the query from `FILE`")
	fl.StringVar(&opts.Format, "format", "", "output format: table, csv, json or jsonl (default: table on a terminal, else csv)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the result to `FILE` instead of standard output")
	fl.BoolVar(&opts.Stats, "stats", false, "print files and bytes scanned, partitions pruned, rows and time to standard error")
	fl.DurationVar(&opts.Timeout, "timeout", query.DefaultTimeout, "stop the query after this long (0: never)")
	fl.StringVar(&opts.MemoryLimit, "memory-limit", query.DefaultMemoryLimit, "memory the query may use")
	fl.IntVar(&opts.MaxRows, "max-rows", 100, "rows a table shows (0: all); csv and json hold every row")
	return cmd
}

func validFormat(s string) bool {
	for _, f := range query.Formats {
		if s == f {
			return true
		}
	}
	return false
}

// querySQL returns the query text from the options or standard input.
func querySQL(f *Factory, opts *QueryOptions) (string, error) {
	switch {
	case opts.SQL != "":
		return opts.SQL, nil
	case opts.File != "":
		b, err := os.ReadFile(opts.File)
		if err != nil {
			return "", &UsageError{Err: fmt.Errorf("cannot read the query: %w", err)}
		}
		return string(b), nil
	}
	if fd, ok := f.IO.In.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(fd.Fd())) {
		return "", usagef("no query: give it as an argument, with -f FILE, or on standard input (see 'trailsql query --help')")
	}
	b, err := io.ReadAll(f.IO.In)
	if err != nil {
		return "", fmt.Errorf("cannot read the query from standard input: %w", err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return "", usagef("no query: give it as an argument, with -f FILE, or on standard input (see 'trailsql query --help')")
	}
	return string(b), nil
}

// outputFormat decides the format: the flag, else the output file's
// extension, else table on a terminal and csv otherwise.
func outputFormat(f *Factory, opts *QueryOptions) string {
	if opts.Format != "" {
		return opts.Format
	}
	if opts.Output != "" {
		switch strings.ToLower(filepath.Ext(opts.Output)) {
		case ".json":
			return "json"
		case ".jsonl", ".ndjson":
			return "jsonl"
		case ".txt":
			return "table"
		}
		return "csv"
	}
	if f.IO.IsStdoutTTY() {
		return "table"
	}
	return "csv"
}

func runQuery(ctx context.Context, f *Factory, opts *QueryOptions) error {
	text, err := querySQL(f, opts)
	if err != nil {
		return err
	}
	qopts := query.Options{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit, Now: f.Now, Conns: 1}
	if opts.Timeout == 0 {
		qopts.Timeout = -1
	}
	if err := qopts.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	eng, err := query.Open(ctx, lakeDir(f, opts.Lake), qopts)
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := eng.Query(ctx, text)
	if err != nil {
		return err
	}
	format := outputFormat(f, opts)
	wopts := query.WriteOptions{Width: f.IO.TerminalWidth(), MaxRows: opts.MaxRows}
	if opts.MaxRows == 0 {
		wopts.MaxRows = -1
	}
	if opts.Output != "" {
		if err := writeFileAtomic(opts.Output, func(w io.Writer) error { return query.Write(w, res, format, wopts) }); err != nil {
			return err
		}
	} else if err := query.Write(f.IO.Out, res, format, wopts); err != nil {
		return err
	}
	if opts.Stats {
		fmt.Fprintln(f.IO.ErrOut, res.Stats.String())
	}
	if res.Truncated {
		fmt.Fprintf(f.IO.ErrOut, "trailsql: the result was cut at %d rows; add a LIMIT or narrow the query\n", len(res.Rows))
	}
	return nil
}
