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
var Formats = []string{"table", "csv", "json", "jsonl"}

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
// jsonl (one such object per line). Times are written as Athena shows them
// (2019-09-30 12:00:00.000 UTC) in table and csv, and in RFC 3339 in
// json and jsonl.
func Write(w io.Writer, r *Result, format string, opts WriteOptions) error {
	if opts.Width <= 0 {
		opts.Width = 120
	}
	if opts.MaxRows == 0 {
		opts.MaxRows = 100
	}
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "table", "":
		err = writeTable(bw, r, opts)
	case "csv":
		err = writeCSV(bw, r)
	case "json":
		err = writeJSON(bw, r, false)
	case "jsonl":
		err = writeJSON(bw, r, true)
	default:
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("cannot write the result: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cannot write the result: %w", err)
	}
	return nil
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

func writeCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, row := range r.Rows {
		for i, v := range row {
			rec[i], _ = text(v, r.Columns[i].Type)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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

func writeJSON(w *bufio.Writer, r *Result, lines bool) error {
	keys := jsonKeys(r.Columns)
	if !lines {
		w.WriteString("[")
	}
	for n, row := range r.Rows {
		if !lines {
			if n > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n")
		}
		w.WriteString("{")
		for i, v := range row {
			if i > 0 {
				w.WriteString(",")
			}
			w.Write(keys[i])
			w.WriteString(":")
			if err := writeJSONValue(w, v); err != nil {
				return fmt.Errorf("row %d, column %s: %w", n+1, r.Columns[i].Name, err)
			}
		}
		w.WriteString("}")
		if lines {
			w.WriteString("\n")
		}
	}
	if !lines {
		if len(r.Rows) > 0 {
			w.WriteString("\n")
		}
		w.WriteString("]\n")
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
		b, _ := json.Marshal(x.Format(time.RFC3339Nano))
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

// writeTable prints aligned columns that fit opts.Width.
func writeTable(w *bufio.Writer, r *Result, opts WriteOptions) error {
	n := len(r.Rows)
	if opts.MaxRows > 0 && n > opts.MaxRows {
		n = opts.MaxRows
	}
	cols := len(r.Columns)
	if cols == 0 {
		_, err := w.WriteString("(no columns)\n")
		return err
	}
	cells := make([][]string, n+1)
	cells[0] = make([]string, cols)
	for i, c := range r.Columns {
		cells[0][i] = cleanCell(c.Name)
	}
	for j := 0; j < n; j++ {
		cells[j+1] = make([]string, cols)
		for i, v := range r.Rows[j] {
			s, ok := text(v, r.Columns[i].Type)
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
	switch {
	case len(r.Rows) > n:
		fmt.Fprintf(w, "(%s rows; %d shown: use --max-rows N, or --format csv or json for all)\n", rowCount(r), n)
	case len(r.Rows) == 1:
		fmt.Fprintf(w, "(1 row)\n")
	default:
		fmt.Fprintf(w, "(%s rows)\n", rowCount(r))
	}
	if r.Truncated {
		fmt.Fprintf(w, "(the query returned more rows than the engine keeps; add a LIMIT or raise the row limit)\n")
	}
	return nil
}

func rowCount(r *Result) string {
	if r.Truncated {
		return fmt.Sprintf("more than %d", len(r.Rows))
	}
	return strconv.Itoa(len(r.Rows))
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
