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
	// MaxRows caps the rows shown or written; MaxRowsSet says that the
	// flag was given (without it, csv, json and jsonl hold every row).
	MaxRows    int
	MaxRowsSet bool
	// S3 reaches an s3:// lake; its Cache is the local read-only copy.
	S3 S3Flags
}

func newQueryCmd(f *Factory, runF func(context.Context, *Factory, *QueryOptions) error) *cobra.Command {
	opts := &QueryOptions{}
	cmd := &cobra.Command{
		Use:   "query [--lake DIR|s3://bucket/prefix] [--format table|csv|json|jsonl|markdown] [--output FILE] [--stats] SQL",
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
field); json is an array of objects; jsonl one object per line. A table
shows the first --max-rows rows (100); csv, json and jsonl are written as
the rows come, every row unless --max-rows is given. When the cap cuts the
answer short, a line on standard error says so.

With --lake s3://bucket/prefix (a lake written by ingest or sync with
--lake s3://...), the query reads a local read-only copy of it, brought up
to date first: one GET when nothing changed, else what changed is
downloaded. The copy is kept in $TRAILSQL_CACHE/<bucket>/<prefix>, else in
the user cache folder (trailsql/s3/<bucket>/<prefix>), or in --cache DIR;
writers (ingest, sync) use the same copy.`,
		Example: `  trailsql query "SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY n DESC LIMIT 10"
  trailsql query --stats "SELECT * FROM cloudtrail WHERE year = '2019' AND month = '09' AND day = '30' LIMIT 5"
  trailsql query -f investigation.sql --format json --output findings.json
  echo "SELECT count(*) FROM cloudtrail_logs" | trailsql query
  trailsql query --lake s3://analytics/trailsql --profile audit "SELECT count(*) FROM cloudtrail"`,
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
			opts.MaxRowsSet = c.Flags().Changed("max-rows")
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runQuery(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Lake, "lake", "", "lake folder or s3://bucket/prefix (default $TRAILSQL_LAKE or ./trailsql-lake)")
	fl.StringVarP(&opts.File, "file", "f", "", "read the query from `FILE`")
	fl.StringVar(&opts.Format, "format", "", "output format: table, csv, json, jsonl or markdown (default: table on a terminal, else csv)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the result to `FILE` instead of standard output")
	fl.BoolVar(&opts.Stats, "stats", false, "print files and bytes scanned, partitions pruned, rows and time to standard error")
	fl.DurationVar(&opts.Timeout, "timeout", query.DefaultTimeout, "stop the query after this long (0: never)")
	fl.StringVar(&opts.MemoryLimit, "memory-limit", query.DefaultMemoryLimit, "memory the query may use")
	fl.IntVar(&opts.MaxRows, "max-rows", 100, "rows a table shows (0: all); csv, json and jsonl hold every row unless this is given")
	opts.S3.addFlags(fl)
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
		case ".md":
			return "markdown"
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
	format := outputFormat(f, opts)
	// A table shows the first rows; the other formats stream every row
	// unless a cap is asked for. The cap is the engine's, so that the
	// query stops there and says whether there was more.
	maxRows := -1
	if (format == "table" || opts.MaxRowsSet) && opts.MaxRows > 0 {
		maxRows = opts.MaxRows
	}
	qopts := query.Options{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit, Now: f.Now, Conns: 1, MaxRows: maxRows}
	if opts.Timeout == 0 {
		qopts.Timeout = -1
	}
	if err := qopts.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	lopts := lakeOptions{Query: qopts}
	if opts.Stats {
		lopts.Log = f.IO.ErrOut
	}
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lopts)
	if err != nil {
		return err
	}
	defer a.Close()
	rows, err := a.Stream(ctx, text)
	if err != nil {
		return err
	}
	defer rows.Close()
	wopts := query.WriteOptions{Width: f.IO.TerminalWidth(), MaxRows: -1}
	write := func(w io.Writer) error { return query.WriteRows(w, rows, format, wopts) }
	if opts.Output != "" {
		err = writeFileAtomic(opts.Output, write)
	} else {
		err = write(f.IO.Out)
	}
	if qerr := rows.Err(); qerr != nil {
		return qerr
	}
	if err != nil {
		return err
	}
	if opts.Stats {
		fmt.Fprintln(f.IO.ErrOut, rows.Stats().String())
	}
	if rows.Truncated() {
		fmt.Fprintln(f.IO.ErrOut, capWarning(maxRows, opts.Output != ""))
	}
	return nil
}

// capWarning is the line that says a query's answer was cut at n rows.
func capWarning(n int, toFile bool) string {
	if toFile {
		return fmt.Sprintf("trailsql: wrote the first %d rows; the query has more (--max-rows 0 writes all)", n)
	}
	return fmt.Sprintf("trailsql: showing the first %d rows; the query has more (use --max-rows N, 0 for all, or --output FILE)", n)
}
