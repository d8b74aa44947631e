package server

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/sqltree"
)

// timeRange is the [From, To) of the console's time presets.
type timeRange struct {
	From, To time.Time // zero: unbounded on that side
}

func (tr timeRange) empty() bool { return tr.From.IsZero() && tr.To.IsZero() }

// parseTimeRange reads from and to (RFC 3339; either may be empty).
func parseTimeRange(from, to string) (timeRange, error) {
	var tr timeRange
	for _, x := range []struct {
		name, s string
		t       *time.Time
	}{{"from", from, &tr.From}, {"to", to, &tr.To}} {
		if x.s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, x.s)
		if err != nil {
			return tr, badRequest(fmt.Sprintf("%s %q is not an RFC 3339 time like 2024-05-01T00:00:00Z", x.name, x.s))
		}
		*x.t = t.UTC()
	}
	if !tr.From.IsZero() && !tr.To.IsZero() && !tr.From.Before(tr.To) {
		return tr, badRequest(fmt.Sprintf("from %s is not before to %s", from, to))
	}
	return tr, nil
}

// reEventTable matches the names of the tables of events: each of them is
// restricted to the time range.
var reEventTable = regexp.MustCompile(`^(cloudtrail|cloudtrail_logs|cloudtrail_\d{12})$`)

// withTimeRange returns text with every table of events it reads (that a
// WITH query of the same name does not shadow) replaced by the same table
// restricted to tr:
//
//	FROM cloudtrail c  →  FROM (SELECT * FROM cloudtrail WHERE <partitions> AND <eventtime>) AS c
//
// The restriction has two parts: the partition columns (year, month,
// day) bounded by the days of tr, which the query layer prunes files with,
// and the exact bound on from_iso8601_timestamp(eventtime), which decides.
// The partition bound is implied by the exact one (an event's day is its
// eventTime's UTC day), so the answer is that of the query with the exact
// bound written in every such table's WHERE clause by hand. Every other
// part of the query is left as written; the logs table (log files and
// their records) cannot be restricted this way and is refused.
func withTimeRange(text string, tr timeRange) (string, error) {
	if tr.empty() {
		return text, nil
	}
	stmt, err := sqltree.Parse(text)
	if err != nil {
		// A syntax error, or a statement that is not a query: the query
		// layer says what is wrong, where, and what to do instead.
		return text, nil
	}
	q, ok := stmt.(*sqltree.Query)
	if !ok {
		if ex, isExplain := stmt.(*sqltree.Explain); isExplain {
			q, ok = ex.Stmt.(*sqltree.Query)
		}
		if !ok {
			return "", badRequest("a time range applies to queries (SELECT, WITH, VALUES), not to SHOW or DESCRIBE: send it without from and to")
		}
	}
	w := &timeWrapper{tr: tr, made: map[*sqltree.Query]bool{}, helpers: helperColumnsNamed(stmt)}
	if err := w.query(q, nil); err != nil {
		return "", err
	}
	return sqltree.Format(stmt), nil
}

type timeWrapper struct {
	tr      timeRange
	helpers []string                // trailsql's helper columns the query names (see helperColumnsNamed)
	made    map[*sqltree.Query]bool // the restricted tables' own queries
	err     error
}

// query restricts the tables of q; shadow holds the WITH names in scope.
func (w *timeWrapper) query(q *sqltree.Query, shadow map[string]bool) error {
	if w.made[q] {
		return nil
	}
	scope := map[string]bool{}
	for k := range shadow {
		scope[k] = true
	}
	if q.With != nil {
		if q.With.Recursive {
			for _, c := range q.With.CTEs {
				scope[strings.ToLower(c.Name.Name)] = true
			}
		}
		for _, c := range q.With.CTEs {
			if err := w.query(c.Query, scope); err != nil {
				return err
			}
			// Each WITH query sees those before it (and, when recursive,
			// all of them).
			scope = copyScope(scope)
			scope[strings.ToLower(c.Name.Name)] = true
		}
	}
	w.walk(q.Body, scope)
	for _, o := range q.OrderBy {
		w.walk(o, scope)
	}
	if q.Limit != nil {
		w.walk(q.Limit, scope)
	}
	return w.err
}

func copyScope(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m)+1)
	for k := range m {
		out[k] = true
	}
	return out
}

// walk restricts the tables under n, and those of the queries nested in
// it (subqueries in FROM and in expressions) with their own scope.
func (w *timeWrapper) walk(n sqltree.Node, scope map[string]bool) {
	sqltree.Walk(n, func(c sqltree.Node) bool {
		if w.err != nil {
			return false
		}
		switch c := c.(type) {
		case *sqltree.Query:
			if err := w.query(c, scope); err != nil && w.err == nil {
				w.err = err
			}
			return false
		case *sqltree.Select:
			for i, r := range c.From {
				c.From[i] = w.relation(r, scope)
			}
		case *sqltree.Join:
			c.Left = w.relation(c.Left, scope)
			c.Right = w.relation(c.Right, scope)
		case *sqltree.ParenRelation:
			c.Rel = w.relation(c.Rel, scope)
		case *sqltree.Sample:
			c.Rel = w.relation(c.Rel, scope)
		}
		return true
	})
}

// relation returns r restricted to the time range when it is a table of
// events.
func (w *timeWrapper) relation(r sqltree.Relation, scope map[string]bool) sqltree.Relation {
	var alias *sqltree.TableAlias
	if p, ok := r.(*sqltree.ParenRelation); ok {
		// (cloudtrail [c]) AS x: the restricted table takes the place of
		// the parentheses, with their alias (a subquery with an alias
		// cannot be aliased again).
		if _, isTable := p.Rel.(*sqltree.Table); !isTable {
			return r
		}
		out := w.relation(p.Rel, scope)
		if sub, ok := out.(*sqltree.SubqueryRelation); ok && p.Alias != nil {
			sub.Alias = p.Alias
			return sub
		}
		p.Rel = out
		return p
	}
	t, ok := r.(*sqltree.Table)
	if !ok || len(t.Name) == 0 {
		return r
	}
	name := strings.ToLower(t.Name[len(t.Name)-1].Name)
	if scope[name] {
		return r
	}
	if name == "logs" && len(t.Name) <= 3 {
		if w.err == nil {
			w.err = badRequest("a time range cannot restrict the logs table (log files with their records): filter the records' eventtime in the query, or send it without from and to")
		}
		return r
	}
	if !reEventTable.MatchString(name) {
		return r
	}
	sub, err := w.restricted(name)
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return r
	}
	w.made[sub] = true
	alias = t.Alias
	if alias == nil {
		alias = &sqltree.TableAlias{Name: &sqltree.Ident{Name: t.Name[len(t.Name)-1].Name, Quoted: t.Name[len(t.Name)-1].Quoted}}
	}
	return &sqltree.SubqueryRelation{Pos: t.Pos, Query: sub, Alias: alias}
}

// restricted returns SELECT * FROM name WHERE <the time range>.
func (w *timeWrapper) restricted(name string) (*sqltree.Query, error) {
	var conds []string
	var vals []string
	day := func(t time.Time) []string { return []string{t.Format("2006"), t.Format("01"), t.Format("02")} }
	if !w.tr.From.IsZero() {
		conds = append(conds, "(year > ? OR year = ? AND (month > ? OR month = ? AND day >= ?))",
			"from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp(?)")
		d := day(w.tr.From)
		vals = append(vals, d[0], d[0], d[1], d[1], d[2], w.tr.From.Format(time.RFC3339Nano))
	}
	if !w.tr.To.IsZero() {
		conds = append(conds, "(year < ? OR year = ? AND (month < ? OR month = ? AND day <= ?))",
			"from_iso8601_timestamp(eventtime) < from_iso8601_timestamp(?)")
		d := day(w.tr.To.Add(-time.Nanosecond))
		vals = append(vals, d[0], d[0], d[1], d[1], d[2], w.tr.To.Format(time.RFC3339Nano))
	}
	sel := "*"
	for _, h := range w.helpers {
		sel += ", " + h
	}
	return bindQuery("SELECT "+sel+" FROM "+name+" WHERE "+strings.Join(conds, " AND "), vals...)
}

// helperColumns are trailsql's columns of the tables of events that
// SELECT * leaves out but a query may name.
var helperColumns = []string{"eventtimestamp", "_raw", "_object", "_extra", "_nulls", "_fp", "_hash"}

// helperColumnsNamed returns the helper columns that stmt names (as a
// column or as the field of x.field), so that the restricted tables keep
// them. (A SELECT * over a restricted table then has them too.)
func helperColumnsNamed(stmt sqltree.Statement) []string {
	named := map[string]bool{}
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		switch n := n.(type) {
		case *sqltree.Ident:
			named[strings.ToLower(n.Name)] = true
		case *sqltree.Dereference:
			named[strings.ToLower(n.Field.Name)] = true
		}
		return true
	})
	var out []string
	for _, h := range helperColumns {
		if named[h] {
			out = append(out, h)
		}
	}
	return out
}

// bindQuery parses template, a query written here whose ? parameters
// stand for the string values, and returns its tree with the values put
// in as string literals: values never become SQL text.
func bindQuery(template string, values ...string) (*sqltree.Query, error) {
	q, err := sqltree.ParseQuery(template)
	if err != nil {
		return nil, fmt.Errorf("BUG: cannot parse %q: %w", template, err)
	}
	n := 0
	sqltree.Rewrite(q, func(c sqltree.Node) sqltree.Node {
		if p, ok := c.(*sqltree.Param); ok {
			n++
			if p.Index < len(values) {
				return &sqltree.StringLit{Value: values[p.Index]}
			}
		}
		return c
	})
	if n != len(values) {
		return nil, fmt.Errorf("BUG: %q has %d parameters for %d values", template, n, len(values))
	}
	return q, nil
}
