package app

import (
	"strings"

	"github.com/trailsql/trailsql/internal/attrib"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
)

// Column types of the results made here.
var (
	colText = func(name string) query.Column { return query.Column{Name: name, Type: "VARCHAR", Athena: "varchar"} }
	colInt  = func(name string) query.Column { return query.Column{Name: name, Type: "BIGINT", Athena: "bigint"} }
	colBool = func(name string) query.Column { return query.Column{Name: name, Type: "BOOLEAN", Athena: "boolean"} }
	colTime = func(name string) query.Column {
		return query.Column{Name: name, Type: "TIMESTAMP WITH TIME ZONE", Athena: "timestamp with time zone"}
	}
)

// null is "" as SQL NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// WhoisResult is a whois answer as a table, for the formats of
// query.Write: one row per hop of each chain (a chain without hops has one
// row with a NULL hop), with the chain's origin, notes and break on each
// of its rows.
func WhoisResult(a *attrib.Answer) *query.Result {
	r := &query.Result{Columns: []query.Column{
		colInt("chain"), colInt("hop"), colText("key"), colText("principal"), colText("event"), colTime("time"),
		colText("account"), colText("region"), colText("source_ip"), colText("caller"), colText("caller_type"),
		colText("caller_key"), colText("source_identity"), colBool("cross_account"),
		colText("origin"), colText("origin_kind"), colText("notes"), colText("break"),
	}}
	for i, c := range a.Chains {
		tail := []any{null(c.Origin), null(c.OriginKind), null(strings.Join(c.Notes, "; ")), null(c.Break)}
		if len(c.Hops) == 0 {
			row := []any{int64(i + 1), nil, null(c.Start), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil}
			r.Rows = append(r.Rows, append(row, tail...))
		}
		for j, h := range c.Hops {
			var at any
			if !h.Time.IsZero() {
				at = h.Time.UTC()
			}
			row := []any{int64(i + 1), int64(j + 1), null(h.Key), null(h.Principal), null(h.Event), at,
				null(h.Account), null(h.Region), null(h.SourceIP), null(h.Caller), null(h.CallerType),
				null(h.CallerKey), null(h.SourceIdentity), h.CrossAccount}
			r.Rows = append(r.Rows, append(row, tail...))
		}
	}
	return r
}

// TimelineResult is a timeline as a table, for the formats of
// query.Write: one row per event, in time order.
func TimelineResult(evs []report.TimelineEvent) *query.Result {
	r := &query.Result{Columns: []query.Column{
		colTime("time"), colText("account"), colText("region"), colText("who"), colText("action"),
		colText("target"), colText("source_ip"), colText("outcome"),
	}}
	for _, e := range evs {
		r.Rows = append(r.Rows, []any{e.Time.UTC(), null(e.Account), null(e.Region), null(e.Who), null(e.Action),
			null(e.Target), null(e.SourceIP), null(e.Outcome)})
	}
	return r
}
