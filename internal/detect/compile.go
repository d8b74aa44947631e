package detect

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/sigma"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// Rule is a Sigma rule compiled to SQL over the cloudtrail table.
type Rule struct {
	// Sigma is the rule as read.
	Sigma *sigma.Rule
	// Where is the condition a plain detection rule puts on one event of
	// the cloudtrail table (nil for a correlation).
	Where sqltree.Expr
	// Tactics and Techniques are the rule's MITRE ATT&CK tags.
	Tactics, Techniques []string

	// corr is set for a correlation rule and for a detection rule with an
	// old count() aggregation.
	corr *correlation
	// names are the event names (lower case) the rule can match, when
	// they are known (named).
	names []string
	named bool
	// quiet marks a rule that a correlation refers to without
	// `generate: true`: it gives no findings of its own.
	quiet bool
}

// ID returns the rule's id, or its name when it has no id.
func (r *Rule) ID() string {
	if r.Sigma.ID != "" {
		return r.Sigma.ID
	}
	return r.Sigma.Name
}

// Quiet reports whether the rule gives no findings of its own: a
// correlation refers to it without `generate: true`.
func (r *Rule) Quiet() bool { return r.quiet }

// IsCorrelation reports whether the rule counts events over windows (a
// correlation rule, or an old count() aggregation) rather than matching
// single events.
func (r *Rule) IsCorrelation() bool { return r.corr != nil }

// correlation is a correlation compiled: the events of each referenced
// rule, grouped by the group-by fields over windows of the timespan.
type correlation struct {
	typ sigma.CorrelationType
	// conds are the conditions of the referenced rules' events, in the
	// order of the correlation's rules.
	conds []sqltree.Expr
	// groupBy are the group fields' names and, per referenced rule, the
	// SQL of each field's value.
	groupBy  []string
	groupSQL [][]sqltree.Expr
	// valueField is value_count's counted field, per referenced rule.
	valueSQL []sqltree.Expr
	// names and named are, per referenced rule, the event names it can
	// match, when known (see eventNames).
	names [][]string
	named []bool
	// window is the timespan; 0 for one window over the whole range (an
	// old aggregation without timeframe).
	window     time.Duration
	thresholds []sigma.Threshold
}

// RuleError is why one rule cannot be compiled.
type RuleError struct {
	// RuleID, File and Line say which rule.
	RuleID string
	File   string
	Line   int
	// Reason names the unsupported feature or the problem.
	Reason string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("%s:%d: rule %s: %s", e.File, e.Line, e.RuleID, e.Reason)
}

// Compile compiles rules to SQL. A correlation may refer to any rule
// among them, by id or name. The rules that compile are returned in the
// order given; every rule that does not is a *RuleError in the returned
// error (errors.Join), naming the exact feature that is not supported —
// such a rule is never run in part.
func Compile(rules []*sigma.Rule) ([]*Rule, error) {
	byRef := sigma.Index(rules)
	var out []*Rule
	var errs []error
	done := map[*sigma.Rule]*Rule{}
	quiet := map[*sigma.Rule]bool{}
	for _, sr := range rules {
		if sr.Correlation != nil && !sr.Correlation.Generate {
			for _, ref := range sr.Correlation.Rules {
				if d := byRef[ref]; d != nil {
					quiet[d] = true
				}
			}
		}
	}
	for _, sr := range rules {
		r, err := compileRule(sr, byRef)
		if err != nil {
			id := sr.ID
			if id == "" {
				id = sr.Name
			}
			errs = append(errs, &RuleError{RuleID: id, File: sr.File, Line: sr.Line, Reason: err.Error()})
			continue
		}
		r.quiet = quiet[sr]
		done[sr] = r
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// compileRule compiles one rule.
func compileRule(sr *sigma.Rule, byRef map[string]*sigma.Rule) (*Rule, error) {
	if len(sr.Unsupported) > 0 {
		return nil, fmt.Errorf("unsupported: %s", strings.Join(sr.Unsupported, "; "))
	}
	r := &Rule{Sigma: sr}
	r.Tactics, r.Techniques = SplitTags(sr.Tags)
	if sr.ID == "" && sr.Name == "" {
		return nil, errors.New("the rule has neither id nor name")
	}
	switch {
	case sr.Correlation != nil:
		c, err := compileCorrelation(sr.Correlation, byRef)
		if err != nil {
			return nil, err
		}
		r.corr = c
	case sr.Detection != nil:
		where, err := compileDetection(sr.Detection)
		if err != nil {
			return nil, err
		}
		r.names, r.named = eventNames(sr.Detection)
		if a := sr.Detection.Aggregation; a != nil {
			c, err := compileAggregation(sr.Detection, where)
			if err != nil {
				return nil, err
			}
			r.corr = c
		} else {
			r.Where = where
		}
	default:
		return nil, errors.New("the rule has neither detection nor correlation")
	}
	return r, nil
}

// compileDetection compiles a detection's condition.
func compileDetection(d *sigma.Detection) (sqltree.Expr, error) {
	if d.Condition == nil {
		return nil, errors.New("the detection has no condition")
	}
	c := &condCompiler{d: d, memo: map[string]sqltree.Expr{}}
	return c.expr(d.Condition)
}

type condCompiler struct {
	d    *sigma.Detection
	memo map[string]sqltree.Expr
}

func (c *condCompiler) expr(e sigma.Expr) (sqltree.Expr, error) {
	switch x := e.(type) {
	case *sigma.And:
		return c.list(x.Args, guardedAnd)
	case *sigma.Or:
		return c.list(x.Args, or)
	case *sigma.Not:
		a, err := c.expr(x.Arg)
		if err != nil {
			return nil, err
		}
		return not(definite(a)), nil
	case *sigma.Ref:
		return c.search(x.Name)
	case *sigma.OneOf:
		return c.names(x.Names, or)
	case *sigma.AllOf:
		return c.names(x.Names, guardedAnd)
	}
	return nil, fmt.Errorf("condition node %T", e)
}

func (c *condCompiler) list(args []sigma.Expr, j func(...sqltree.Expr) sqltree.Expr) (sqltree.Expr, error) {
	var xs []sqltree.Expr
	for _, a := range args {
		x, err := c.expr(a)
		if err != nil {
			return nil, err
		}
		xs = append(xs, paren(x))
	}
	return j(xs...), nil
}

func (c *condCompiler) names(names []string, j func(...sqltree.Expr) sqltree.Expr) (sqltree.Expr, error) {
	var xs []sqltree.Expr
	for _, n := range names {
		x, err := c.search(n)
		if err != nil {
			return nil, err
		}
		xs = append(xs, paren(x))
	}
	return j(xs...), nil
}

// paren is x; the printer adds the parentheses precedence needs.
func paren(x sqltree.Expr) sqltree.Expr { return x }

// search compiles a search identifier: its groups ORed, each group's
// matchers ANDed.
func (c *condCompiler) search(name string) (sqltree.Expr, error) {
	if x, ok := c.memo[name]; ok {
		return cloneExpr(x), nil
	}
	s := c.d.Search(name)
	if s == nil {
		return nil, fmt.Errorf("condition names search %q, which the detection does not define", name)
	}
	var groups []sqltree.Expr
	for _, g := range s.Groups {
		var ms []sqltree.Expr
		for _, fm := range g {
			m, err := compileMatcher(fm)
			if err != nil {
				return nil, fmt.Errorf("search %s, line %d: %w", name, fm.Line, err)
			}
			ms = append(ms, m)
		}
		groups = append(groups, guardedAnd(ms...))
	}
	x := or(groups...)
	c.memo[name] = x
	return cloneExpr(x), nil
}

// cloneExpr copies an expression (trees are rewritten in place by the
// query layer, so a node is never shared).
func cloneExpr(x sqltree.Expr) sqltree.Expr {
	e, err := sqltree.ParseExpr(sqltree.Format(x))
	if err != nil {
		panic(fmt.Sprintf("BUG: detect: printed expression does not parse: %v", err))
	}
	return e
}

// compileMatcher compiles one `field|modifiers: values` entry.
func compileMatcher(fm *sigma.FieldMatcher) (sqltree.Expr, error) {
	var fv fieldValues
	if fm.Keyword {
		// Keywords search every scalar of the record.
		if fm.Op != sigma.OpPattern && fm.Op != sigma.OpRegexp {
			return nil, fmt.Errorf("modifier %s on a keyword search is not supported", fm.Op)
		}
		fv = fieldValues{list: recordScalars(), isNull: boolean(false), found: boolean(true)}
	} else {
		var err error
		if fv, err = resolve(fm.Path); err != nil {
			return nil, fmt.Errorf("field %q: %w", fm.Field, err)
		}
	}
	if fm.Op == sigma.OpExists {
		if fm.Values[0].Exists {
			return fv.found, nil
		}
		return not(definite(fv.found)), nil
	}
	var ref fieldValues
	var xs []sqltree.Expr
	values := fm.Values
	if fm.Op == sigma.OpPattern && !fm.All && !fv.object {
		// The values are ORed: their patterns make one comparison
		// (literals one IN list), the null values stay apart.
		var ps []sigma.Pattern
		var rest []sigma.Value
		for _, v := range values {
			if v.Kind == sigma.KindNull {
				rest = append(rest, v)
			} else {
				ps = append(ps, v.Patterns...)
			}
		}
		if len(ps) > 0 {
			xs = append(xs, anyValue(fv, false, func(s sqltree.Expr) sqltree.Expr { return patterns(s, ps, fm.Cased) }))
		}
		values = rest
	}
	for i := range values {
		v := &values[i]
		var x sqltree.Expr
		switch {
		case fm.Op == sigma.OpPattern && v.Kind == sigma.KindNull:
			x = cloneExpr(fv.isNull)
		case fv.object:
			// An object compares with no pattern (its JSON text would,
			// but the lake does not keep its keys in order).
			return nil, fmt.Errorf("field %q is an object; comparing its JSON text is not supported", fm.Field)
		case fm.Op == sigma.OpPattern:
			x = anyValue(fv, false, func(s sqltree.Expr) sqltree.Expr { return patterns(s, v.Patterns, fm.Cased) })
		case fm.Op == sigma.OpRegexp:
			x = anyValue(fv, false, func(s sqltree.Expr) sqltree.Expr {
				return call("regexp_like", s, str(v.Regexp.String()))
			})
		case fm.Op == sigma.OpCIDR:
			x = anyValue(fv, true, func(s sqltree.Expr) sqltree.Expr {
				return tmpl("contains(_1, TRY_CAST(_2 AS IPADDRESS))", str(v.Prefix.Masked().String()), s)
			})
		case fm.Op == sigma.OpFieldRef:
			var err error
			if ref, err = resolve(v.RefPath); err != nil {
				return nil, fmt.Errorf("fieldref %q: %w", v.Ref, err)
			}
			if ref.object {
				return nil, fmt.Errorf("fieldref %q is an object", v.Ref)
			}
			x = anyValue(fv, false, func(a sqltree.Expr) sqltree.Expr {
				return anyValueNamed(ref, "y", func(b sqltree.Expr) sqltree.Expr { return refCompare(a, b, fm.Position, fm.Cased) })
			})
		default:
			return nil, fmt.Errorf("modifier %s is not supported", fm.Op)
		}
		xs = append(xs, x)
	}
	if fm.All {
		for i := range xs {
			xs[i] = definite(xs[i])
		}
		return and(xs...), nil
	}
	return or(xs...), nil
}

// anyValue is the condition that pred holds for one of the field's
// values (its JSON strings only, when strs is set).
func anyValue(fv fieldValues, strs bool, pred func(sqltree.Expr) sqltree.Expr) sqltree.Expr {
	if strs && fv.scalar == nil {
		fv.list = fv.strings
	}
	return anyValueNamed(fv, "x", pred)
}

func anyValueNamed(fv fieldValues, name string, pred func(sqltree.Expr) sqltree.Expr) sqltree.Expr {
	if fv.scalar != nil {
		return pred(cloneExpr(fv.scalar))
	}
	// cardinality(filter(...)) > 0 rather than any_match: the same where
	// it matters (true when a value matches), without the three-valued
	// bookkeeping of Trino's any_match, which makes the expression several
	// times longer for DuckDB to plan.
	return tmpl("cardinality(filter(_1, _2)) > 0", cloneExpr(fv.list), lambda(name, pred(ident(name))))
}

// patterns is the condition that s matches one of the patterns.
func patterns(s sqltree.Expr, ps []sigma.Pattern, cased bool) sqltree.Expr {
	if !cased {
		s = call("lower", s)
	}
	var lits []sqltree.Expr
	var xs []sqltree.Expr
	for _, p := range ps {
		if !cased {
			p = foldPattern(p)
		}
		if t, ok := p.Literal(); ok {
			lits = append(lits, str(t))
			continue
		}
		if len(p.Parts) == 1 && p.Parts[0].Kind == sigma.AnyRun {
			xs = append(xs, &sqltree.IsNull{X: s, Not: true})
			continue
		}
		xs = append(xs, &sqltree.Like{X: cloneExpr(s), Pattern: str(likePattern(p)), Escape: str(`\`)})
	}
	switch len(lits) {
	case 0:
	case 1:
		xs = append([]sqltree.Expr{eq(cloneExpr(s), lits[0])}, xs...)
	default:
		xs = append([]sqltree.Expr{&sqltree.In{X: cloneExpr(s), List: lits}}, xs...)
	}
	return or(xs...)
}

// foldPattern lower-cases a pattern's literals (sigma.Fold, which DuckDB's
// lower agrees with).
func foldPattern(p sigma.Pattern) sigma.Pattern {
	q := sigma.Pattern{Parts: make([]sigma.Part, len(p.Parts))}
	for i, part := range p.Parts {
		q.Parts[i] = sigma.Part{Kind: part.Kind, Text: sigma.Fold(part.Text)}
	}
	return q
}

// likePattern is a pattern in LIKE's notation with \ as escape.
func likePattern(p sigma.Pattern) string {
	var b strings.Builder
	for _, part := range p.Parts {
		switch part.Kind {
		case sigma.AnyRun:
			b.WriteByte('%')
		case sigma.AnyOne:
			b.WriteByte('_')
		default:
			for _, r := range part.Text {
				if r == '%' || r == '_' || r == '\\' {
					b.WriteByte('\\')
				}
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// refCompare compares a field's value a with a referenced field's value
// b: equal, or b inside a as the position says.
func refCompare(a, b sqltree.Expr, pos sigma.Position, cased bool) sqltree.Expr {
	if !cased {
		a, b = call("lower", a), call("lower", b)
	}
	switch pos {
	case sigma.Contains:
		return tmpl("strpos(_1, _2) > 0", a, b)
	case sigma.StartsWith:
		return call("starts_with", a, b)
	case sigma.EndsWith:
		return tmpl("substr(_1, greatest(length(_1) - length(_2) + 1, 1)) = _2 AND length(_1) >= length(_2)", a, b, cloneExpr(a), cloneExpr(b))
	}
	return eq(a, b)
}

// eventNames returns the event names (lower case) that a detection can
// match at all, read from its eventName matchers: a necessary condition
// that the rules sharing a scan test once per event (lower(eventname) IN
// (...)) before their own conditions. ok is false when the detection can
// match events of any name.
func eventNames(d *sigma.Detection) (names []string, ok bool) {
	set, ok := namesOf(d, d.Condition)
	if !ok {
		return nil, false
	}
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, true
}

func namesOf(d *sigma.Detection, e sigma.Expr) (map[string]bool, bool) {
	union := func(sets []map[string]bool) map[string]bool {
		out := map[string]bool{}
		for _, s := range sets {
			for n := range s {
				out[n] = true
			}
		}
		return out
	}
	// any: an AND holds only where each part does: the smallest known set.
	smallest := func(sets []map[string]bool, oks []bool) (map[string]bool, bool) {
		var best map[string]bool
		found := false
		for i, s := range sets {
			if oks[i] && (!found || len(s) < len(best)) {
				best, found = s, true
			}
		}
		return best, found
	}
	switch x := e.(type) {
	case *sigma.Ref:
		return searchNames(d.Search(x.Name))
	case *sigma.Not:
		return nil, false
	case *sigma.And, *sigma.AllOf:
		var sets []map[string]bool
		var oks []bool
		each(d, x, func(s map[string]bool, ok bool) { sets, oks = append(sets, s), append(oks, ok) })
		return smallest(sets, oks)
	case *sigma.Or, *sigma.OneOf:
		var sets []map[string]bool
		all := true
		each(d, x, func(s map[string]bool, ok bool) { sets, all = append(sets, s), all && ok })
		if !all {
			return nil, false
		}
		return union(sets), true
	}
	return nil, false
}

// each calls fn with the names of each operand of an And, Or, OneOf or
// AllOf.
func each(d *sigma.Detection, e sigma.Expr, fn func(map[string]bool, bool)) {
	switch x := e.(type) {
	case *sigma.And:
		for _, a := range x.Args {
			fn(namesOf(d, a))
		}
	case *sigma.Or:
		for _, a := range x.Args {
			fn(namesOf(d, a))
		}
	case *sigma.OneOf:
		for _, n := range x.Names {
			fn(searchNames(d.Search(n)))
		}
	case *sigma.AllOf:
		for _, n := range x.Names {
			fn(searchNames(d.Search(n)))
		}
	}
}

// searchNames is namesOf for a search: the union over its groups, each
// group known by one of its eventName matchers.
func searchNames(s *sigma.Search) (map[string]bool, bool) {
	if s == nil || len(s.Groups) == 0 {
		return nil, false
	}
	out := map[string]bool{}
	for _, g := range s.Groups {
		var best map[string]bool
		for _, fm := range g {
			if set, ok := matcherNames(fm); ok && (best == nil || len(set) < len(best)) {
				best = set
			}
		}
		if best == nil {
			return nil, false
		}
		for n := range best {
			out[n] = true
		}
	}
	return out, true
}

// matcherNames is the set of event names an eventName matcher with
// literal values accepts (lower case).
func matcherNames(fm *sigma.FieldMatcher) (map[string]bool, bool) {
	if fm.Keyword || len(fm.Path) != 1 || !strings.EqualFold(fm.Path[0], "eventName") || fm.Op != sigma.OpPattern {
		return nil, false
	}
	out := map[string]bool{}
	for _, v := range fm.Values {
		if v.Kind == sigma.KindNull {
			return nil, false
		}
		for _, p := range v.Patterns {
			t, ok := p.Literal()
			if !ok {
				return nil, false
			}
			out[sigma.Fold(t)] = true
		}
	}
	return out, len(out) > 0
}

// guardedAnd is the AND of xs, with the costly conditions (reading JSON
// text, regular expressions, list functions) evaluated only for the
// events that the others let through:
//
//	CASE WHEN <cheap ...> THEN <costly ...> ELSE FALSE END
//
// DuckDB evaluates an AND inside an OR on every row the OR has not
// decided yet; a CASE evaluates its THEN only where its WHEN holds. The
// result differs from the AND only in giving FALSE where the AND gives
// NULL, which no caller tells apart (WHERE, CASE WHEN and NOT
// coalesce(..., false) all read both as "does not match").
func guardedAnd(xs ...sqltree.Expr) sqltree.Expr {
	var cheap, dear []sqltree.Expr
	for _, x := range xs {
		if costly(x) {
			dear = append(dear, x)
		} else {
			cheap = append(cheap, x)
		}
	}
	if len(cheap) == 0 || len(dear) == 0 {
		return and(xs...)
	}
	c := and(cheap...)
	if b, ok := c.(*sqltree.BoolLit); ok {
		if !b.Value {
			return c
		}
		return and(dear...)
	}
	return &sqltree.Case{Whens: []*sqltree.When{{Cond: c, Result: and(dear...)}}, Else: boolean(false)}
}

// costlyFuncs are the functions whose conditions guardedAnd puts last.
var costlyFuncs = map[string]bool{
	"json_parse": true, "json_extract_scalar": true, "any_match": true, "regexp_like": true,
	"regexp_extract_all": true, "transform": true, "flatten": true, "filter": true,
}

// costly reports whether x calls one of costlyFuncs.
func costly(x sqltree.Expr) bool {
	found := false
	sqltree.Walk(x, func(n sqltree.Node) bool {
		if f, ok := n.(*sqltree.FuncCall); ok && len(f.Name) == 1 && costlyFuncs[strings.ToLower(f.Name[0].Name)] {
			found = true
		}
		return !found
	})
	return found
}
