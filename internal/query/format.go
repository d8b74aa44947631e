package query

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Formats are the output formats of Write.
var Formats = []string{"table", "csv", "json", "jsonl", "markdown"}

// WriteOptions are the settings of Write. The zero value takes the
// defaults.
type WriteOptions struct {
	// Width is the width a table must fit in (default 120).
	Width int
	// MaxRows is how many rows a table shows (default 100; negative: all);
	// a note under the table says how many more there are. CSV and JSON
	// always hold every row of the Result.
	MaxRows int
}

// Write prints r in format: table (aligned columns that fit
// opts.Width, wide cells cut with …, at most opts.MaxRows rows and a note
// saying what was left out), csv (RFC 4180 with CRLF line ends, a header
// row, NULL as an empty field, booleans as true/false, nested values as
// JSON), json (an array of objects, one per row, keys in column order) or
// jsonl (one such object per line) or markdown (a GitHub-flavoured table:
// a header row, then one line per row, cells as in csv with | escaped and
// line breaks as spaces). Times are written as Athena shows them
// (2019-09-30 12:00:00.000 UTC) in table, csv and markdown, and in RFC 3339 (UTC)
// in json and jsonl; NULL is null in json and jsonl.
func Write(w io.Writer, r *Result, format string, opts WriteOptions) error {
	rw, err := NewRowWriter(w, format, r.Columns, opts)
	if err != nil {
		return err
	}
	for _, row := range r.Rows {
		if err := rw.Write(row); err != nil {
			return err
		}
	}
	return rw.Close(r.Truncated)
}

// WriteRows prints the rows of a stream in format, as Write does, as they
// come: memory holds one row at a time for csv, json and jsonl, and the
// rows a table shows (opts.MaxRows) for a table. It returns the stream's
// error, if any; the caller closes rows.
func WriteRows(w io.Writer, rows *Rows, format string, opts WriteOptions) error {
	rw, err := NewRowWriter(w, format, rows.Columns(), opts)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := rw.Write(rows.Row()); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rw.Close(rows.Truncated())
}

// A RowWriter prints rows in one of the Formats as they come (see Write).
// A table keeps the rows it shows and counts the others; the other
// formats write each row at once.
type RowWriter struct {
	w      *bufio.Writer
	format string
	cols   []Column
	opts   WriteOptions
	n      int // rows written (or counted)

	csv  *csv.Writer
	rec  []string
	keys [][]byte
	kept [][]any // table: the rows shown
}

// NewRowWriter starts writing rows of columns cols to w in format: the
// CSV header or the JSON array's opening bracket is written (to a
// buffer) at once.
func NewRowWriter(w io.Writer, format string, cols []Column, opts WriteOptions) (*RowWriter, error) {
	if opts.Width <= 0 {
		opts.Width = 120
	}
	if opts.MaxRows == 0 {
		opts.MaxRows = 100
	}
	rw := &RowWriter{w: bufio.NewWriter(w), format: format, cols: cols, opts: opts}
	switch format {
	case "", "table":
		rw.format = "table"
	case "csv":
		rw.csv = csv.NewWriter(rw.w)
		rw.csv.UseCRLF = true
		rw.rec = make([]string, len(cols))
		for i, c := range cols {
			rw.rec[i] = c.Name
		}
		if err := rw.csv.Write(rw.rec); err != nil {
			return nil, fmt.Errorf("cannot write the result: %w", err)
		}
	case "json":
		rw.keys = jsonKeys(cols)
		rw.w.WriteString("[")
	case "jsonl":
		rw.keys = jsonKeys(cols)
	case "markdown":
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
		rw.writeMarkdownRow(names)
		rw.w.WriteString("|" + strings.Repeat(" --- |", len(cols)) + "\n")
	default:
		return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	return rw, nil
}

// Write writes one row: one value per column, of the types Result.Rows
// holds.
func (rw *RowWriter) Write(row []any) error {
	rw.n++
	var err error
	switch rw.format {
	case "table":
		if rw.opts.MaxRows < 0 || len(rw.kept) < rw.opts.MaxRows {
			rw.kept = append(rw.kept, row)
		}
		return nil
	case "csv":
		for i, v := range row {
			rw.rec[i], _ = text(v, rw.cols[i].Type)
		}
		err = rw.csv.Write(rw.rec)
	case "json", "jsonl":
		err = rw.writeJSON(row)
	case "markdown":
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i], _ = text(v, rw.cols[i].Type)
		}
		rw.writeMarkdownRow(cells)
	}
	if err != nil {
		return fmt.Errorf("cannot write the result: %w", err)
	}
	return nil
}

// Close ends the output (the JSON array's closing bracket, a table and
// its note; truncated says that the rows written are not all the query
// has) and flushes it.
func (rw *RowWriter) Close(truncated bool) error {
	var err error
	switch rw.format {
	case "table":
		err = writeTable(rw.w, rw.cols, rw.kept, rw.n, truncated, rw.opts)
	case "csv":
		rw.csv.Flush()
		err = rw.csv.Error()
	case "json":
		if rw.n > 0 {
			rw.w.WriteString("\n")
		}
		rw.w.WriteString("]\n")
	}
	if err == nil {
		err = rw.w.Flush()
	}
	if err != nil {
		return fmt.Errorf("cannot write the result: %w", err)
	}
	return nil
}

// mdEscaper makes a cell text safe in a markdown table row.
var mdEscaper = strings.NewReplacer("\\", "\\\\", "|", "\\|", "\r\n", " ", "\n", " ", "\r", " ")

// writeMarkdownRow writes one row of a markdown table.
func (rw *RowWriter) writeMarkdownRow(cells []string) {
	rw.w.WriteString("|")
	for _, c := range cells {
		rw.w.WriteString(" " + mdEscaper.Replace(c) + " |")
	}
	rw.w.WriteString("\n")
}

// text formats a value as table and csv cells show it; ok is false for
// NULL.
func text(v any, typ string) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case float64:
		return formatFloat(x), true
	case *big.Int:
		return x.String(), true
	case json.RawMessage:
		return string(x), true
	case time.Time:
		return athenaTime(x, typ), true
	}
	return fmt.Sprint(v), true
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// athenaTime formats a time as Athena shows a value of type typ.
func athenaTime(t time.Time, typ string) string {
	switch {
	case typ == "DATE":
		return t.Format(time.DateOnly)
	case strings.HasPrefix(typ, "TIME") && !strings.HasPrefix(typ, "TIMESTAMP"):
		return t.Format("15:04:05.000")
	case strings.Contains(typ, "TIME ZONE"):
		return t.UTC().Format("2006-01-02 15:04:05.000") + " UTC"
	}
	return t.Format("2006-01-02 15:04:05.000")
}

// jsonKeys returns the column names as JSON object keys: a name that
// repeats gets _2, _3, ... so that every key is distinct.
func jsonKeys(cols []Column) [][]byte {
	seen := map[string]int{}
	out := make([][]byte, len(cols))
	for i, c := range cols {
		name := c.Name
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s_%d", name, n)
		}
		out[i], _ = json.Marshal(name)
	}
	return out
}

// writeJSON writes one row as a JSON object: on a line of its own in
// jsonl, and after a comma and a line break in json.
func (rw *RowWriter) writeJSON(row []any) error {
	w := rw.w
	if rw.format == "json" {
		if rw.n > 1 {
			w.WriteString(",")
		}
		w.WriteString("\n")
	}
	w.WriteString("{")
	for i, v := range row {
		if i > 0 {
			w.WriteString(",")
		}
		w.Write(rw.keys[i])
		w.WriteString(":")
		if err := writeJSONValue(w, v); err != nil {
			return fmt.Errorf("row %d, column %s: %w", rw.n, rw.cols[i].Name, err)
		}
	}
	w.WriteString("}")
	if rw.format == "jsonl" {
		w.WriteString("\n")
	}
	return nil
}

func writeJSONValue(w *bufio.Writer, v any) error {
	switch x := v.(type) {
	case nil:
		w.WriteString("null")
	case json.RawMessage:
		if !json.Valid(x) {
			return fmt.Errorf("invalid JSON value %.40q", string(x))
		}
		w.Write(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b, _ := json.Marshal(formatFloat(x))
			w.Write(b)
			return nil
		}
		w.WriteString(formatFloat(x))
	case *big.Int:
		w.WriteString(x.String())
	case time.Time:
		b, _ := json.Marshal(x.UTC().Format(time.RFC3339Nano))
		w.Write(b)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		w.Write(b)
	}
	return nil
}

// writeTable prints rows, the first of total rows (more than total when
// truncated), in aligned columns that fit opts.Width, and a note saying
// how many rows there are and how many are shown.
func writeTable(w *bufio.Writer, columns []Column, rows [][]any, total int, truncated bool, opts WriteOptions) error {
	n := len(rows)
	cols := len(columns)
	if cols == 0 {
		_, err := w.WriteString("(no columns)\n")
		return err
	}
	cells := make([][]string, n+1)
	cells[0] = make([]string, cols)
	for i, c := range columns {
		cells[0][i] = cleanCell(c.Name)
	}
	for j := 0; j < n; j++ {
		cells[j+1] = make([]string, cols)
		for i, v := range rows[j] {
			s, ok := text(v, columns[i].Type)
			if !ok {
				s = "NULL"
			}
			cells[j+1][i] = cleanCell(s)
		}
	}
	widths := make([]int, cols)
	for _, row := range cells {
		for i, s := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(s))
		}
	}
	fitWidths(widths, opts.Width-3*(cols-1))
	line := func(row []string) {
		for i, s := range row {
			if i > 0 {
				w.WriteString(" | ")
			}
			s = cut(s, widths[i])
			w.WriteString(s)
			if i < cols-1 {
				w.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(s)))
			}
		}
		w.WriteString("\n")
	}
	line(cells[0])
	for i, wd := range widths {
		if i > 0 {
			w.WriteString("-+-")
		}
		w.WriteString(strings.Repeat("-", wd))
	}
	w.WriteString("\n")
	for _, row := range cells[1:] {
		line(row)
	}
	count := strconv.Itoa(total)
	if truncated {
		count = "more than " + count
	}
	switch {
	case total > n:
		fmt.Fprintf(w, "(%s rows; %d shown: use --max-rows N, or --format csv or json for all)\n", count, n)
	case truncated:
		fmt.Fprintf(w, "(%s rows; the first %d shown)\n", count, n)
	case total == 1:
		fmt.Fprintf(w, "(1 row)\n")
	default:
		fmt.Fprintf(w, "(%s rows)\n", count)
	}
	return nil
}

// cleanCell puts a cell on one line.
func cleanCell(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	return strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎", "\t", " ").Replace(s)
}

// fitWidths narrows the widest columns until the sum fits total (no column
// below 6 characters, or its header's width if less).
func fitWidths(widths []int, total int) {
	sum := 0
	for _, w := range widths {
		sum += w
	}
	for sum > total {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= 6 {
			return
		}
		widths[widest]--
		sum--
	}
}

// cut shortens s to width runes, ending with … when cut.
func cut(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	if width <= 1 {
		return "…"
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}
