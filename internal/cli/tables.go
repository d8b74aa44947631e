package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/query"
)

// TablesOptions are the settings of `trailsql tables`.
type TablesOptions struct {
	Lake string
	// Columns lists the columns of every table, per-account views included
	// (they have cloudtrail's columns).
	Columns bool
	// S3 reaches an s3:// lake; its Cache is the local read-only copy.
	S3 S3Flags
}

func newTablesCmd(f *Factory, runF func(context.Context, *Factory, *TablesOptions) error) *cobra.Command {
	opts := &TablesOptions{}
	cmd := &cobra.Command{
		Use:   "tables [--lake DIR|s3://bucket/prefix]",
		Short: "List the tables a query can read, their columns, and what the lake holds",
		Long: `List the tables (views) that 'trailsql query' can read with their columns and
types, and per account and region the number of events and their time range.
An s3:// lake is first brought into a local read-only copy (see 'trailsql
query --help').`,
		Example: `  trailsql tables
  trailsql tables --lake ./lake --columns`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("tables takes no arguments (see 'trailsql tables --help')")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runTables(c.Context(), f, opts)
		},
	}
	addLakeFlags(cmd.Flags(), &opts.Lake, &opts.S3)
	cmd.Flags().BoolVar(&opts.Columns, "columns", false, "list the columns of the per-account tables too")
	return cmd
}

func runTables(ctx context.Context, f *Factory, opts *TablesOptions) error {
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	cat, err := a.Tables(ctx)
	if err != nil {
		return err
	}
	printCatalog(f.IO.Out, a.Dir(), cat, opts.Columns, f.IO.TerminalWidth())
	return nil
}

func printCatalog(w io.Writer, dir string, cat *query.Catalog, all bool, width int) {
	fmt.Fprintf(w, "Lake %s: %d files, %d partitions, %.1f MB\n\n", dir, cat.Files, cat.Partitions, float64(cat.Bytes)/1e6)
	fmt.Fprintln(w, "Tables")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, t := range cat.Tables {
		fmt.Fprintf(tw, "  %s\t%s\n", t.Name, t.About)
	}
	tw.Flush()
	for _, t := range cat.Tables {
		if !all && strings.HasPrefix(t.Name, "cloudtrail_") {
			continue
		}
		fmt.Fprintf(w, "\nColumns of %s\n", t.Name)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range t.Columns {
			typ := c.Type
			if room := width - 40; room > 20 && len(typ) > room {
				typ = typ[:room-1] + "…"
			}
			fmt.Fprintf(tw, "  %s\t%s\n", c.Name, typ)
		}
		tw.Flush()
	}
	if !all && len(cat.Tables) > 3 {
		fmt.Fprintf(w, "\n(cloudtrail_logs and the cloudtrail_<account> tables have the columns of cloudtrail; --columns lists them)\n")
	}
	fmt.Fprintln(w, "\nEvents by account and region")
	if len(cat.Regions) == 0 {
		fmt.Fprintln(w, "  (none: the lake is empty; load logs with 'trailsql ingest SOURCE')")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "  account\tregion\tevents\tfirst\tlast\t")
		for _, r := range cat.Regions {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\t\n", r.Account, r.Region, r.Events, r.First.Format(time.RFC3339), r.Last.Format(time.RFC3339))
		}
		tw.Flush()
	}
	if len(cat.NoView) > 0 {
		fmt.Fprintln(w, "\nAccounts without a table of their own (query cloudtrail WHERE account = '...')")
		ids := make([]string, 0, len(cat.NoView))
		for a := range cat.NoView {
			ids = append(ids, a)
		}
		sort.Strings(ids)
		for _, a := range ids {
			fmt.Fprintf(w, "  %q: %s\n", a, cat.NoView[a])
		}
	}
}
