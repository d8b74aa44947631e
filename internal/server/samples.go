package server

import (
	"fmt"
	"math/big"
	"net/http"
	"runtime/debug"
)

// sample is a query the console offers to start from.
type sample struct {
	Title string `json:"title"`
	SQL   string `json:"sql"`
}

// samples are the README's questions; TestSamples runs each.
var samples = []sample{
	{"Most frequent calls", "SELECT eventname, count(*) AS count\nFROM cloudtrail\nGROUP BY eventname\nORDER BY count DESC\nLIMIT 10"},
	{"Errors by user on one day", "SELECT useridentity.arn, errorcode, count(*) AS count\nFROM cloudtrail\nWHERE year = '2019' AND month = '09' AND day = '30' AND errorcode != ''\nGROUP BY errorcode, useridentity.arn\nORDER BY count DESC\nLIMIT 50"},
	{"Console logins", "SELECT eventtime, useridentity.arn, sourceipaddress,\n       json_extract_scalar(responseelements, '$.ConsoleLogin') AS result\nFROM cloudtrail\nWHERE eventname = 'ConsoleLogin'\nORDER BY eventtime DESC\nLIMIT 100"},
	{"Security groups opened to the world", "SELECT eventtime, useridentity.arn, json_extract_scalar(requestparameters, '$.groupId') AS groupid\nFROM cloudtrail\nWHERE eventname = 'AuthorizeSecurityGroupIngress'\n  AND requestparameters LIKE '%0.0.0.0/0%'\nORDER BY eventtime DESC"},
	{"Root account activity", "SELECT eventtime, eventname, sourceipaddress, useragent\nFROM cloudtrail\nWHERE useridentity.type = 'Root'\nORDER BY eventtime DESC\nLIMIT 100"},
	{"Access denied, by principal", "SELECT useridentity.arn, eventsource, eventname, count(*) AS denied\nFROM cloudtrail\nWHERE errorcode IN ('AccessDenied', 'Client.UnauthorizedOperation', 'AccessDeniedException')\nGROUP BY 1, 2, 3\nORDER BY denied DESC\nLIMIT 50"},
	{"Events per day and account", "SELECT account, year, month, day, count(*) AS events\nFROM cloudtrail\nGROUP BY account, year, month, day\nORDER BY year, month, day, account"},
	{"Calls from outside AWS, by address", "SELECT sourceipaddress, count(*) AS calls, approx_distinct(useridentity.arn) AS principals\nFROM cloudtrail\nWHERE sourceipaddress NOT LIKE '%.amazonaws.com' AND sourceipaddress NOT LIKE 'AWS Internal'\nGROUP BY sourceipaddress\nORDER BY calls DESC\nLIMIT 50"},
	{"Every event of one log file, from logs", "SELECT object, record.eventtime, record.eventname\nFROM logs CROSS JOIN UNNEST(records) AS t(record)\nLIMIT 100"},
}

func (s *Server) handleSamples(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, samples)
	return nil
}

// statusJSON is what GET /api/status says about the server.
type statusJSON struct {
	Version       string `json:"version"`
	TokenRequired bool   `json:"token_required"`
	Sync          bool   `json:"sync"`
	Integrity     bool   `json:"integrity"`
	MaxRows       int    `json:"max_rows"`
	MaxQueries    int    `json:"max_queries"`
	TimeoutMS     int64  `json:"timeout_ms"`
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) error {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	writeJSON(w, http.StatusOK, statusJSON{Version: v, TokenRequired: s.cfg.Token != "", Sync: s.cfg.Sync != nil,
		Integrity: s.cfg.Verify != nil, MaxRows: s.cfg.MaxRows, MaxQueries: s.cfg.MaxQueries, TimeoutMS: s.cfg.Timeout.Milliseconds()})
	return nil
}

// findingGroup is one group of GET /api/findings.
type findingGroup struct {
	Key      string `json:"key"`   // the rule id, or the tactic
	Title    string `json:"title"` // the rule's title, or the tactic
	Level    string `json:"level,omitempty"`
	Findings int64  `json:"findings"`
	Events   int64  `json:"events"`
	First    any    `json:"first"`
	Last     any    `json:"last"`
}

// findingQueries are the queries of the two groupings over the findings
// table that the detections keep.
var findingQueries = map[string]string{
	"rule": `SELECT rule_id, arbitrary(title), arbitrary(level), count(*), sum(events), min(first), max(last)
FROM findings GROUP BY rule_id ORDER BY count(*) DESC, rule_id`,
	"tactic": `SELECT tactic, tactic, NULL, count(*), sum(events), min(first), max(last)
FROM findings CROSS JOIN UNNEST(tactics) AS t(tactic) GROUP BY tactic ORDER BY count(*) DESC, tactic`,
}

func (s *Server) handleFindings(w http.ResponseWriter, r *http.Request) error {
	group := r.URL.Query().Get("group")
	if group == "" {
		group = "rule"
	}
	text, ok := findingQueries[group]
	if !ok {
		return badRequest(fmt.Sprintf("group %q is not rule or tactic", group))
	}
	res, err := s.app.Query(r.Context(), text)
	if err != nil {
		return err
	}
	out := []findingGroup{}
	for _, row := range res.Rows {
		g := findingGroup{Key: str(row[0]), Title: str(row[1]), Level: str(row[2]), First: jsonRow(row[5:6])[0], Last: jsonRow(row[6:7])[0]}
		g.Findings, _ = row[3].(int64)
		g.Events = toInt64(row[4])
		out = append(out, g)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case *big.Int:
		return x.Int64()
	}
	return 0
}
