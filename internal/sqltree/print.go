package sqltree

import (
	"strings"
)

// Format returns n as canonical SQL on one line: keywords in upper case,
// identifiers as written (quoted if they were, or if they must be), AS
// before every alias, and only the parentheses that precedence needs.
// Parsing the result gives the same tree, and formatting that tree gives
// the same text.
func Format(n Node) string {
	var pr printer
	pr.node(n)
	return pr.b.String()
}

type printer struct {
	b strings.Builder
}

func (pr *printer) w(ss ...string) {
	for _, s := range ss {
		pr.b.WriteString(s)
	}
}

// Expression precedence, loosest first.
const (
	precLambda = iota
	precOr
	precAnd
	precNot
	precPredicate
	precConcat
	precAdd
	precMul
	precUnary
	precAtTimeZone
	precPrimary
)

func precedence(e Expr) int {
	switch e := e.(type) {
	case *Lambda:
		return precLambda
	case *Binary:
		switch e.Op {
		case "OR":
			return precOr
		case "AND":
			return precAnd
		case "||":
			return precConcat
		case "+", "-":
			return precAdd
		case "*", "/", "%":
			return precMul
		}
		return precPredicate
	case *Unary:
		if e.Op == "NOT" {
			return precNot
		}
		return precUnary
	case *IsNull, *IsDistinct, *Between, *In, *Like, *Quantified:
		return precPredicate
	case *AtTimeZone:
		return precAtTimeZone
	}
	return precPrimary
}

// exprAt prints e, in parentheses if it binds looser than min.
func (pr *printer) exprAt(e Expr, min int) {
	if e != nil && precedence(e) < min {
		pr.w("(")
		pr.expr(e)
		pr.w(")")
		return
	}
	pr.expr(e)
}

func (pr *printer) node(n Node) {
	switch n := n.(type) {
	case Expr:
		pr.expr(n)
	case *Query:
		pr.query(n)
	case QueryBody:
		pr.body(n, 0)
	case Relation:
		pr.relation(n)
	case *Show:
		pr.w("SHOW ", n.What)
		if n.Name != nil {
			switch n.What {
			case "TABLES", "VIEWS":
				pr.w(" FROM ")
			case "COLUMNS":
				pr.w(" FROM ")
			default:
				pr.w(" ")
			}
			pr.names(n.Name)
		}
		if n.Like != nil {
			pr.w(" LIKE ")
			pr.expr(n.Like)
		}
	case *Describe:
		pr.w("DESCRIBE ")
		pr.names(n.Name)
	case *Explain:
		pr.w("EXPLAIN ")
		if n.Analyze {
			pr.w("ANALYZE ")
		}
		pr.node(n.Stmt)
	case *With:
		pr.with(n)
	case *CTE:
		pr.cte(n)
	case *Limit:
		pr.limit(n)
	case *OrderItem:
		pr.orderItem(n)
	case *SelectItem:
		pr.selectItem(n)
	case *GroupBy:
		pr.groupBy(n)
	case *WindowDef:
		pr.ident(n.Name)
		pr.w(" AS ")
		pr.windowSpec(n.Spec)
	case *WindowSpec:
		pr.windowSpec(n)
	case *Frame:
		pr.frame(n)
	case *FrameBound:
		pr.frameBound(n)
	case *TableAlias:
		pr.tableAlias(n)
	case *Type:
		pr.typ(n)
	case *TypeArg:
		pr.typeArg(n)
	case *When:
		pr.w("WHEN ")
		pr.expr(n.Cond)
		pr.w(" THEN ")
		pr.expr(n.Result)
	case nil:
	}
}

func (pr *printer) query(q *Query) {
	if q == nil {
		return
	}
	if q.With != nil {
		pr.with(q.With)
		pr.w(" ")
	}
	pr.body(q.Body, 0)
	if len(q.OrderBy) > 0 {
		pr.w(" ORDER BY ")
		pr.orderItems(q.OrderBy)
	}
	if q.Offset != nil {
		pr.w(" OFFSET ")
		pr.expr(q.Offset)
	}
	if q.Limit != nil {
		pr.w(" ")
		pr.limit(q.Limit)
	}
}

func (pr *printer) with(w *With) {
	pr.w("WITH ")
	if w.Recursive {
		pr.w("RECURSIVE ")
	}
	for i, c := range w.CTEs {
		if i > 0 {
			pr.w(", ")
		}
		pr.cte(c)
	}
}

func (pr *printer) cte(c *CTE) {
	pr.ident(c.Name)
	if len(c.Columns) > 0 {
		pr.w(" (")
		pr.idents(c.Columns)
		pr.w(")")
	}
	pr.w(" AS (")
	pr.query(c.Query)
	pr.w(")")
}

func (pr *printer) limit(l *Limit) {
	switch {
	case l.Fetch:
		pr.w("FETCH FIRST ")
		if l.Count != nil {
			pr.expr(l.Count)
			pr.w(" ")
		}
		if l.WithTies {
			pr.w("ROWS WITH TIES")
		} else {
			pr.w("ROWS ONLY")
		}
	case l.All:
		pr.w("LIMIT ALL")
	default:
		pr.w("LIMIT ")
		pr.expr(l.Count)
	}
}

// bodyPrec is the precedence of a query body: INTERSECT binds tighter
// than UNION and EXCEPT.
func bodyPrec(b QueryBody) int {
	if s, ok := b.(*SetOp); ok {
		if s.Op == "INTERSECT" {
			return 2
		}
		return 1
	}
	return 3
}

// body prints b, in parentheses if it binds looser than min.
func (pr *printer) body(b QueryBody, min int) {
	switch b := b.(type) {
	case *Select:
		pr.selectBody(b)
	case *Values:
		// Each row in parentheses: (1), (2) is the same tree as 1, 2,
		// and the only form DuckDB takes.
		pr.w("VALUES ")
		for i, r := range b.Rows {
			if i > 0 {
				pr.w(", ")
			}
			if _, ok := r.(*RowExpr); ok {
				pr.node(r)
				continue
			}
			pr.w("(")
			pr.node(r)
			pr.w(")")
		}
	case *TableQuery:
		pr.w("TABLE ")
		pr.names(b.Name)
	case *Query:
		pr.w("(")
		pr.query(b)
		pr.w(")")
	case *SetOp:
		p := bodyPrec(b)
		if p < min {
			pr.w("(")
		}
		pr.body(b.Left, p)
		pr.w(" ", b.Op)
		if b.All {
			pr.w(" ALL")
		}
		pr.w(" ")
		pr.body(b.Right, p+1)
		if p < min {
			pr.w(")")
		}
	}
}

func (pr *printer) selectBody(s *Select) {
	pr.w("SELECT ")
	if s.Distinct {
		pr.w("DISTINCT ")
	}
	for i, it := range s.Items {
		if i > 0 {
			pr.w(", ")
		}
		pr.selectItem(it)
	}
	if len(s.From) > 0 {
		pr.w(" FROM ")
		for i, r := range s.From {
			if i > 0 {
				pr.w(", ")
			}
			pr.relation(r)
		}
	}
	if s.Where != nil {
		pr.w(" WHERE ")
		pr.expr(s.Where)
	}
	if s.GroupBy != nil {
		pr.w(" ")
		pr.groupBy(s.GroupBy)
	}
	if s.Having != nil {
		pr.w(" HAVING ")
		pr.expr(s.Having)
	}
	if len(s.Windows) > 0 {
		pr.w(" WINDOW ")
		for i, w := range s.Windows {
			if i > 0 {
				pr.w(", ")
			}
			pr.node(w)
		}
	}
	if s.Qualify != nil {
		pr.w(" QUALIFY ")
		pr.expr(s.Qualify)
	}
}

func (pr *printer) selectItem(it *SelectItem) {
	pr.expr(it.Expr)
	if it.Alias != nil {
		pr.w(" AS ")
		pr.ident(it.Alias)
	}
}

func (pr *printer) groupBy(g *GroupBy) {
	pr.w("GROUP BY ")
	if g.Distinct {
		pr.w("DISTINCT ")
	}
	pr.exprs(g.Items)
}

func (pr *printer) orderItems(items []*OrderItem) {
	for i, o := range items {
		if i > 0 {
			pr.w(", ")
		}
		pr.orderItem(o)
	}
}

func (pr *printer) orderItem(o *OrderItem) {
	pr.expr(o.Expr)
	if o.Desc {
		pr.w(" DESC")
	}
	switch o.Nulls {
	case NullsFirst:
		pr.w(" NULLS FIRST")
	case NullsLast:
		pr.w(" NULLS LAST")
	}
}

func (pr *printer) windowSpec(w *WindowSpec) {
	pr.w("(")
	sep := ""
	if w.Base != nil {
		pr.ident(w.Base)
		sep = " "
	}
	if len(w.PartitionBy) > 0 {
		pr.w(sep, "PARTITION BY ")
		pr.exprs(w.PartitionBy)
		sep = " "
	}
	if len(w.OrderBy) > 0 {
		pr.w(sep, "ORDER BY ")
		pr.orderItems(w.OrderBy)
		sep = " "
	}
	if w.Frame != nil {
		pr.w(sep)
		pr.frame(w.Frame)
	}
	pr.w(")")
}

func (pr *printer) frame(f *Frame) {
	pr.w(f.Unit, " ")
	if f.End == nil {
		pr.frameBound(f.Start)
		return
	}
	pr.w("BETWEEN ")
	pr.frameBound(f.Start)
	pr.w(" AND ")
	pr.frameBound(f.End)
}

func (pr *printer) frameBound(b *FrameBound) {
	switch b.Kind {
	case UnboundedPreceding:
		pr.w("UNBOUNDED PRECEDING")
	case UnboundedFollowing:
		pr.w("UNBOUNDED FOLLOWING")
	case CurrentRow:
		pr.w("CURRENT ROW")
	case Preceding:
		pr.expr(b.Offset)
		pr.w(" PRECEDING")
	case Following:
		pr.expr(b.Offset)
		pr.w(" FOLLOWING")
	}
}

var joinWords = [...]string{InnerJoin: " JOIN ", LeftJoin: " LEFT JOIN ", RightJoin: " RIGHT JOIN ", FullJoin: " FULL JOIN ", CrossJoin: " CROSS JOIN "}

func (pr *printer) relation(r Relation) {
	switch r := r.(type) {
	case *Table:
		pr.names(r.Name)
		pr.tableAlias(r.Alias)
	case *SubqueryRelation:
		if r.Lateral {
			pr.w("LATERAL ")
		}
		pr.w("(")
		pr.query(r.Query)
		pr.w(")")
		pr.tableAlias(r.Alias)
	case *Unnest:
		pr.w("UNNEST(")
		pr.exprs(r.Args)
		pr.w(")")
		if r.Ordinality {
			pr.w(" WITH ORDINALITY")
		}
		pr.tableAlias(r.Alias)
	case *ParenRelation:
		pr.w("(")
		pr.relation(r.Rel)
		pr.w(")")
		pr.tableAlias(r.Alias)
	case *Sample:
		pr.relation(r.Rel)
		pr.w(" TABLESAMPLE " + r.Method + " (")
		pr.expr(r.Percent)
		pr.w(")")
	case *Join:
		pr.relation(r.Left)
		if int(r.Kind) < len(joinWords) {
			pr.w(joinWords[r.Kind])
		}
		if _, ok := r.Right.(*Join); ok {
			pr.w("(")
			pr.relation(r.Right)
			pr.w(")")
		} else {
			pr.relation(r.Right)
		}
		if r.On != nil {
			pr.w(" ON ")
			pr.expr(r.On)
		}
		if len(r.Using) > 0 {
			pr.w(" USING (")
			pr.idents(r.Using)
			pr.w(")")
		}
	}
}

func (pr *printer) tableAlias(a *TableAlias) {
	if a == nil {
		return
	}
	pr.w(" AS ")
	pr.ident(a.Name)
	if len(a.Columns) > 0 {
		pr.w("(")
		pr.idents(a.Columns)
		pr.w(")")
	}
}

func (pr *printer) exprs(list []Expr) {
	for i, e := range list {
		if i > 0 {
			pr.w(", ")
		}
		pr.expr(e)
	}
}

func (pr *printer) idents(list []*Ident) {
	for i, id := range list {
		if i > 0 {
			pr.w(", ")
		}
		pr.ident(id)
	}
}

func (pr *printer) names(list []*Ident) {
	for i, id := range list {
		if i > 0 {
			pr.w(".")
		}
		pr.ident(id)
	}
}

func (pr *printer) ident(id *Ident) {
	if id == nil {
		return
	}
	if id.Quoted || needsQuotes(id.Name) {
		pr.w(`"`, strings.ReplaceAll(id.Name, `"`, `""`), `"`)
		return
	}
	pr.w(id.Name)
}

// needsQuotes reports whether name cannot be written unquoted: it is not
// a plain word or is a reserved word.
func needsQuotes(name string) bool {
	if !isIdentStart(name, 0) {
		return true
	}
	toks, err := lex(name)
	if err != nil || len(toks) != 2 || toks[0].kind != tWord || toks[0].text != name {
		return true
	}
	return reserved[toks[0].kw]
}

func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (pr *printer) expr(e Expr) {
	switch e := e.(type) {
	case nil:
	case *Ident:
		pr.ident(e)
	case *Dereference:
		pr.postfixBase(e.X)
		pr.w(".")
		pr.ident(e.Field)
	case *Subscript:
		pr.postfixBase(e.X)
		pr.w("[")
		pr.expr(e.Index)
		pr.w("]")
	case *Star:
		if e.Qualifier != nil {
			pr.postfixBase(e.Qualifier)
			pr.w(".")
		}
		pr.w("*")
	case *StringLit:
		if e.Unicode {
			pr.w("U&")
		}
		pr.w(quoteString(e.Value))
	case *NumberLit:
		pr.w(e.Text)
	case *BinaryLit:
		pr.w("X'", e.Hex, "'")
	case *BoolLit:
		if e.Value {
			pr.w("TRUE")
		} else {
			pr.w("FALSE")
		}
	case *NullLit:
		pr.w("NULL")
	case *TypedLit:
		pr.w(e.Type, " ", quoteString(e.Value))
	case *IntervalLit:
		pr.w("INTERVAL ")
		if e.Negative {
			pr.w("-")
		}
		pr.w(quoteString(e.Value), " ", e.From)
		if e.To != "" {
			pr.w(" TO ", e.To)
		}
	case *Param:
		pr.w("?")
	case *FuncCall:
		pr.call(e)
	case *Lambda:
		if len(e.Params) == 1 {
			pr.ident(e.Params[0])
		} else {
			pr.w("(")
			pr.idents(e.Params)
			pr.w(")")
		}
		pr.w(" -> ")
		pr.expr(e.Body)
	case *Cast:
		if e.Try {
			pr.w("TRY_CAST(")
		} else {
			pr.w("CAST(")
		}
		pr.expr(e.X)
		pr.w(" AS ")
		pr.typ(e.Type)
		pr.w(")")
	case *Case:
		pr.w("CASE")
		if e.Operand != nil {
			pr.w(" ")
			pr.expr(e.Operand)
		}
		for _, w := range e.Whens {
			pr.w(" WHEN ")
			pr.expr(w.Cond)
			pr.w(" THEN ")
			pr.expr(w.Result)
		}
		if e.Else != nil {
			pr.w(" ELSE ")
			pr.expr(e.Else)
		}
		pr.w(" END")
	case *Unary:
		if e.Op == "NOT" {
			pr.w("NOT ")
			pr.exprAt(e.X, precNot)
			return
		}
		pr.w(e.Op)
		pr.exprAt(e.X, precUnary+1)
	case *Binary:
		p := precedence(e)
		if p == precPredicate {
			pr.exprAt(e.X, precConcat)
			pr.w(" ", e.Op, " ")
			pr.exprAt(e.Y, precConcat)
			return
		}
		pr.exprAt(e.X, p)
		pr.w(" ", e.Op, " ")
		pr.exprAt(e.Y, p+1)
	case *IsNull:
		pr.exprAt(e.X, precConcat)
		if e.Not {
			pr.w(" IS NOT NULL")
		} else {
			pr.w(" IS NULL")
		}
	case *IsDistinct:
		pr.exprAt(e.X, precConcat)
		if e.Not {
			pr.w(" IS NOT DISTINCT FROM ")
		} else {
			pr.w(" IS DISTINCT FROM ")
		}
		pr.exprAt(e.Y, precConcat)
	case *Between:
		pr.exprAt(e.X, precConcat)
		pr.not(e.Not)
		pr.w(" BETWEEN ")
		pr.exprAt(e.Low, precConcat)
		pr.w(" AND ")
		pr.exprAt(e.High, precConcat)
	case *In:
		pr.exprAt(e.X, precConcat)
		pr.not(e.Not)
		pr.w(" IN (")
		if e.Query != nil {
			pr.query(e.Query)
		} else {
			pr.exprs(e.List)
		}
		pr.w(")")
	case *Like:
		pr.exprAt(e.X, precConcat)
		pr.not(e.Not)
		pr.w(" LIKE ")
		pr.exprAt(e.Pattern, precConcat)
		if e.Escape != nil {
			pr.w(" ESCAPE ")
			pr.exprAt(e.Escape, precConcat)
		}
	case *Exists:
		pr.w("EXISTS (")
		pr.query(e.Query)
		pr.w(")")
	case *Subquery:
		pr.w("(")
		pr.query(e.Query)
		pr.w(")")
	case *Quantified:
		pr.exprAt(e.X, precConcat)
		pr.w(" ", e.Op, " ", e.Quantifier, " (")
		pr.query(e.Query)
		pr.w(")")
	case *ArrayExpr:
		pr.w("ARRAY[")
		pr.exprs(e.Elems)
		pr.w("]")
	case *RowExpr:
		if len(e.Elems) < 2 {
			pr.w("ROW")
		}
		pr.w("(")
		pr.exprs(e.Elems)
		pr.w(")")
	case *AtTimeZone:
		pr.exprAt(e.X, precAtTimeZone)
		pr.w(" AT TIME ZONE ")
		pr.postfixBase(e.Zone)
	case *Extract:
		pr.w("EXTRACT(", e.Field, " FROM ")
		pr.expr(e.X)
		pr.w(")")
	case *Special:
		pr.w(e.Name)
		if e.Precision != "" {
			pr.w("(", e.Precision, ")")
		}
	case *Position:
		pr.w("position(")
		pr.exprAt(e.Sub, precConcat)
		pr.w(" IN ")
		pr.exprAt(e.X, precConcat)
		pr.w(")")
	case *Trim:
		pr.w("trim(")
		if e.Where != "" {
			pr.w(e.Where, " ")
		}
		if e.Chars != nil {
			pr.exprAt(e.Chars, precConcat)
			pr.w(" ")
		}
		pr.w("FROM ")
		pr.exprAt(e.X, precConcat)
		pr.w(")")
	case *GroupingSets:
		switch e.Kind {
		case RollupKind:
			pr.w("ROLLUP (")
		case CubeKind:
			pr.w("CUBE (")
		default:
			pr.w("GROUPING SETS (")
		}
		for i, set := range e.Sets {
			if i > 0 {
				pr.w(", ")
			}
			if e.Kind == GroupingSetsKind {
				pr.w("(")
				if len(set) == 1 && isRow(set[0]) {
					// ((a, b)) would read as the set of a and b.
					pr.w("ROW")
				}
				pr.exprs(set)
				pr.w(")")
			} else {
				pr.exprs(set)
			}
		}
		pr.w(")")
	}
}

func (pr *printer) not(not bool) {
	if not {
		pr.w(" NOT")
	}
}

// postfixBase prints the operand of .field, [index] and AT TIME ZONE:
// anything but a name, call or other primary needs parentheses, and so
// do a number (1.x would read as the number 1.) and a column named array
// (array[1] would read as an array constructor).
func (pr *printer) postfixBase(e Expr) {
	switch e := e.(type) {
	case *Ident:
		if e.Quoted || !strings.EqualFold(e.Name, "ARRAY") {
			break
		}
		pr.w("(")
		pr.expr(e)
		pr.w(")")
		return
	case *NumberLit:
		pr.w("(")
		pr.expr(e)
		pr.w(")")
		return
	}
	pr.exprAt(e, precPrimary)
}

// reservedFuncs are the reserved words that are also function names.
var reservedFuncs = map[string]bool{"GROUPING": true, "NORMALIZE": true, "LISTAGG": true, "TRIM": true}

func (pr *printer) call(f *FuncCall) {
	if len(f.Name) == 1 && !f.Name[0].Quoted && reservedFuncs[strings.ToUpper(f.Name[0].Name)] {
		pr.w(f.Name[0].Name)
	} else {
		pr.names(f.Name)
	}
	pr.w("(")
	if f.Distinct {
		pr.w("DISTINCT ")
	}
	pr.exprs(f.Args)
	if len(f.OrderBy) > 0 {
		pr.w(" ORDER BY ")
		pr.orderItems(f.OrderBy)
	}
	pr.w(")")
	if len(f.WithinGroup) > 0 {
		pr.w(" WITHIN GROUP (ORDER BY ")
		pr.orderItems(f.WithinGroup)
		pr.w(")")
	}
	if f.Filter != nil {
		pr.w(" FILTER (WHERE ")
		pr.expr(f.Filter)
		pr.w(")")
	}
	if f.NullTreat != "" {
		pr.w(" ", f.NullTreat, " NULLS")
	}
	if f.Over != nil {
		pr.w(" OVER ")
		pr.windowSpec(f.Over)
	} else if f.OverName != nil {
		pr.w(" OVER ")
		pr.ident(f.OverName)
	}
}

func (pr *printer) typ(t *Type) {
	if t == nil {
		return
	}
	pr.w(t.Name)
	if len(t.Args) > 0 {
		pr.w("(")
		for i, a := range t.Args {
			if i > 0 {
				pr.w(", ")
			}
			pr.typeArg(a)
		}
		pr.w(")")
	}
	if t.WithTimeZone {
		pr.w(" WITH TIME ZONE")
	}
}

func (pr *printer) typeArg(a *TypeArg) {
	if a.Number != "" {
		pr.w(a.Number)
		return
	}
	if a.Field != nil {
		pr.ident(a.Field)
		pr.w(" ")
	}
	pr.typ(a.Type)
}

// isRow reports whether e is a row of two or more elements, printed (a, b).
func isRow(e Expr) bool {
	r, ok := e.(*RowExpr)
	return ok && len(r.Elems) > 1
}
