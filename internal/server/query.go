package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"math/big"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/query"
)

// queryRequest is the body of POST /api/query.
type queryRequest struct {
	SQL  string `json:"sql"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// columnJSON is a result column: its name and Athena's type.
type columnJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// statsJSON are a query's scan statistics.
type statsJSON struct {
	Files      int     `json:"files"`
	FilesTotal int     `json:"files_total"`
	Bytes      int64   `json:"bytes"`
	Rows       int64   `json:"rows"`
	ElapsedMS  float64 `json:"elapsed_ms"`
	Truncated  bool    `json:"truncated"`
}

// answerJSON is the answer of a query in one JSON document.
type answerJSON struct {
	Columns []columnJSON `json:"columns"`
	Rows    [][]any      `json:"rows"`
	Stats   statsJSON    `json:"stats"`
}

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) error {
	var req queryRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.SQL) == "" {
		return badRequest("no query: the body needs \"sql\"")
	}
	tr, err := parseTimeRange(req.From, req.To)
	if err != nil {
		return err
	}
	return s.answer(w, r, req.SQL, nil, tr)
}

// answer runs text (with args) over the time range tr and writes its
// answer: one JSON document, or NDJSON when the client accepts it.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, text string, args []any, tr timeRange) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	run, err := withTimeRange(text, tr)
	if err != nil {
		return s.locate(ctx, text, err)
	}
	rows, err := s.app.Stream(ctx, run, args...)
	if err != nil {
		if run != text {
			err = s.locate(ctx, text, err)
		}
		return err
	}
	defer rows.Close()
	cols := make([]columnJSON, len(rows.Columns()))
	for i, c := range rows.Columns() {
		cols[i] = columnJSON{Name: c.Name, Type: c.Athena}
	}
	if wantsNDJSON(r) {
		return s.stream(w, rows, cols, start)
	}
	out := answerJSON{Columns: cols, Rows: [][]any{}}
	truncated := false
	for rows.Next() {
		if len(out.Rows) == s.cfg.MaxRows {
			truncated = true
			break
		}
		out.Rows = append(out.Rows, jsonRow(rows.Row()))
	}
	if truncated {
		rows.Close()
	} else if err := rows.Err(); err != nil {
		return err
	}
	st := rows.Stats()
	if truncated {
		st.Rows = int64(len(out.Rows))
	}
	out.Stats = statsOf(st, truncated || rows.Truncated(), start)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// locate puts the position of a query error in the user's own text:
// the query that ran was rewritten (time range), so a position the query
// layer found is one in the rewritten text. The user's query is compiled
// alone (EXPLAIN: nothing runs) for the error the query layer finds in
// it; when that finds none, the error stays, without a position.
func (s *Server) locate(ctx context.Context, text string, err error) error {
	if _, _, ok := errorPosition(err); !ok {
		return err
	}
	_, xerr := s.app.Query(ctx, "EXPLAIN\n"+text)
	if line, col, ok := errorPosition(xerr); ok && line > 1 {
		e, status := s.describe(ctx, xerr)
		return &problem{status: status, msg: e.Error, line: line - 1, column: col}
	}
	e, status := s.describe(ctx, err)
	return &problem{status: status, msg: e.Error}
}

func statsOf(st query.Stats, truncated bool, start time.Time) statsJSON {
	return statsJSON{Files: st.Files, FilesTotal: st.FilesTotal, Bytes: st.Bytes, Rows: st.Rows,
		ElapsedMS: float64(time.Since(start).Microseconds()) / 1000, Truncated: truncated}
}

// wantsNDJSON reports whether the client asked for NDJSON.
func wantsNDJSON(r *http.Request) bool {
	for _, a := range strings.Split(r.Header.Get("Accept"), ",") {
		if t, _, err := mime.ParseMediaType(strings.TrimSpace(a)); err == nil && t == "application/x-ndjson" {
			return true
		}
	}
	return false
}

// stream writes the answer as NDJSON: {"columns": [...]}, one JSON array
// per row, then {"stats": {...}}, or {"error": ...} when the query fails
// after its first line. Lines are flushed as they come, at most every
// 100 ms. A client that goes away cancels the query (its context is the
// request's).
func (s *Server) stream(w http.ResponseWriter, rows *query.Rows, cols []columnJSON, start time.Time) error {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	flush := func() error {
		if err := bw.Flush(); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := enc.Encode(map[string]any{"columns": cols}); err != nil {
		return nil
	}
	if err := flush(); err != nil {
		return nil // the client went away
	}
	last := time.Now()
	for rows.Next() {
		if err := enc.Encode(jsonRow(rows.Row())); err != nil {
			return nil
		}
		if time.Since(last) > 100*time.Millisecond {
			if err := flush(); err != nil {
				return nil
			}
			last = time.Now()
		}
	}
	if err := rows.Err(); err != nil {
		if errors.Is(err, context.Canceled) {
			return nil // the client went away
		}
		e, status := s.describe(context.Background(), err)
		if status >= 500 && status != http.StatusGatewayTimeout {
			s.cfg.Log.Error("stream failed", slog.String("error", err.Error()))
		}
		enc.Encode(e)
	} else {
		enc.Encode(map[string]any{"stats": statsOf(rows.Stats(), rows.Truncated(), start)})
	}
	flush()
	return nil
}

// jsonRow turns a row's values into what encoding/json writes as the
// query layer means them: times in RFC 3339 (UTC), NaN and infinities as
// strings, big numbers as numbers.
func jsonRow(row []any) []any {
	for i, v := range row {
		switch x := v.(type) {
		case time.Time:
			row[i] = x.UTC().Format(time.RFC3339Nano)
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				row[i] = formatSpecial(x)
			}
		case float32:
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				row[i] = formatSpecial(float64(x))
			}
		case *big.Int:
			row[i] = json.Number(x.String())
		case json.RawMessage:
			if !json.Valid(x) {
				row[i] = string(x)
			}
		}
	}
	return row
}

func formatSpecial(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	}
	return "-Infinity"
}
