package query

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/trailsql/trailsql/internal/needle"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// The analysis of pruning and top-N on the syntax tree (see prune.go for
// what the results mean and why they are sound).
//
// The tree is that of the text parseSQL printed, parsed again so that the
// positions of its nodes are offsets in that text: each lake table that a
// FROM clause names gets a marker comment after its name there
// (markerPrefix + its index), which the token-level translation passes
// through, so that pruning finds in the translated text the very table
// the analysis was about.

// lakeRef is one lake table named in a FROM clause, as the tree shows it.
type lakeRef struct {
	view string // the table, lower case
	// use says pruning may replace the table: it is its SELECT's only FROM
	// item, a lake table (not a WITH query of the same name), without
	// column aliases or a sample.
	use   bool
	alias string      // its alias as written, or ""
	name  string      // its name as written
	where *pred       // what its SELECT's WHERE clause says about files (nil: no WHERE)
	param bool        // the WHERE clause has a parameter
	top   *topSpec    // the ORDER BY ... LIMIT that top-N pruning serves, or nil
	iso   bool        // top's key is from_iso8601_timestamp(eventtime) (read as eventtimestamp)
	pos   sqltree.Pos // the offset of its (last) name part in the analysed text
	lake  bool        // the table is CloudTrail Lake's view (prune_lake.go)
}

// markerPrefix starts the comment that follows a lake table's name in the
// text handed to translation.
const markerPrefix = "/*@trailsql:"

// marked is a translated query with markers, and what the tree said about
// each marked table.
type marked struct {
	text string
	refs []*lakeRef
	// shadow says a WITH query has the name of a lake table: tables that
	// translation wrote (unmarked) are then left alone.
	shadow bool
}

// translateMarked translates text (parseSQL's output) as translateText
// does, and also returns the translation with a marker after each lake
// table, with the analysis of each for pruneQuery.
func translateMarked(text string, opts TranslateOptions) (string, marked, error) {
	out, err := translateText(text, opts)
	if err != nil {
		return "", marked{}, err
	}
	m := marked{text: out}
	stmt, err := sqltree.Parse(text)
	if err != nil {
		return out, m, nil
	}
	a := analysis{}
	a.statement(stmt)
	slices.SortStableFunc(a.refs, func(x, y *lakeRef) int { return cmp.Compare(x.pos, y.pos) })
	if len(a.refs) == 0 {
		m.shadow = a.shadowed
		return out, m, nil
	}
	toks, err := lex(text)
	if err != nil {
		return out, m, nil
	}
	var b strings.Builder
	k := 0
	for _, t := range toks {
		b.WriteString(t.text)
		if k < len(a.refs) && t.off == int(a.refs[k].pos) {
			b.WriteString(" " + markerPrefix + strconv.Itoa(k) + "*/")
			k++
		}
	}
	if k != len(a.refs) {
		return out, m, nil // a name not at a token: do not prune
	}
	mt, err := translateText(b.String(), opts)
	if err != nil || stripMarkers(mt) != out {
		// The markers changed the translation: prune nothing.
		return out, m, nil
	}
	return out, marked{text: mt, refs: a.refs, shadow: a.shadowed}, nil
}

// stripMarkers removes the markers from text.
func stripMarkers(text string) string {
	toks, _ := lex(text)
	var b strings.Builder
	for i, t := range toks {
		if _, ok := markerIndex(t); ok {
			if i > 0 && toks[i-1].kind == tokSpace && strings.HasSuffix(b.String(), " ") {
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-1])
			}
			continue
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// markerIndex returns the index a marker token stands for.
func markerIndex(t token) (int, bool) {
	if t.kind != tokSpace || !strings.HasPrefix(t.text, markerPrefix) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(t.text, markerPrefix), "*/"))
	return n, err == nil && n >= 0
}

// analysis walks a statement for its lake tables.
type analysis struct {
	refs     []*lakeRef
	shadowed bool // a WITH query has a lake table's name
}

func (a *analysis) statement(stmt sqltree.Statement) {
	a.node(stmt, nil)
}

// node finds the queries under n; shadow holds the WITH names in scope.
func (a *analysis) node(n sqltree.Node, shadow map[string]bool) {
	sqltree.Walk(n, func(c sqltree.Node) bool {
		if q, ok := c.(*sqltree.Query); ok {
			a.query(q, shadow)
			return false
		}
		return true
	})
}

func (a *analysis) query(q *sqltree.Query, shadow map[string]bool) {
	if q.With != nil {
		inner := map[string]bool{}
		for k := range shadow {
			inner[k] = true
		}
		for _, c := range q.With.CTEs {
			n := strings.ToLower(c.Name.Name)
			inner[n] = true
			a.shadowed = a.shadowed || isLakeTable(n) || n == "logs"
		}
		shadow = inner
		for _, c := range q.With.CTEs {
			a.query(c.Query, shadow)
		}
	}
	switch b := q.Body.(type) {
	case *sqltree.Select:
		a.selectStmt(b, q, shadow)
	case *sqltree.Query:
		a.query(b, shadow)
	default:
		a.body(b, shadow)
	}
	for _, o := range q.OrderBy {
		a.node(o, shadow)
	}
	if q.Offset != nil {
		a.node(q.Offset, shadow)
	}
	if q.Limit != nil {
		a.node(q.Limit, shadow)
	}
}

func (a *analysis) body(b sqltree.QueryBody, shadow map[string]bool) {
	switch b := b.(type) {
	case *sqltree.Select:
		a.selectStmt(b, nil, shadow)
	case *sqltree.SetOp:
		a.body(b.Left, shadow)
		a.body(b.Right, shadow)
	case *sqltree.Query:
		a.query(b, shadow)
	default:
		a.node(b, shadow)
	}
}

// selectStmt records the lake tables of s's FROM clause, in the order of
// the text, then looks into the rest of s. q is the query whose body s is
// (its ORDER BY and LIMIT are s's), or nil.
func (a *analysis) selectStmt(s *sqltree.Select, q *sqltree.Query, shadow map[string]bool) {
	for _, it := range s.Items {
		a.node(it, shadow)
	}
	var rel func(r sqltree.Relation, only bool)
	rel = func(r sqltree.Relation, only bool) {
		switch r := r.(type) {
		case *sqltree.Table:
			last := r.Name[len(r.Name)-1]
			view := strings.ToLower(last.Name)
			if len(r.Name) != 1 || !isLakeTable(view) && view != lakeView {
				return
			}
			ref := &lakeRef{view: view, name: last.Name, pos: last.Pos, lake: view == lakeView}
			ref.use = only && !shadow[view] && (r.Alias == nil || len(r.Alias.Columns) == 0)
			if r.Alias != nil && r.Alias.Name != nil {
				ref.alias = r.Alias.Name.Name
			}
			a.refs = append(a.refs, ref)
			if ref.use {
				switch {
				case s.Where != nil && ref.lake:
					ref.where = buildLakePred(s.Where, ref)
				case s.Where != nil:
					ref.where = buildPred(s.Where, ref)
				}
				if s.Where != nil {
					sqltree.Walk(s.Where, func(n sqltree.Node) bool {
						_, p := n.(*sqltree.Param)
						ref.param = ref.param || p
						return !ref.param
					})
				}
				switch {
				case q != nil && ref.lake:
					ref.top = readLakeTop(q, s, ref) // prune_lake.go
				case q != nil:
					ref.top, ref.iso = readTopTree(q, s, ref)
				}
			}
		case *sqltree.Join:
			rel(r.Left, false)
			rel(r.Right, false)
			if r.On != nil {
				a.node(r.On, shadow)
			}
		case *sqltree.Sample:
			rel(r.Rel, false)
			a.node(r.Percent, shadow)
		case *sqltree.ParenRelation:
			rel(r.Rel, false)
		default:
			a.node(r, shadow)
		}
	}
	for _, r := range s.From {
		rel(r, len(s.From) == 1)
	}
	for _, n := range []sqltree.Node{s.Where, s.GroupBy, s.Having, s.Qualify} {
		a.node(n, shadow) // Walk skips a nil node
	}
	for _, w := range s.Windows {
		a.node(w, shadow)
	}
}

// predKind is the kind of a node of a pred.
type predKind uint8

const (
	predAny   predKind = iota // not understood: any truth value
	predAnd                   // every kid
	predOr                    // one of the kids
	predNot                   // the negation of its kid
	predPart                  // a comparison of a partition column with literals
	predToken                 // an indexed column's condition the token index answers
	predTime                  // eventtime compared with a string, judged by the file's time range
)

// pred is a WHERE clause as pruning sees it: an AND/OR/NOT tree of the
// conditions it can judge a file (or a partition of one) by.
type pred struct {
	kind predKind
	kids []*pred
	// predPart: column (account, region, year, month, day, timestamp,
	// date_partition, account_partition, region_partition), op (=, <>, <,
	// <=, >, >=, in) and values; predToken: the condition and its probes
	// (one of which a file's index must have); predTime: eventtime, op
	// (=, <>, <, <=, >, >=) and the string it is compared with.
	cond   condition
	probes []needle.Probe
	stamp  int64 // predLakeTime: the time compared with, UTC microseconds
}

var anyPred = &pred{kind: predAny}

// partitionColumn returns the partition a column of the lake views is
// read from: the Hive partitions, and the partition columns of the tables
// AWS documents (timestamp and date_partition as 'yyyy/MM/dd',
// account_partition, region_partition).
func partitionColumn(col string) bool {
	switch col {
	case "account", "region", "year", "month", "day", "timestamp", "date_partition", "account_partition", "region_partition":
		return true
	}
	return false
}

// buildPred reads e, the WHERE clause of ref's SELECT.
func buildPred(e sqltree.Expr, ref *lakeRef) *pred {
	switch x := e.(type) {
	case *sqltree.Binary:
		switch strings.ToUpper(x.Op) {
		case "AND":
			return &pred{kind: predAnd, kids: []*pred{buildPred(x.X, ref), buildPred(x.Y, ref)}}
		case "OR":
			return &pred{kind: predOr, kids: []*pred{buildPred(x.X, ref), buildPred(x.Y, ref)}}
		case "=", "<>", "<", "<=", ">", ">=":
			return comparison(x.X, x.Op, x.Y, ref)
		}
	case *sqltree.Unary:
		if strings.EqualFold(x.Op, "NOT") {
			return not(buildPred(x.X, ref))
		}
	case *sqltree.In:
		if x.Query != nil || len(x.List) == 0 {
			return anyPred
		}
		vals := make([]string, 0, len(x.List))
		for _, v := range x.List {
			s, ok := stringLit(v)
			if !ok {
				return anyPred
			}
			vals = append(vals, s)
		}
		col, ok := columnPath(x.X, ref)
		if !ok {
			return anyPred
		}
		p := leaf(condition{column: col, op: "in", values: vals})
		if x.Not {
			return not(p)
		}
		return p
	case *sqltree.Like:
		pat, ok := stringLit(x.Pattern)
		col, okc := columnPath(x.X, ref)
		if !ok || !okc || x.Escape != nil || partitionColumn(col) {
			return anyPred
		}
		p := leaf(condition{column: col, op: "like", values: []string{pat}})
		if x.Not {
			return not(p)
		}
		return p
	case *sqltree.Between:
		col, ok := columnPath(x.X, ref)
		lo, okl := stringLit(x.Low)
		hi, okh := stringLit(x.High)
		if !ok || !okl || !okh || !partitionColumn(col) && col != "eventtime" {
			return anyPred
		}
		kind := predPart
		if col == "eventtime" {
			kind = predTime
		}
		p := &pred{kind: predAnd, kids: []*pred{
			{kind: kind, cond: condition{column: col, op: ">=", values: []string{lo}}},
			{kind: kind, cond: condition{column: col, op: "<=", values: []string{hi}}},
		}}
		if x.Not {
			return not(p)
		}
		return p
	}
	return anyPred
}

func not(p *pred) *pred {
	if p.kind == predAny {
		return p
	}
	return &pred{kind: predNot, kids: []*pred{p}}
}

// leaf is the pred of one condition: a partition comparison, a probe of
// the token index, or anyPred when neither can judge it.
func leaf(c condition) *pred {
	if partitionColumn(c.column) {
		switch c.op {
		case "=", "<>", "<", "<=", ">", ">=", "in":
			return &pred{kind: predPart, cond: c}
		}
		return anyPred
	}
	if needle.ColumnKind(c.column) == needle.NotIndexed {
		return anyPred
	}
	// The probes are nil when the index cannot decide c (a value with no
	// token long enough): the leaf then keeps every file.
	return &pred{kind: predToken, cond: c, probes: probes(c)}
}

// flipped is the comparison operator with its operands swapped.
var flipped = map[string]string{"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// comparison reads x op y with a column (or json_extract_scalar of one)
// on one side and a string literal on the other.
func comparison(x sqltree.Expr, op string, y sqltree.Expr, ref *lakeRef) *pred {
	if _, ok := stringLit(x); ok {
		x, y, op = y, x, flipped[op]
	}
	v, ok := stringLit(y)
	if !ok {
		return anyPred
	}
	if f, ok := x.(*sqltree.FuncCall); ok {
		if op != "=" || !jsonScalarCall(f) {
			return anyPred
		}
		col, ok := columnPath(f.Args[0], ref)
		if _, okp := stringLit(f.Args[1]); !ok || !okp {
			return anyPred
		}
		return leaf(condition{column: col, op: "json=", values: []string{v}})
	}
	col, ok := columnPath(x, ref)
	if ok && col == "eventtime" {
		return &pred{kind: predTime, cond: condition{column: col, op: op, values: []string{v}}}
	}
	if !ok || op != "=" && !partitionColumn(col) {
		return anyPred
	}
	return leaf(condition{column: col, op: op, values: []string{v}})
}

// jsonScalarCall reports whether f is json_extract_scalar(x, y) as
// written, or as translation writes it.
func jsonScalarCall(f *sqltree.FuncCall) bool {
	if len(f.Name) != 1 || len(f.Args) != 2 || f.Distinct || f.Filter != nil || f.Over != nil || f.OverName != nil || len(f.OrderBy) > 0 {
		return false
	}
	n := strings.ToLower(f.Name[0].Name)
	return n == "json_extract_scalar" || n == "athena_json_extract_scalar"
}

// stringLit returns the value of a plain string literal.
func stringLit(e sqltree.Expr) (string, bool) {
	s, ok := e.(*sqltree.StringLit)
	if !ok || s.Unicode {
		return "", false
	}
	return s.Value, true
}

// columnPath returns the lower-case path of a column of ref's table that
// e names (name, or name.field..., optionally qualified by the table's
// alias, or its name when it has none).
func columnPath(e sqltree.Expr, ref *lakeRef) (string, bool) {
	var parts []string
	for {
		switch x := e.(type) {
		case *sqltree.Ident:
			parts = append(parts, strings.ToLower(x.Name))
			for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
				parts[i], parts[j] = parts[j], parts[i]
			}
			if len(parts) > 1 {
				q := parts[0]
				if ref.alias != "" && q == strings.ToLower(ref.alias) || ref.alias == "" && q == ref.view {
					parts = parts[1:]
				}
			}
			return strings.Join(parts, "."), true
		case *sqltree.Dereference:
			parts = append(parts, strings.ToLower(x.Field.Name))
			e = x.X
		default:
			return "", false
		}
	}
}

// readTopTree returns the top-N facts of q, whose body s reads ref alone
// (see topn.go): plain select items, ORDER BY eventtime (or
// eventtimestamp, or from_iso8601_timestamp(eventtime)) first with NULLs
// last, LIMIT n [OFFSET m]; or LIMIT alone. iso says the key is
// from_iso8601_timestamp(eventtime).
func readTopTree(q *sqltree.Query, s *sqltree.Select, ref *lakeRef) (*topSpec, bool) {
	if s.Distinct || s.GroupBy != nil || s.Having != nil || len(s.Windows) > 0 || s.Qualify != nil {
		return nil, false
	}
	for _, it := range s.Items {
		switch x := it.Expr.(type) {
		case *sqltree.Star:
		case *sqltree.Ident, *sqltree.Dereference:
			if _, ok := columnPath(x, ref); !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	lim := q.Limit
	if lim == nil || lim.All || lim.WithTies || lim.Count == nil {
		return nil, false
	}
	n, ok := limitNumber(lim.Count)
	if !ok {
		return nil, false
	}
	if q.Offset != nil {
		m, ok := limitNumber(q.Offset)
		if !ok {
			return nil, false
		}
		n += m
	}
	if n > maxTopN {
		return nil, false
	}
	spec := &topSpec{n: n}
	iso := false
	if len(q.OrderBy) > 0 {
		o := q.OrderBy[0]
		if o.Nulls == sqltree.NullsFirst {
			return nil, false
		}
		switch x := o.Expr.(type) {
		case *sqltree.FuncCall:
			if len(x.Name) != 1 || !strings.EqualFold(x.Name[0].Name, "from_iso8601_timestamp") || len(x.Args) != 1 || x.Distinct || x.Over != nil || x.Filter != nil {
				return nil, false
			}
			id, ok := x.Args[0].(*sqltree.Ident)
			if !ok || !strings.EqualFold(id.Name, "eventtime") {
				return nil, false
			}
			spec.stamp, iso = true, true
		default:
			col, ok := columnPath(x, ref)
			switch {
			case !ok:
				return nil, false
			case col == "eventtime":
			case col == "eventtimestamp":
				spec.stamp = true
			default:
				return nil, false
			}
		}
		spec.order, spec.desc = true, o.Desc
	}
	return spec, iso
}

// limitNumber returns the value of a LIMIT or OFFSET that is a number.
func limitNumber(e sqltree.Expr) (int64, bool) {
	x, ok := e.(*sqltree.NumberLit)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(x.Text, 10, 64)
	return n, err == nil && n >= 0 && n <= maxTopN
}

// String writes n for tests and debugging: and(...), or(...), not(...),
// column op [values], and * for a leaf not understood.
func (n *pred) String() string {
	switch n.kind {
	case predAnd, predOr, predNot:
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			parts[i] = k.String()
		}
		return [...]string{predAnd: "and", predOr: "or", predNot: "not"}[n.kind] + "(" + strings.Join(parts, ", ") + ")"
	case predPart, predToken, predTime:
		return n.cond.column + " " + n.cond.op + " [" + strings.Join(n.cond.values, " ") + "]"
	}
	return "*"
}

// partitionAliasSQL computes, after the partition columns of a scan of
// the lake (see sourceSQL), the partition columns of the tables that AWS
// documents for CloudTrail: timestamp (the partition-projection table of
// the Athena documentation) and date_partition (the security analytics
// bootstrap), both 'yyyy/MM/dd', account_partition and region_partition.
// Pruning reads predicates on them as predicates on the partitions
// (partView.value); SELECT * leaves them out (athenaColumns).
const partitionAliasSQL = `year || '/' || month || '/' || day AS "timestamp", ` +
	`year || '/' || month || '/' || day AS date_partition, account AS account_partition, region AS region_partition`

// partitionAliasFilter leaves the columns of partitionAliasSQL out of
// DESCRIBE and SHOW COLUMNS, as SELECT * does.
const partitionAliasFilter = ` WHERE column_name NOT IN ('timestamp', 'date_partition', 'account_partition', 'region_partition')`
