package server

import (
	"fmt"
	"net/http"

	"github.com/trailsql/trailsql/internal/report"
)

// reportJSON describes one built-in report and the form it needs.
type reportJSON struct {
	Name        string      `json:"name"`
	Title       string      `json:"title"`
	Question    string      `json:"question,omitempty"`
	Description string      `json:"description"`
	Params      []paramJSON `json:"params"`
	SQL         string      `json:"sql"`
}

type paramJSON struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Default     string `json:"default"`
	Required    bool   `json:"required"`
}

func (s *Server) handleReports(w http.ResponseWriter, r *http.Request) error {
	out := []reportJSON{}
	for _, rep := range s.reports.Reports() {
		rj := reportJSON{Name: rep.Name, Title: rep.Title, Question: rep.Question, Description: rep.Description,
			Params: []paramJSON{}, SQL: rep.Body()}
		for _, p := range rep.Params {
			rj.Params = append(rj.Params, paramJSON{Name: p.Name, Type: p.Type, Description: p.Doc, Default: p.Default, Required: p.Required})
		}
		out = append(out, rj)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// reportRequest is the body of POST /api/reports/{name}: the report's
// parameters, and its scope (a time range and an account).
type reportRequest struct {
	Params  map[string]string `json:"params"`
	From    string            `json:"from,omitempty"`
	To      string            `json:"to,omitempty"`
	Account string            `json:"account,omitempty"`
}

func (s *Server) handleRunReport(w http.ResponseWriter, r *http.Request) error {
	rep := s.reports.Lookup(r.PathValue("name"))
	if rep == nil {
		return notFound(fmt.Sprintf("no report %q (GET /api/reports lists them)", r.PathValue("name")))
	}
	var req reportRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	tr, err := parseTimeRange(req.From, req.To)
	if err != nil {
		return err
	}
	text, args, _, err := rep.Bind(report.Inputs{Params: req.Params, Since: tr.From, Until: tr.To, Account: req.Account})
	if err != nil {
		return badRequest(err.Error())
	}
	// The report's own scope parameters apply the time range.
	return s.answer(w, r, text, args, timeRange{})
}
