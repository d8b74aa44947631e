package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// apiError is the body of every error response.
type apiError struct {
	Error  string `json:"error"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// problem is an error that the server answers with its status and
// message as they are.
type problem struct {
	status       int
	msg          string
	line, column int
}

func (p *problem) Error() string { return p.msg }

func badRequest(msg string) error { return &problem{status: http.StatusBadRequest, msg: msg} }
func notFound(msg string) error   { return &problem{status: http.StatusNotFound, msg: msg} }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// fail answers r with err: the errors of the caller's input (a query the
// query layer refuses or cannot compile, a bad parameter, something
// missing) with their message and, for a query, the line and column; a
// timeout with 504; anything else with a generic message, the detail
// going to the server's log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, status := s.describe(r.Context(), err)
	if status >= 500 && status != http.StatusGatewayTimeout {
		s.cfg.Log.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	}
	writeJSON(w, status, e)
}

// describe maps err to what the client is told and the status.
func (s *Server) describe(ctx context.Context, err error) (apiError, int) {
	var p *problem
	if errors.As(err, &p) {
		return apiError{Error: s.sanitize(p.msg), Line: p.line, Column: p.column}, p.status
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apiError{Error: "the request body is too large"}, http.StatusRequestEntityTooLarge
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return apiError{Error: "the query took longer than the server allows"}, http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return apiError{Error: "the request was cancelled"}, 499
	}
	if userError(err) {
		e := apiError{Error: s.sanitize(strings.TrimPrefix(err.Error(), "query: "))}
		if line, col, ok := errorPosition(err); ok {
			e.Line, e.Column = line, col
		}
		return e, http.StatusBadRequest
	}
	return apiError{Error: "internal error (the server's log has the detail)"}, http.StatusInternalServerError
}

// userError reports whether err is about the query the caller wrote.
func userError(err error) bool {
	var (
		se  *sqltree.Error
		ue  *query.UnknownError
		te  *query.TypeError
		qe  *query.Error
		re  *query.RefusedError
		une *query.UnsupportedError
	)
	return errors.As(err, &se) || errors.As(err, &ue) || errors.As(err, &te) || errors.As(err, &qe) ||
		errors.As(err, &re) || errors.As(err, &une) || app.IsInput(err) || err.Error() == "empty query"
}

// errorPosition returns where in the query the error is, when the query
// layer knows.
func errorPosition(err error) (line, column int, ok bool) {
	p, ok := query.ErrorPosition(err)
	return p.Line, p.Column, ok
}

// rePath matches an absolute file path in an error message.
var rePath = regexp.MustCompile(`(^|[\s'"(=])(?:/[^\s/'"(),]+){2,}/?`)

// sanitize takes file paths out of a message meant for the client.
func (s *Server) sanitize(msg string) string {
	if s.lake != "" {
		msg = strings.ReplaceAll(msg, s.lake, "<lake>")
	}
	return rePath.ReplaceAllString(msg, "${1}<path>")
}
