package query

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/trailsql/trailsql/internal/sqltree"
)

// parsed is a statement after the passes over its syntax tree, ready for
// the token-level translation (translateText) that turns it into DuckDB's
// dialect.
type parsed struct {
	// text is the rewritten tree, printed.
	text string
	// names are the result's column names as Athena gives them (lower
	// case, _col<i> for an expression without a name), or nil when the
	// tree cannot tell (a * that stayed, a statement that is not a query).
	names []string
	// tables are the (lower-case) names of the tables the statement
	// reads, so that the engine creates the lake's views it needs;
	// allTables is set for statements about the catalog (SHOW, DESCRIBE),
	// which need every view.
	tables    []string
	allTables bool
}

// parseSQL parses a statement in Athena's dialect and runs the passes over
// its tree:
//
//   - catalog and database qualifiers of table names are dropped
//     (awsdatacatalog.default.cloudtrail is cloudtrail);
//   - a * over a lake table becomes the table's documented columns, so that
//     trailsql's helper columns (_raw, _object, eventtimestamp, ...) stay
//     out of it (see expandStars);
//   - ORDER BY names that are output aliases are resolved to them, as
//     Trino does (see orderByAliases);
//   - Athena's types and semantics that depend on the tree's shape are
//     rewritten (IPADDRESS, CIDR contains, CAST(json AS VARCHAR),
//     zip_with, unknown types; see translateTree).
//
// A syntax error is a *sqltree.Error, with the line and column and the
// source line (Context); a statement that is not a query is a
// *RefusedError or an *UnsupportedError that says what to do instead.
func parseSQL(sql string) (*parsed, error) {
	stmt, err := parseLake(sql) // sqltree.Parse, with CloudTrail Lake's FROM <event data store>
	if err != nil {
		return nil, parseError(sql, err)
	}
	dropCatalogs(stmt)
	if q := queryOf(stmt); q != nil {
		expandStars(q)
		orderByAliases(q)
	}
	if err := translateTree(sql, stmt); err != nil {
		return nil, err
	}
	p := &parsed{text: sqltree.Format(stmt)}
	if q, ok := stmt.(*sqltree.Query); ok {
		p.names = outputNames(q)
	}
	p.tables, p.allTables = readTables(stmt)
	return p, nil
}

// readTables returns the lower-case names of the tables stmt reads, and
// whether it is about the catalog (SHOW, DESCRIBE) and so needs them all.
func readTables(stmt sqltree.Statement) ([]string, bool) {
	switch stmt.(type) {
	case *sqltree.Query, *sqltree.Explain:
	default:
		return nil, true
	}
	var out []string
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		if t, ok := n.(*sqltree.Table); ok && len(t.Name) > 0 {
			out = append(out, strings.ToLower(t.Name[len(t.Name)-1].Name))
		}
		return true
	})
	return out, false
}

// queryOf returns the query of a statement (or of an EXPLAIN), or nil.
func queryOf(stmt sqltree.Statement) *sqltree.Query {
	switch s := stmt.(type) {
	case *sqltree.Query:
		return s
	case *sqltree.Explain:
		return queryOf(s.Stmt)
	}
	return nil
}

// parseError turns an error of sqltree.Parse into the error the user sees.
func parseError(sql string, err error) error {
	var ue *sqltree.UnsupportedError
	if errors.As(err, &ue) {
		return refuseStatement(strings.Fields(ue.Kind))
	}
	var se *sqltree.Error
	if !errors.As(err, &se) {
		return err
	}
	before := strings.TrimSpace(sql[:se.Offset])
	switch {
	case strings.TrimSpace(sql) == "" || before == "" && strings.Contains(se.Msg, "expected a statement"):
		return errors.New("empty query")
	case strings.HasSuffix(before, ";") && strings.Contains(se.Msg, "expected the end of the statement"):
		return &RefusedError{Statement: "more than one statement", Reason: "run one query at a time"}
	}
	return se
}

// SyntaxContext returns the source line of a query error and a caret
// under the spot, when err is (or wraps) one whose position is known (see
// ErrorPosition).
func SyntaxContext(err error) (string, bool) {
	p, ok := ErrorPosition(err)
	if !ok || p.Context == "" {
		return "", false
	}
	return p.Context, true
}

// dropCatalogs drops the Athena catalog and database qualifiers of table
// names (awsdatacatalog.default.cloudtrail is cloudtrail), keeping those
// of DuckDB's own schemas.
func dropCatalogs(stmt sqltree.Statement) {
	drop := func(name []*sqltree.Ident) []*sqltree.Ident {
		if len(name) > 1 && !duckdbSchemas[strings.ToLower(name[len(name)-2].Name)] {
			return name[len(name)-1:]
		}
		return name
	}
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		switch n := n.(type) {
		case *sqltree.Table:
			n.Name = drop(n.Name)
		case *sqltree.TableQuery:
			n.Name = drop(n.Name)
		}
		return true
	})
}

// helperColumns are the columns of the lake views that are trailsql's,
// not Athena's: selectable by name, left out of *.
func helperColumn(name string) bool {
	return strings.HasPrefix(name, "_") || name == "eventtimestamp"
}

// athenaColumns returns the columns of the documented Athena table, in
// order: the data columns, then the partition columns. The caller must not
// change the slice.
func athenaColumns() []string { return lakeColumnNames().athena }

// lakeColumnNames splits the lake's top-level columns into Athena's and
// trailsql's helpers, once (lakeSchema reads struct tags).
var lakeColumnNames = sync.OnceValue(func() (names struct{ athena, helpers []string }) {
	for _, c := range lakeSchema() {
		if helperColumn(c.name) {
			names.helpers = append(names.helpers, c.name)
		} else {
			names.athena = append(names.athena, c.name)
		}
	}
	names.athena = append(names.athena, partitionColumns...)
	return names
})

// isLakeTable reports whether name (one part, as written) is a lake table
// whose * is the Athena table's columns: cloudtrail, cloudtrail_logs or a
// per-account view cloudtrail_<account id>.
func isLakeTable(name string) bool {
	n := strings.ToLower(name)
	if n == "cloudtrail" || n == "cloudtrail_logs" {
		return true
	}
	if n == lakeView {
		return false // CloudTrail Lake's schema: its * is its own columns
	}
	id, ok := strings.CutPrefix(n, "cloudtrail_")
	return ok && viewNamePattern.MatchString(id)
}

// expandStars rewrites each * and t.* whose rows come from a lake table
// (cloudtrail, cloudtrail_logs, cloudtrail_<account>) into that table's
// documented columns, so that trailsql's helper columns do not appear in
// SELECT *. A * is left alone when it cannot be expanded exactly: a FROM
// item that is not a lake table and has no name, a join with USING, a
// table with column aliases, a table name that a WITH query shadows.
// count(*) is not a select item and is never touched; logs keeps its own
// columns (object, records).
//
// A * in a WITH query or a subquery also keeps the helper columns that the
// statement names somewhere (sg.eventtimestamp after
// WITH sg AS (SELECT * FROM cloudtrail ...), as the built-in reports
// write), so that naming them still works; the outermost SELECT's * never
// has them.
func expandStars(q *sqltree.Query) {
	x := starExpander{helpers: namedHelpers(q)}
	x.query(q, nil, true)
}

// namedHelpers returns the helper columns named anywhere in n, in the
// lake's order.
func namedHelpers(n sqltree.Node) []string {
	named := map[string]bool{}
	sqltree.Walk(n, func(c sqltree.Node) bool {
		switch c := c.(type) {
		case *sqltree.Ident:
			named[strings.ToLower(c.Name)] = true
		case *sqltree.Dereference:
			named[strings.ToLower(c.Field.Name)] = true
		}
		return true
	})
	var out []string
	for _, c := range lakeColumnNames().helpers {
		if named[c] {
			out = append(out, c)
		}
	}
	return out
}

type starExpander struct {
	helpers []string // the helper columns a nested * keeps
}

// query expands the stars of q and of the queries inside it; shadow holds
// the names of the WITH queries in scope (lower case); top is true for
// the outermost query.
func (x *starExpander) query(q *sqltree.Query, shadow map[string]bool, top bool) {
	if q.With != nil {
		inner := map[string]bool{}
		for k := range shadow {
			inner[k] = true
		}
		for _, c := range q.With.CTEs {
			inner[strings.ToLower(c.Name.Name)] = true
		}
		shadow = inner
		for _, c := range q.With.CTEs {
			x.query(c.Query, shadow, false)
		}
	}
	x.body(q.Body, shadow, top)
	for _, o := range q.OrderBy {
		x.nested(o, shadow)
	}
}

func (x *starExpander) body(b sqltree.QueryBody, shadow map[string]bool, top bool) {
	switch b := b.(type) {
	case *sqltree.Select:
		var helpers []string
		if !top {
			helpers = x.helpers
		}
		x.selectItems(b, shadow, helpers)
		x.nested(b, shadow)
	case *sqltree.SetOp:
		x.body(b.Left, shadow, top)
		x.body(b.Right, shadow, top)
	case *sqltree.Query:
		x.query(b, shadow, top)
	default:
		x.nested(b, shadow)
	}
}

// nested expands the stars of the queries under n.
func (x *starExpander) nested(n sqltree.Node, shadow map[string]bool) {
	sqltree.Walk(n, func(c sqltree.Node) bool {
		if q, ok := c.(*sqltree.Query); ok {
			x.query(q, shadow, false)
			return false
		}
		return true
	})
}

// fromLeaf is one leaf of a FROM clause.
type fromLeaf struct {
	name string // what the query calls it: its alias or its name; "" if neither
	lake bool   // a lake table without column aliases
}

// sources flattens the FROM items of a SELECT; ok is false when a * over
// them cannot be expanded (a join with USING).
func sources(from []sqltree.Relation, shadow map[string]bool) (out []fromLeaf, ok bool) {
	ok = true
	var add func(r sqltree.Relation)
	add = func(r sqltree.Relation) {
		switch r := r.(type) {
		case *sqltree.Join:
			if len(r.Using) > 0 {
				ok = false
			}
			add(r.Left)
			add(r.Right)
		case *sqltree.Table:
			s := fromLeaf{name: r.Name[len(r.Name)-1].Name}
			s.lake = len(r.Name) == 1 && isLakeTable(s.name) && !shadow[strings.ToLower(s.name)]
			if r.Alias != nil {
				s.name = r.Alias.Name.Name
				if len(r.Alias.Columns) > 0 {
					s.lake = false
				}
			}
			out = append(out, s)
		case *sqltree.SubqueryRelation:
			out = append(out, fromLeaf{name: aliasName(r.Alias)})
		case *sqltree.Unnest:
			out = append(out, fromLeaf{name: aliasName(r.Alias)})
		case *sqltree.ParenRelation:
			out = append(out, fromLeaf{name: aliasName(r.Alias)})
		default:
			ok = false
		}
	}
	for _, r := range from {
		add(r)
	}
	return out, ok
}

func aliasName(a *sqltree.TableAlias) string {
	if a == nil || a.Name == nil {
		return ""
	}
	return a.Name.Name
}

// selectItems expands the * and t.* items of s, adding helpers to the
// columns of each lake table.
func (x *starExpander) selectItems(s *sqltree.Select, shadow map[string]bool, helpers []string) {
	srcs, ok := sources(s.From, shadow)
	if !ok {
		return
	}
	var items []*sqltree.SelectItem
	changed := false
	for _, it := range s.Items {
		star, isStar := it.Expr.(*sqltree.Star)
		if !isStar {
			items = append(items, it)
			continue
		}
		exp := expandStar(star, srcs, helpers)
		if exp == nil {
			items = append(items, it)
			continue
		}
		items = append(items, exp...)
		changed = true
	}
	if changed {
		s.Items = items
	}
}

// expandStar returns the items that star stands for over srcs, or nil to
// leave it.
func expandStar(star *sqltree.Star, srcs []fromLeaf, helpers []string) []*sqltree.SelectItem {
	p := star.Pos
	ident := func(name string) *sqltree.Ident { return &sqltree.Ident{Pos: p, Name: name} }
	columns := func(qual string) []*sqltree.SelectItem {
		var out []*sqltree.SelectItem
		for _, c := range slices.Concat(athenaColumns(), helpers) {
			var e sqltree.Expr = ident(c)
			if qual != "" {
				e = &sqltree.Dereference{Pos: p, X: ident(qual), Field: ident(c)}
			}
			out = append(out, &sqltree.SelectItem{Pos: p, Expr: e})
		}
		return out
	}
	if star.Qualifier != nil {
		q, ok := star.Qualifier.(*sqltree.Ident)
		if !ok {
			return nil
		}
		for _, s := range srcs {
			if strings.EqualFold(s.name, q.Name) {
				if !s.lake {
					return nil
				}
				return columns(q.Name)
			}
		}
		return nil
	}
	lake := false
	for _, s := range srcs {
		lake = lake || s.lake
	}
	if !lake {
		return nil
	}
	if len(srcs) == 1 {
		return columns("")
	}
	var out []*sqltree.SelectItem
	for _, s := range srcs {
		switch {
		case s.name == "":
			return nil
		case s.lake:
			out = append(out, columns(s.name)...)
		default:
			out = append(out, &sqltree.SelectItem{Pos: p, Expr: &sqltree.Star{Pos: p, Qualifier: ident(s.name)}})
		}
	}
	return out
}

// orderByAliases makes DuckDB resolve ORDER BY names as Trino does: a
// name that is an output column's alias means that output column, even
// when a column of the FROM tables has the same name. DuckDB agrees for
// an ORDER BY item that is the bare name (it becomes the output column's
// ordinal, so that passes reading the text, like top-N pruning, do not
// take it for the table's column), but inside an expression it takes the
// table's column: there the alias is replaced by its expression.
func orderByAliases(q *sqltree.Query) {
	sqltree.Walk(q, func(n sqltree.Node) bool {
		if q, ok := n.(*sqltree.Query); ok {
			resolveOrderBy(q)
		}
		return true
	})
}

func resolveOrderBy(q *sqltree.Query) {
	s, ok := q.Body.(*sqltree.Select)
	if !ok || len(q.OrderBy) == 0 {
		return
	}
	// alias → index of the select item, for aliases that do not just
	// repeat the column they name.
	aliases := map[string]int{}
	for i, it := range s.Items {
		if it.Alias == nil {
			continue
		}
		a := strings.ToLower(it.Alias.Name)
		if id, ok := it.Expr.(*sqltree.Ident); ok && strings.EqualFold(id.Name, a) {
			continue
		}
		if _, dup := aliases[a]; dup {
			aliases[a] = -1 // ambiguous: leave it to the engine
			continue
		}
		aliases[a] = i
	}
	if len(aliases) == 0 {
		return
	}
	for _, o := range q.OrderBy {
		if id, ok := o.Expr.(*sqltree.Ident); ok {
			if i, ok := aliases[strings.ToLower(id.Name)]; ok && i >= 0 {
				o.Expr = &sqltree.NumberLit{Pos: id.Pos, Text: strconv.Itoa(i + 1)}
			}
			continue
		}
		o.Expr = substituteAliases(o.Expr, s.Items, aliases)
	}
}

// substituteAliases replaces the bare names in e that are output aliases
// by a copy of their expressions, outside subqueries and lambdas and
// except as the qualifier of a.b (which may name a table).
func substituteAliases(e sqltree.Expr, items []*sqltree.SelectItem, aliases map[string]int) sqltree.Expr {
	repl := map[*sqltree.Ident]int{}
	sqltree.Walk(e, func(n sqltree.Node) bool {
		switch x := n.(type) {
		case *sqltree.Query, *sqltree.Lambda:
			return false
		case *sqltree.Dereference:
			if _, ok := x.X.(*sqltree.Ident); ok {
				return false
			}
		case *sqltree.Ident:
			if i, ok := aliases[strings.ToLower(x.Name)]; ok && i >= 0 {
				repl[x] = i
			}
		}
		return true
	})
	if len(repl) == 0 {
		return e
	}
	return sqltree.Rewrite(e, func(n sqltree.Node) sqltree.Node {
		id, ok := n.(*sqltree.Ident)
		if !ok {
			return n
		}
		i, ok := repl[id]
		if !ok {
			return n
		}
		c, err := sqltree.ParseExpr(sqltree.Format(items[i].Expr))
		if err != nil {
			return n
		}
		return c
	}).(sqltree.Expr)
}

// outputNames returns the names Athena gives the columns of q's result:
// an alias or a column's name in lower case, and _col<i> for any other
// expression. It returns nil when the first SELECT of q (the one that
// names the columns of a UNION) has a * or q is not a SELECT.
func outputNames(q *sqltree.Query) []string {
	var s *sqltree.Select
	for b := q.Body; s == nil; {
		switch x := b.(type) {
		case *sqltree.Select:
			s = x
		case *sqltree.SetOp:
			b = x.Left
		case *sqltree.Query:
			b = x.Body
		default:
			return nil
		}
	}
	names := make([]string, len(s.Items))
	for i, it := range s.Items {
		switch e := it.Expr.(type) {
		case *sqltree.Star:
			return nil
		case *sqltree.Ident:
			names[i] = e.Name
		case *sqltree.Dereference:
			names[i] = e.Field.Name
		default:
			names[i] = "_col" + strconv.Itoa(i)
		}
		if it.Alias != nil {
			names[i] = it.Alias.Name
		}
		names[i] = strings.ToLower(names[i])
	}
	return names
}
