package detect

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/sigma"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// Range bounds the events a Run evaluates.
type Range struct {
	// Since and Until bound the events' time: [Since, Until). A zero
	// value leaves that side open. Correlations read from the start of
	// the window that holds Since, so that a window cut by Since is
	// counted whole.
	Since, Until time.Time
	// Accounts and Regions keep the events of these accounts and regions
	// (all when empty).
	Accounts, Regions []string
}

// Querier runs a query in Athena's dialect over the lake's tables and
// yields its rows (query.Engine does).
type Querier interface {
	Stream(ctx context.Context, sql string, args ...any) (*query.Rows, error)
}

// Run evaluates the rules over the events in r and returns what they
// find, sorted by first event time, rule and key: one finding per
// matching event for a plain rule, one per group and window for a
// correlation. All plain rules share one scan of the cloudtrail table;
// each correlation runs its own query. Rules that a correlation refers to
// without `generate: true` give no findings of their own.
func Run(ctx context.Context, q Querier, rules []*Rule, r Range) ([]Finding, error) {
	var plain []*Rule
	var out []Finding
	for _, rule := range rules {
		switch {
		case rule.corr != nil:
			fs, err := runCorrelation(ctx, q, rule, r)
			if err != nil {
				return nil, err
			}
			out = append(out, fs...)
		case !rule.quiet:
			plain = append(plain, rule)
		}
	}
	if len(plain) > 0 {
		fs, err := runPlain(ctx, q, plain, r)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	// Sort an index: moving the findings themselves costs more than
	// comparing them.
	idx := make([]int32, len(out))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int {
		a, b := &out[i], &out[j]
		if c := a.First.Compare(b.First); c != 0 {
			return c
		}
		if c := strings.Compare(a.RuleID, b.RuleID); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	sorted := make([]Finding, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
	}
	return sorted, nil
}

// PlainSQL returns the query that evaluates the plain rules among rules
// over r in one scan (what Run sends to the engine).
func PlainSQL(rules []*Rule, r Range) string {
	var plain []*Rule
	for _, rule := range rules {
		if rule.corr == nil && !rule.quiet {
			plain = append(plain, rule)
		}
	}
	return sqltree.Format(plainQuery(plain, r))
}

// plainQuery is the scan of the plain rules: the events for which one of
// the rules' conditions holds, with the list of those rules (their
// indexes). The rules whose event names are known share one branch,
// which tests the names first; the rules that may match any event name
// share another (UNION ALL), so that the events they keep (one SigmaHQ
// rule keeps every call made with a role) are not tested against every
// other rule.
func plainQuery(rules []*Rule, r Range) *sqltree.Query {
	base := func() []sqltree.Expr {
		return []sqltree.Expr{col("eventid"), col("_fp"), col("eventtimestamp"), col("account"), col("region"),
			col("useridentity", "arn"), col("sourceipaddress")}
	}
	type branch struct {
		hits, conds []sqltree.Expr
		names       [][]string
		named       []bool
	}
	var named, other branch
	for i, rule := range rules {
		b := &other
		if rule.named {
			b = &named
		}
		b.hits = append(b.hits, tmpl("CASE WHEN _1 THEN _2 END", cloneExpr(rule.Where), str(strconv.Itoa(i))))
		b.conds, b.names, b.named = append(b.conds, rule.Where), append(b.names, rule.names), append(b.named, rule.named)
	}
	var bodies []sqltree.QueryBody
	for _, b := range []branch{named, other} {
		if len(b.hits) == 0 {
			continue
		}
		q := selectQuery(append(base(), tmpl("array_join(filter(_1, x -> x IS NOT NULL), ',')", &sqltree.ArrayExpr{Elems: b.hits})),
			and(rangeCond(r), scanCond(b.conds, b.names, b.named)))
		bodies = append(bodies, q.Body)
	}
	if len(bodies) == 0 {
		return selectQuery(append(base(), str("")), boolean(false))
	}
	body := bodies[0]
	for _, b := range bodies[1:] {
		body = &sqltree.SetOp{Op: "UNION", All: true, Left: body, Right: b}
	}
	return &sqltree.Query{Body: body}
}

// selectQuery is SELECT items FROM cloudtrail WHERE where.
func selectQuery(items []sqltree.Expr, where sqltree.Expr) *sqltree.Query {
	sel := &sqltree.Select{From: []sqltree.Relation{&sqltree.Table{Name: []*sqltree.Ident{{Name: "cloudtrail"}}}}, Where: where}
	for _, it := range items {
		sel.Items = append(sel.Items, &sqltree.SelectItem{Expr: it})
	}
	return &sqltree.Query{Body: sel}
}

// rangeCond is the condition of the events in r: on the event time, and
// on the partitions (day, account, region) so that the engine prunes.
func rangeCond(r Range) sqltree.Expr {
	var xs []sqltree.Expr
	if !r.Since.IsZero() {
		s := r.Since.UTC()
		xs = append(xs,
			tmpl(`"timestamp" >= _1`, str(s.Format("2006/01/02"))),
			tmpl("eventtimestamp >= from_iso8601_timestamp(_1)", str(s.Format(time.RFC3339Nano))))
	}
	if !r.Until.IsZero() {
		u := r.Until.UTC()
		xs = append(xs,
			tmpl(`"timestamp" <= _1`, str(u.Add(-time.Microsecond).Format("2006/01/02"))),
			tmpl("eventtimestamp < from_iso8601_timestamp(_1)", str(u.Format(time.RFC3339Nano))))
	}
	for _, p := range []struct {
		col  string
		vals []string
	}{{"account", r.Accounts}, {"region", r.Regions}} {
		if len(p.vals) == 0 {
			continue
		}
		in := &sqltree.In{X: col(p.col)}
		for _, v := range p.vals {
			in.List = append(in.List, str(v))
		}
		xs = append(xs, in)
	}
	return and(xs...)
}

// runPlain runs the plain rules' scan and makes a finding per event and
// rule.
func runPlain(ctx context.Context, q Querier, rules []*Rule, r Range) ([]Finding, error) {
	sql := sqltree.Format(plainQuery(rules, r))
	rows, err := q.Stream(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("cannot run the detection rules: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		row := rows.Row()
		id, _ := row[0].(string)
		group := id
		if id == "" {
			group = fmt.Sprintf("fp:%v", row[1])
		}
		t, _ := row[2].(time.Time)
		hits, _ := row[7].(string)
		for _, h := range strings.Split(hits, ",") {
			i, err := strconv.Atoi(h)
			if err != nil || i < 0 || i >= len(rules) {
				continue
			}
			rule := rules[i]
			f := newFinding(rule)
			f.First, f.Last = t.UTC(), t.UTC()
			f.Account, f.Region, f.Principal, f.SourceIP = text(row[3]), text(row[4]), text(row[5]), text(row[6])
			if id != "" {
				f.EventIDs = []string{id}
			}
			f.Events = 1
			f.Key = FindingKey(rule.ID(), group, "")
			out = append(out, f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot run the detection rules: %w", err)
	}
	if rows.Truncated() {
		return nil, fmt.Errorf("cannot run the detection rules: more matching events than the engine's row limit")
	}
	return out, nil
}

func newFinding(rule *Rule) Finding {
	return Finding{
		RuleID: rule.ID(), Title: rule.Sigma.Title, Level: rule.Sigma.Level,
		Tactics: rule.Tactics, Techniques: rule.Techniques,
	}
}

func text(v any) string {
	s, _ := v.(string)
	return s
}

// CorrelationSQL returns the query that evaluates a correlation rule
// over r (what Run sends to the engine); "" for a plain rule.
func CorrelationSQL(rule *Rule, r Range) string {
	if rule.corr == nil {
		return ""
	}
	return sqltree.Format(correlationQuery(rule.corr, lookback(rule.corr, r)))
}

// lookback moves r's start to the start of its window.
func lookback(c *correlation, r Range) Range {
	if c.window > 0 && !r.Since.IsZero() {
		s := int64(c.window / time.Second)
		u := r.Since.Unix()
		w := u / s * s
		if u < 0 && u%s != 0 {
			w -= s
		}
		r.Since = time.Unix(w, 0).UTC()
	}
	return r
}

// correlationQuery groups the events of a correlation's rules by group
// and window, and keeps the groups whose count passes the thresholds.
//
//	SELECT * FROM (
//	  SELECT g0, ..., w, <count> AS cnt, min(t), max(t), ids, first event's account, ...
//	  FROM (SELECT <first rule matched> AS r, <each rule matched> AS m0..., t, eventid, ..., g0..., w
//	        FROM cloudtrail WHERE <range> AND (c0 OR c1 ...))
//	  GROUP BY g0, ..., w)
//	WHERE <thresholds on cnt>
func correlationQuery(c *correlation, r Range) *sqltree.Query {
	n := len(c.conds)
	first := &sqltree.Case{}
	for i, cond := range c.conds {
		first.Whens = append(first.Whens, &sqltree.When{Cond: cloneExpr(cond), Result: num(int64(i))})
	}
	// per picks, for an event, the expression of the first rule it matched.
	per := func(exprs []sqltree.Expr) sqltree.Expr {
		if len(exprs) == 1 {
			return cloneExpr(exprs[0])
		}
		cs := &sqltree.Case{}
		for i, cond := range c.conds {
			cs.Whens = append(cs.Whens, &sqltree.When{Cond: cloneExpr(cond), Result: cloneExpr(exprs[i])})
		}
		return cs
	}
	inner := []*sqltree.SelectItem{
		{Expr: first, Alias: &sqltree.Ident{Name: "r"}},
		{Expr: col("eventtimestamp"), Alias: &sqltree.Ident{Name: "t"}},
		{Expr: tmpl("coalesce(eventid, '')"), Alias: &sqltree.Ident{Name: "eid"}},
		{Expr: col("account"), Alias: &sqltree.Ident{Name: "acct"}},
		{Expr: col("region"), Alias: &sqltree.Ident{Name: "reg"}},
		{Expr: col("useridentity", "arn"), Alias: &sqltree.Ident{Name: "principal"}},
		{Expr: col("sourceipaddress"), Alias: &sqltree.Ident{Name: "ip"}},
	}
	if c.window > 0 {
		s := int64(c.window / time.Second)
		inner = append(inner, &sqltree.SelectItem{Expr: tmpl("CAST(floor(to_unixtime(eventtimestamp) / _1) AS BIGINT) * _1", num(s)), Alias: &sqltree.Ident{Name: "w"}})
	} else {
		inner = append(inner, &sqltree.SelectItem{Expr: tmpl("CAST(0 AS BIGINT)"), Alias: &sqltree.Ident{Name: "w"}})
	}
	for i, cond := range c.conds {
		inner = append(inner, &sqltree.SelectItem{Expr: definite(cloneExpr(cond)), Alias: &sqltree.Ident{Name: "m" + strconv.Itoa(i)}})
	}
	groupCols := []sqltree.Expr{}
	for g := range c.groupBy {
		exprs := make([]sqltree.Expr, n)
		for i := range n {
			exprs[i] = c.groupSQL[i][g]
		}
		name := "g" + strconv.Itoa(g)
		inner = append(inner, &sqltree.SelectItem{Expr: per(exprs), Alias: &sqltree.Ident{Name: name}})
		groupCols = append(groupCols, ident(name))
	}
	if c.typ == sigma.ValueCount {
		inner = append(inner, &sqltree.SelectItem{Expr: per(c.valueSQL), Alias: &sqltree.Ident{Name: "val"}})
	}
	innerSel := &sqltree.Select{Items: inner,
		From:  []sqltree.Relation{&sqltree.Table{Name: []*sqltree.Ident{{Name: "cloudtrail"}}}},
		Where: and(rangeCond(r), scanCond(c.conds, c.names, c.named))}

	var count sqltree.Expr
	switch c.typ {
	case sigma.EventCount:
		count = tmpl("count(*)")
	case sigma.ValueCount:
		count = tmpl("count(DISTINCT val)")
	case sigma.Temporal:
		var xs []sqltree.Expr
		for i := range n {
			xs = append(xs, tmpl("max(CASE WHEN _1 THEN 1 ELSE 0 END)", ident("m"+strconv.Itoa(i))))
		}
		count = xs[0]
		for _, x := range xs[1:] {
			count = &sqltree.Binary{Op: "+", X: count, Y: x}
		}
	case sigma.TemporalOrdered:
		count = orderedCount(n)
	}
	mid := []*sqltree.SelectItem{
		{Expr: ident("w")},
		{Expr: count, Alias: &sqltree.Ident{Name: "cnt"}},
		{Expr: tmpl("min(t)"), Alias: &sqltree.Ident{Name: "first_t"}},
		{Expr: tmpl("max(t)"), Alias: &sqltree.Ident{Name: "last_t"}},
		{Expr: tmpl("count(*)"), Alias: &sqltree.Ident{Name: "events"}},
		{Expr: tmpl("slice(array_agg(eid ORDER BY t, eid), 1, _1)", num(MaxEventIDs)), Alias: &sqltree.Ident{Name: "ids"}},
		{Expr: tmpl("min_by(acct, t)"), Alias: &sqltree.Ident{Name: "acct"}},
		{Expr: tmpl("min_by(reg, t)"), Alias: &sqltree.Ident{Name: "reg"}},
		{Expr: tmpl("min_by(principal, t)"), Alias: &sqltree.Ident{Name: "principal"}},
		{Expr: tmpl("min_by(ip, t)"), Alias: &sqltree.Ident{Name: "ip"}},
	}
	for _, g := range groupCols {
		mid = append(mid, &sqltree.SelectItem{Expr: cloneExpr(g)})
	}
	groupBy := append([]sqltree.Expr{ident("w")}, groupCols...)
	midSel := &sqltree.Select{Items: mid,
		From:    []sqltree.Relation{&sqltree.SubqueryRelation{Query: &sqltree.Query{Body: innerSel}, Alias: &sqltree.TableAlias{Name: &sqltree.Ident{Name: "ev"}}}},
		GroupBy: &sqltree.GroupBy{Items: groupBy}}
	var th []sqltree.Expr
	for _, t := range c.thresholds {
		op := map[sigma.CompareOp]string{sigma.Gt: ">", sigma.Gte: ">=", sigma.Lt: "<", sigma.Lte: "<=", sigma.Eq: "=", sigma.Neq: "<>"}[t.Op]
		th = append(th, &sqltree.Binary{Op: op, X: ident("cnt"), Y: num(t.Value)})
	}
	if len(th) == 0 {
		th = []sqltree.Expr{boolean(false)}
	}
	outer := &sqltree.Select{Items: []*sqltree.SelectItem{{Expr: &sqltree.Star{}}},
		From:  []sqltree.Relation{&sqltree.SubqueryRelation{Query: &sqltree.Query{Body: midSel}, Alias: &sqltree.TableAlias{Name: &sqltree.Ident{Name: "grp"}}}},
		Where: and(th...)}
	return &sqltree.Query{Body: outer}
}

// orderedCount is temporal_ordered's count over a group: rule 0's
// earliest match, then rule 1's earliest match at or after it, and so on;
// the count is how far the chain gets.
func orderedCount(n int) sqltree.Expr {
	ts := make([]sqltree.Expr, n)
	for i := range n {
		arr := tmpl("coalesce(array_agg(t) FILTER (WHERE _1), ARRAY[])", ident("m"+strconv.Itoa(i)))
		if i == 0 {
			ts[i] = call("array_min", arr)
		} else {
			ts[i] = tmpl("array_min(filter(_1, x -> x >= _2))", arr, cloneExpr(ts[i-1]))
		}
	}
	cs := &sqltree.Case{Else: num(int64(n))}
	for i := range n {
		cs.Whens = append(cs.Whens, &sqltree.When{Cond: &sqltree.IsNull{X: cloneExpr(ts[i])}, Result: num(int64(i))})
	}
	return cs
}

// runCorrelation runs one correlation's query and makes a finding per
// group and window.
func runCorrelation(ctx context.Context, q Querier, rule *Rule, r Range) ([]Finding, error) {
	c := rule.corr
	sql := sqltree.Format(correlationQuery(c, lookback(c, r)))
	rows, err := q.Stream(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("cannot run correlation %s: %w", rule.ID(), err)
	}
	defer rows.Close()
	cols := rows.Columns()
	idx := map[string]int{}
	for i, cl := range cols {
		idx[cl.Name] = i
	}
	var out []Finding
	for rows.Next() {
		row := rows.Row()
		f := newFinding(rule)
		f.First, _ = row[idx["first_t"]].(time.Time)
		f.Last, _ = row[idx["last_t"]].(time.Time)
		f.First, f.Last = f.First.UTC(), f.Last.UTC()
		f.Events, _ = row[idx["events"]].(int64)
		f.Account, f.Region, f.Principal, f.SourceIP = text(row[idx["acct"]]), text(row[idx["reg"]]), text(row[idx["principal"]]), text(row[idx["ip"]])
		if raw, ok := row[idx["ids"]].(json.RawMessage); ok {
			if err := json.Unmarshal(raw, &f.EventIDs); err != nil {
				return nil, fmt.Errorf("cannot read correlation %s's event ids: %w", rule.ID(), err)
			}
		}
		vals := make([]sigma.GroupValue, len(c.groupBy))
		for g := range c.groupBy {
			if v := row[idx["g"+strconv.Itoa(g)]]; v == nil {
				vals[g].Null = true
			} else {
				vals[g].Value = fmt.Sprint(v)
			}
		}
		f.Group = GroupText(c.groupBy, vals)
		window := ""
		if c.window > 0 {
			w, _ := row[idx["w"]].(int64)
			window = time.Unix(w, 0).UTC().Format(time.RFC3339)
		}
		f.Key = FindingKey(rule.ID(), f.Group, window)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot run correlation %s: %w", rule.ID(), err)
	}
	return out, nil
}

// GroupText is a correlation finding's Group: "field=value" per group-by
// field, joined by ", " (a null value is "null").
func GroupText(names []string, vals []sigma.GroupValue) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + vals[i].String()
	}
	return strings.Join(parts, ", ")
}
