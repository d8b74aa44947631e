package server

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// openAPI is the API's description, written by hand; TestOpenAPIRoutes
// checks it against the routes.
//
//go:embed openapi.json
var openAPI []byte

// route is one API endpoint. Those that run queries are limited: they
// take one of the server's query slots or are answered 429.
type route struct {
	method, pattern string
	handler         func(http.ResponseWriter, *http.Request) error
	limited         bool
}

func (s *Server) apiRoutes() []route {
	return []route{
		{"POST", "/api/query", s.handleQuery, true},
		{"GET", "/api/tables", s.handleTables, true},
		{"GET", "/api/functions", s.handleFunctions, false},
		{"GET", "/api/reports", s.handleReports, false},
		{"POST", "/api/reports/{name}", s.handleRunReport, true},
		{"GET", "/api/events/{eventid}", s.handleEvent, true},
		{"GET", "/api/whois", s.handleWhois, true},
		{"GET", "/api/timeline", s.handleTimeline, true},
		{"GET", "/api/gaps.svg", s.handleGaps, true},
		{"GET", "/api/integrity", s.handleIntegrity, true},
		{"GET", "/api/findings", s.handleFindings, true},
		{"GET", "/api/history", s.handleHistory, false},
		{"POST", "/api/history", s.handleAddHistory, false},
		{"GET", "/api/saved", s.handleSaved, false},
		{"POST", "/api/saved", s.handleSave, false},
		{"DELETE", "/api/saved/{id}", s.handleDeleteSaved, false},
		{"GET", "/api/samples", s.handleSamples, false},
		{"GET", "/api/status", s.handleStatus, false},
		{"GET", "/api/openapi.json", s.handleOpenAPI, false},
	}
}

// build assembles the handler: the API routes, the console's files, and
// the checks of secure around everything.
func (s *Server) build() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		h := rt.handler
		limited := rt.limited
		mux.HandleFunc(rt.method+" "+rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			if limited {
				if !s.acquire(r.Context()) {
					w.Header().Set("Retry-After", "1")
					writeError(w, http.StatusTooManyRequests, "too many queries are running: try again in a moment")
					return
				}
				defer func() { <-s.slots }()
			}
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
			}
			if err := h(w, r); err != nil {
				s.fail(w, r, err)
			}
		})
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint (see /api/openapi.json)")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "the console's files are read with GET")
			return
		}
		s.serveStatic(w, r)
	})
	return s.secure(mux)
}

// acquire takes a query slot, waiting for one for at most
// Config.QueueWait; false when none was free in time or the client went
// away.
func (s *Server) acquire(ctx context.Context) bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
	}
	if s.cfg.QueueWait < 0 {
		return false
	}
	t := time.NewTimer(s.cfg.QueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// decodeBody reads r's JSON body into v: one JSON value, no unknown
// fields.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return badRequest("the request has no body: it needs a JSON object")
		}
		return badRequest("the request body is not the JSON expected: " + strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return badRequest("the request body holds more than one JSON value")
	}
	return nil
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPI)
	return nil
}
