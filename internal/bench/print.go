package bench

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Print writes one table per shape: each tool's figures, the ratios of
// trailsql to DuckDB, and trailsql's own summary line of the lake.
func (r IngestResult) Print(w io.Writer) {
	for i, s := range r.Shapes {
		if i > 0 {
			fmt.Fprintln(w)
		}
		s.Print(w)
	}
}

// Print writes the table of one shape.
func (s ShapeResult) Print(w io.Writer) {
	fmt.Fprintf(w, "%s: %s; %s events in %s files, %.1f MB of JSON, %.1f MB gzip; %d threads each\n",
		s.Shape, s.About, group(s.Events), group(s.Files), mb(s.JSONBytes), mb(s.GzipBytes), s.Threads)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\twall\tevents/s\tMB/s JSON\tCPU s\tpeak RSS\tfiles\tdata MB\ttokens MB\tlake/gzip\t")
	t := s.Trailsql
	// Names padded by hand: the table aligns every cell to the right.
	fmt.Fprintf(tw, "%s\t%s\n", "trailsql", s.row(t, t.DataBytes+t.TokenBytes, fmt.Sprintf("%.1f", mb(t.TokenBytes))))
	d := s.DuckDB
	switch {
	case d == nil:
	case d.TimedOut:
		fmt.Fprintf(tw, "duckdb  \t  did not finish in %s (peak RSS %s)\n", d.Timeout, rss(d.MaxRSS))
	case d.Failed != "":
		fmt.Fprintf(tw, "duckdb  \t  failed after %s\n", secs(d.Wall))
	default:
		fmt.Fprintf(tw, "duckdb  \t%s\n", s.row(d.Measure, d.DataBytes, "-"))
	}
	tw.Flush()
	if d != nil {
		if ratios := s.ratios(); ratios != "" {
			fmt.Fprintf(w, "  trailsql/duckdb: %s\n", ratios)
		}
		fmt.Fprintf(w, "  duckdb ran %s\n", d.describe())
	}
	if s.Summary != "" {
		fmt.Fprintf(w, "  trailsql's summary: %s\n", s.Summary)
	}
}

// row is the cells of one tool that finished, lake being the bytes of
// its output and tokens the cell of its token index.
func (s ShapeResult) row(m Measure, lake int64, tokens string) string {
	sec := m.Wall.Seconds()
	return strings.Join([]string{
		secs(m.Wall),
		group(int64(rate(float64(s.Events), sec))),
		fmt.Sprintf("%.1f", rate(mb(s.JSONBytes), sec)),
		fmt.Sprintf("%.1f", m.CPU.Seconds()),
		rss(m.MaxRSS),
		group(m.Files),
		fmt.Sprintf("%.1f", mb(m.DataBytes)),
		tokens,
		fmt.Sprintf("%.2fx", ratio(float64(lake), float64(s.GzipBytes))),
	}, "\t") + "\t"
}

// describe says which conversion DuckDB ran and how it ended.
func (d *Baseline) describe() string {
	var b strings.Builder
	b.WriteString(d.Method)
	switch {
	case d.TimedOut:
		fmt.Fprintf(&b, "; killed after %s", d.Timeout)
	case d.Failed != "":
		fmt.Fprintf(&b, "; failed: %s", d.Failed)
	}
	if d.Refused != "" {
		fmt.Fprintf(&b, ", as plain read_json refused the records after %s: %s", secs(d.RefusedAfter), d.Refused)
	}
	return b.String()
}

// ratios compares trailsql with DuckDB: speed (DuckDB's wall time over
// trailsql's), CPU, peak RSS and output size against the gzip input.
func (s ShapeResult) ratios() string {
	d, t := s.DuckDB, s.Trailsql
	switch {
	case d == nil || d.Failed != "":
		return ""
	case d.TimedOut:
		return fmt.Sprintf("more than %.2fx faster (DuckDB did not finish)", ratio(d.Timeout.Seconds(), t.Wall.Seconds()))
	}
	return fmt.Sprintf("%s, %.2fx the CPU, %.2fx the peak RSS; lake/gzip %.2fx against %.2fx (%.2fx the size)",
		faster(ratio(d.Wall.Seconds(), t.Wall.Seconds())),
		ratio(t.CPU.Seconds(), d.CPU.Seconds()),
		ratio(float64(t.MaxRSS), float64(d.MaxRSS)),
		ratio(float64(t.DataBytes+t.TokenBytes), float64(s.GzipBytes)),
		ratio(float64(d.DataBytes), float64(s.GzipBytes)),
		ratio(float64(t.DataBytes+t.TokenBytes), float64(d.DataBytes)))
}

// faster says how much faster a speed ratio r is, or how much slower.
func faster(r float64) string {
	if r > 0 && r < 1 {
		return fmt.Sprintf("%.2fx slower", 1/r)
	}
	return fmt.Sprintf("%.2fx faster", r)
}

func mb(n int64) float64 { return float64(n) / 1e6 }

func rss(n int64) string { return group(int64(mb(n)+0.5)) + " MB" }

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func rate(n, sec float64) float64 {
	if sec <= 0 {
		return 0
	}
	return n / sec
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// group writes n with a comma between groups of three digits.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
