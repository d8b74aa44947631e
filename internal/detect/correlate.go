package detect

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/trailsql/trailsql/internal/sigma"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// compileCorrelation compiles a correlation rule over the rules it refers
// to (see package sigma's documentation for the semantics: tumbling
// windows aligned to the epoch, group-by values without array fan-out,
// each event counted once).
func compileCorrelation(c *sigma.Correlation, byRef map[string]*sigma.Rule) (*correlation, error) {
	out := &correlation{typ: c.Type, groupBy: c.GroupBy, window: c.Timespan, thresholds: c.Condition.Thresholds}
	switch c.Type {
	case sigma.EventCount, sigma.ValueCount, sigma.Temporal, sigma.TemporalOrdered:
	default:
		return nil, fmt.Errorf("correlation type %q is not supported", c.Type)
	}
	if c.Timespan <= 0 {
		return nil, errors.New("the correlation has no timespan")
	}
	if len(c.Rules) == 0 {
		return nil, errors.New("the correlation refers to no rule")
	}
	for _, name := range c.Rules {
		r := byRef[name]
		switch {
		case r == nil:
			return nil, fmt.Errorf("the correlation refers to rule %q, which is not among the rules given", name)
		case r.Correlation != nil:
			return nil, fmt.Errorf("the correlation refers to correlation %q (chained correlations are not supported)", name)
		case r.Detection.Aggregation != nil:
			return nil, fmt.Errorf("the correlation refers to %q, a rule with an aggregation", name)
		case len(r.Unsupported) > 0:
			return nil, fmt.Errorf("the correlation refers to %q, which uses unsupported features: %s", name, strings.Join(r.Unsupported, "; "))
		}
		where, err := compileDetection(r.Detection)
		if err != nil {
			return nil, fmt.Errorf("referenced rule %q: %w", name, err)
		}
		out.conds = append(out.conds, where)
		names, named := eventNames(r.Detection)
		out.names, out.named = append(out.names, names), append(out.named, named)
		var gs []sqltree.Expr
		for _, g := range c.GroupBy {
			gs = append(gs, groupValue(fieldFor(c, g, name, r)))
		}
		out.groupSQL = append(out.groupSQL, gs)
		if c.Type == sigma.ValueCount {
			if c.Condition.Field == "" {
				return nil, errors.New("value_count without a condition field")
			}
			out.valueSQL = append(out.valueSQL, groupValue(fieldFor(c, c.Condition.Field, name, r)))
		}
	}
	return out, nil
}

// fieldFor is the field a group-by name stands for in the events of
// referenced rule name (through the correlation's aliases).
func fieldFor(c *sigma.Correlation, field, name string, r *sigma.Rule) []string {
	if m, ok := c.Aliases[field]; ok {
		for _, k := range []string{name, r.Name, r.ID} {
			if f, ok := m[k]; ok && k != "" {
				return strings.Split(f, ".")
			}
		}
	}
	return strings.Split(field, ".")
}

// compileAggregation compiles the old `| count() by ... > n` form: a
// correlation of the rule with itself.
func compileAggregation(d *sigma.Detection, where sqltree.Expr) (*correlation, error) {
	a := d.Aggregation
	if a.Func != "count" {
		return nil, fmt.Errorf("aggregation %q is not supported", a.Func)
	}
	out := &correlation{typ: sigma.EventCount, groupBy: a.GroupBy, window: d.Timeframe,
		thresholds: []sigma.Threshold{a.Threshold}, conds: []sqltree.Expr{where}}
	names, named := eventNames(d)
	out.names, out.named = [][]string{names}, []bool{named}
	var gs []sqltree.Expr
	for _, g := range a.GroupBy {
		gs = append(gs, groupValue(strings.Split(g, ".")))
	}
	out.groupSQL = [][]sqltree.Expr{gs}
	if a.Field != "" {
		out.typ = sigma.ValueCount
		out.valueSQL = []sqltree.Expr{groupValue(strings.Split(a.Field, "."))}
	}
	return out, nil
}

// groupValue is the single value of a group-by field (sigma.Field): the
// key as spelled (then, for columns, whatever its case), no array fan-out,
// NULL for a missing key, JSON null, an object or an array.
func groupValue(path []string) sqltree.Expr {
	nodes := recordSchema
	var cols []string
	for i, key := range path {
		n, ok := nodes[strings.ToLower(key)]
		if !ok {
			if i == 0 {
				return jsonScalar(col("_extra"), path)
			}
			return tmpl("CAST(NULL AS VARCHAR)")
		}
		cols = append(cols, n.column)
		rest := path[i+1:]
		switch n.kind {
		case nodeJSON:
			if len(rest) == 0 {
				return jsonScalar(col(cols...), nil)
			}
			return jsonScalar(col(cols...), rest)
		case nodeStruct:
			if len(rest) == 0 {
				return tmpl("CAST(NULL AS VARCHAR)")
			}
			nodes = n.sub
		case nodeScalar:
			if len(rest) > 0 {
				return tmpl("CAST(NULL AS VARCHAR)")
			}
			return col(cols...)
		default: // a list: an array on the way
			return tmpl("CAST(NULL AS VARCHAR)")
		}
	}
	return tmpl("CAST(NULL AS VARCHAR)")
}

// jsonScalar is the scalar at keys (as spelled) in the JSON text.
func jsonScalar(text sqltree.Expr, keys []string) sqltree.Expr {
	var b strings.Builder
	b.WriteString("$")
	for _, k := range keys {
		if strings.ContainsAny(k, `"\\`) {
			return tmpl("CAST(NULL AS VARCHAR)") // no such key in CloudTrail
		}
		b.WriteString(`["` + k + `"]`)
	}
	return call("json_extract_scalar", text, str(b.String()))
}

// scanCond is the condition of the events that one of conds matches,
// with the event names that the named conditions can match tested first,
// once per event:
//
//	CASE WHEN lower(eventname) IN (names...) THEN c1 OR c2 ... ELSE FALSE END OR c3 OR ...
//
// where c1, c2 are the conditions whose names are known and c3 ... the
// others.
func scanCond(conds []sqltree.Expr, names [][]string, named []bool) sqltree.Expr {
	var known, other []sqltree.Expr
	set := map[string]bool{}
	for i, c := range conds {
		if !named[i] {
			other = append(other, cloneExpr(c))
			continue
		}
		known = append(known, cloneExpr(c))
		for _, n := range names[i] {
			set[n] = true
		}
	}
	if len(known) == 0 {
		return or(other...)
	}
	in := &sqltree.In{X: call("lower", col("eventname"))}
	for _, n := range slices.Sorted(maps.Keys(set)) {
		in.List = append(in.List, str(n))
	}
	// A CASE rather than an AND: DuckDB evaluates each conjunct of a
	// WHERE on every row of the scan, but a CASE's THEN only where its
	// WHEN holds.
	guard := &sqltree.Case{Whens: []*sqltree.When{{Cond: in, Result: or(known...)}}, Else: boolean(false)}
	return or(append([]sqltree.Expr{guard}, other...)...)
}
