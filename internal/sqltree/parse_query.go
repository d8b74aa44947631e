package sqltree

// query parses [WITH ...] body [ORDER BY ...] [OFFSET n] [LIMIT n | FETCH ...].
func (p *parser) query() *Query {
	q := &Query{Pos: p.pos()}
	if !p.enter() {
		return q
	}
	defer p.leave()
	if p.isKw("WITH") {
		q.With = p.with()
	}
	q.Body = p.setExpr()
	p.queryTail(q)
	return q
}

// queryTail parses the ORDER BY, OFFSET and LIMIT of q.
func (p *parser) queryTail(q *Query) {
	if p.isKw("ORDER") {
		q.OrderBy = p.orderBy()
	}
	if p.isKw("OFFSET") {
		p.i++
		q.Offset = p.rowCount()
		if !p.acceptKw("ROWS") {
			p.acceptKw("ROW")
		}
	}
	switch {
	case p.isKw("LIMIT"):
		l := &Limit{Pos: p.next().pos}
		if !p.acceptKw("ALL") {
			l.Count = p.rowCount()
		} else {
			l.All = true
		}
		q.Limit = l
		if q.Offset == nil && p.isKw("OFFSET") {
			// LIMIT n OFFSET m: Trino wants OFFSET first, but
			// DuckDB, Postgres and MySQL users write it this way.
			p.i++
			q.Offset = p.rowCount()
			if !p.acceptKw("ROWS") {
				p.acceptKw("ROW")
			}
		}
	case p.isKw("FETCH"):
		l := &Limit{Pos: p.next().pos, Fetch: true}
		if !p.acceptKw("FIRST") && !p.acceptKw("NEXT") {
			p.fail("expected FIRST")
		}
		if !p.isKw("ROW") && !p.isKw("ROWS") {
			l.Count = p.rowCount()
		}
		if !p.acceptKw("ROWS") && !p.acceptKw("ROW") {
			p.fail("expected ROWS")
		}
		if p.acceptKw("WITH") {
			p.expectKw("TIES")
			l.WithTies = true
		} else {
			p.expectKw("ONLY")
		}
		q.Limit = l
	}
}

// rowCount parses the count of OFFSET, LIMIT or FETCH: a number or a
// parameter.
func (p *parser) rowCount() Expr {
	t := p.tok()
	switch t.kind {
	case tNumber:
		p.i++
		return &NumberLit{Pos: t.pos, Text: t.text}
	case tParam:
		p.i++
		e := &Param{Pos: t.pos, Index: p.params}
		p.params++
		return e
	}
	p.fail("expected a number of rows")
	return nil
}

func (p *parser) with() *With {
	w := &With{Pos: p.next().pos}
	w.Recursive = p.acceptKw("RECURSIVE")
	for p.err == nil {
		c := &CTE{Pos: p.pos(), Name: p.ident()}
		if p.isOp("(") {
			c.Columns = p.identList()
		}
		p.expectKw("AS")
		p.expectOp("(")
		c.Query = p.query()
		p.expectOp(")")
		w.CTEs = append(w.CTEs, c)
		if !p.acceptOp(",") {
			break
		}
	}
	return w
}

// setExpr parses query terms joined by UNION and EXCEPT, whose operands
// are INTERSECTs.
func (p *parser) setExpr() QueryBody {
	left := p.intersectExpr()
	return p.setExprRest(left)
}

func (p *parser) setExprRest(left QueryBody) QueryBody {
	for (p.isKw("UNION") || p.isKw("EXCEPT")) && p.op() {
		t := p.next()
		op := &SetOp{Pos: left.Position(), Op: t.kw, Left: left}
		op.All = p.setQuantifier()
		op.Right = p.intersectExpr()
		left = op
	}
	return left
}

func (p *parser) intersectExpr() QueryBody {
	left := p.queryPrimary()
	return p.intersectRest(left)
}

func (p *parser) intersectRest(left QueryBody) QueryBody {
	for p.isKw("INTERSECT") && p.op() {
		p.i++
		op := &SetOp{Pos: left.Position(), Op: "INTERSECT", Left: left}
		op.All = p.setQuantifier()
		op.Right = p.queryPrimary()
		left = op
	}
	return left
}

// setQuantifier parses [ALL | DISTINCT] and reports ALL.
func (p *parser) setQuantifier() bool {
	if p.acceptKw("ALL") {
		return true
	}
	p.acceptKw("DISTINCT")
	return false
}

// queryPrimary parses SELECT ..., VALUES ..., TABLE name or (query).
// A parenthesised query without WITH, ORDER BY, OFFSET or LIMIT is
// returned as its body.
func (p *parser) queryPrimary() QueryBody {
	t := p.tok()
	switch {
	case t.isKw("SELECT"):
		return p.selectBody()
	case t.isKw("VALUES"):
		p.i++
		v := &Values{Pos: t.pos}
		p.list(func() { v.Rows = append(v.Rows, p.expr()) })
		return v
	case t.isKw("TABLE"):
		p.i++
		return &TableQuery{Pos: t.pos, Name: p.qualifiedName()}
	case t.isOp("("):
		p.i++
		q := p.query()
		p.expectOp(")")
		return unwrap(q)
	}
	p.fail("expected SELECT, VALUES or '('")
	return &Select{Pos: t.pos}
}

// unwrap returns q's body if q is nothing more.
func unwrap(q *Query) QueryBody {
	if q.With == nil && q.OrderBy == nil && q.Offset == nil && q.Limit == nil && q.Body != nil {
		return q.Body
	}
	return q
}

func (p *parser) selectBody() *Select {
	s := &Select{Pos: p.next().pos}
	if p.acceptKw("DISTINCT") {
		s.Distinct = true
	} else {
		p.acceptKw("ALL")
	}
	p.list(func() { s.Items = append(s.Items, p.selectItem()) })
	if p.acceptKw("FROM") {
		p.list(func() { s.From = append(s.From, p.relation()) })
	}
	if p.acceptKw("WHERE") {
		s.Where = p.expr()
	}
	if p.isKw("GROUP") {
		s.GroupBy = p.groupBy()
	}
	if p.acceptKw("HAVING") {
		s.Having = p.expr()
	}
	if p.isKw("WINDOW") && p.peek(1).isIdent() && p.peek(2).isKw("AS") {
		p.i++
		for p.err == nil {
			w := &WindowDef{Pos: p.pos(), Name: p.ident()}
			p.expectKw("AS")
			w.Spec = p.windowSpec()
			s.Windows = append(s.Windows, w)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	if p.acceptKw("QUALIFY") {
		s.Qualify = p.expr()
	}
	return s
}

func (p *parser) selectItem() *SelectItem {
	it := &SelectItem{Pos: p.pos()}
	if p.isOp("*") {
		it.Expr = &Star{Pos: p.next().pos}
		return it
	}
	it.Expr = p.expr()
	if _, star := it.Expr.(*Star); star {
		return it
	}
	it.Alias = p.alias()
	return it
}

// alias parses [AS] ident after a select item or relation, or returns nil.
func (p *parser) alias() *Ident {
	if p.acceptKw("AS") {
		return p.ident()
	}
	if t := p.tok(); t.isIdent() && !(t.kind == tWord && noImplicitAlias[t.kw]) {
		return p.ident()
	}
	return nil
}

func (p *parser) groupBy() *GroupBy {
	g := &GroupBy{Pos: p.next().pos}
	p.expectKw("BY")
	if p.acceptKw("DISTINCT") {
		g.Distinct = true
	} else {
		p.acceptKw("ALL")
	}
	p.list(func() { g.Items = append(g.Items, p.groupingElement()) })
	return g
}

func (p *parser) groupingElement() Expr {
	t := p.tok()
	switch {
	case t.isKw("ROLLUP") || t.isKw("CUBE"):
		p.i++
		g := &GroupingSets{Pos: t.pos, Kind: RollupKind}
		if t.kw == "CUBE" {
			g.Kind = CubeKind
		}
		p.expectOp("(")
		if !p.isOp(")") {
			p.list(func() { g.Sets = append(g.Sets, []Expr{p.expr()}) })
		}
		p.expectOp(")")
		return g
	case t.isKw("GROUPING") && p.peek(1).isKw("SETS"):
		p.i += 2
		g := &GroupingSets{Pos: t.pos, Kind: GroupingSetsKind}
		p.expectOp("(")
		for p.err == nil {
			if p.isOp("(") {
				g.Sets = append(g.Sets, p.parenExprs())
			} else {
				g.Sets = append(g.Sets, []Expr{p.expr()})
			}
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
		return g
	case t.isOp("(") && p.peek(1).isOp(")"):
		p.i += 2
		return &GroupingSets{Pos: t.pos, Kind: GroupingSetsKind, Sets: [][]Expr{{}}}
	}
	return p.expr()
}

// parenExprs parses ( [expr {, expr}] ).
func (p *parser) parenExprs() []Expr {
	p.expectOp("(")
	list := []Expr{}
	if !p.isOp(")") {
		p.list(func() { list = append(list, p.expr()) })
	}
	p.expectOp(")")
	return list
}

func (p *parser) orderBy() []*OrderItem {
	p.i++
	p.expectKw("BY")
	var items []*OrderItem
	for p.err == nil {
		o := &OrderItem{Pos: p.pos(), Expr: p.expr()}
		if p.acceptKw("DESC") {
			o.Desc = true
		} else {
			p.acceptKw("ASC")
		}
		if p.acceptKw("NULLS") {
			switch {
			case p.acceptKw("FIRST"):
				o.Nulls = NullsFirst
			case p.acceptKw("LAST"):
				o.Nulls = NullsLast
			default:
				p.fail("expected FIRST or LAST")
			}
		}
		items = append(items, o)
		if !p.acceptOp(",") {
			break
		}
	}
	return items
}

// windowSpec parses ( [base] [PARTITION BY ...] [ORDER BY ...] [frame] ).
func (p *parser) windowSpec() *WindowSpec {
	w := &WindowSpec{Pos: p.pos()}
	p.expectOp("(")
	if t := p.tok(); t.isIdent() && !t.isKw("PARTITION") && !t.isKw("ORDER") && !t.isKw("ROWS") && !t.isKw("RANGE") && !t.isKw("GROUPS") {
		w.Base = p.ident()
	}
	if p.acceptKw("PARTITION") {
		p.expectKw("BY")
		p.list(func() { w.PartitionBy = append(w.PartitionBy, p.expr()) })
	}
	if p.isKw("ORDER") {
		w.OrderBy = p.orderBy()
	}
	if t := p.tok(); t.isKw("ROWS") || t.isKw("RANGE") || t.isKw("GROUPS") {
		p.i++
		f := &Frame{Pos: t.pos, Unit: t.kw}
		if p.acceptKw("BETWEEN") {
			f.Start = p.frameBound()
			p.expectKw("AND")
			f.End = p.frameBound()
		} else {
			f.Start = p.frameBound()
		}
		w.Frame = f
	}
	p.expectOp(")")
	return w
}

func (p *parser) frameBound() *FrameBound {
	b := &FrameBound{Pos: p.pos()}
	switch {
	case p.isKw("UNBOUNDED"):
		p.i++
		switch {
		case p.acceptKw("PRECEDING"):
			b.Kind = UnboundedPreceding
		case p.acceptKw("FOLLOWING"):
			b.Kind = UnboundedFollowing
		default:
			p.fail("expected PRECEDING or FOLLOWING")
		}
	case p.isKw("CURRENT") && p.peek(1).isKw("ROW"):
		p.i += 2
		b.Kind = CurrentRow
	default:
		b.Offset = p.expr()
		switch {
		case p.acceptKw("PRECEDING"):
			b.Kind = Preceding
		case p.acceptKw("FOLLOWING"):
			b.Kind = Following
		default:
			p.fail("expected PRECEDING or FOLLOWING")
		}
	}
	return b
}

// relation parses a FROM item with its joins.
func (p *parser) relation() Relation {
	left := p.aliasedRelation()
	for p.err == nil && p.op() {
		t := p.tok()
		j := &Join{Pos: left.Position(), Left: left}
		switch {
		case t.isKw("CROSS"):
			p.i++
			j.Kind = CrossJoin
		case t.isKw("JOIN"):
			j.Kind = InnerJoin
		case t.isKw("INNER"):
			p.i++
			j.Kind = InnerJoin
		case t.isKw("LEFT"), t.isKw("RIGHT"), t.isKw("FULL"):
			p.i++
			j.Kind = map[string]JoinKind{"LEFT": LeftJoin, "RIGHT": RightJoin, "FULL": FullJoin}[t.kw]
			p.acceptKw("OUTER")
		default:
			return left
		}
		p.expectKw("JOIN")
		j.Right = p.aliasedRelation()
		if j.Kind != CrossJoin {
			switch {
			case p.acceptKw("ON"):
				j.On = p.expr()
			case p.acceptKw("USING"):
				j.Using = p.identList()
			default:
				p.fail("expected ON or USING")
			}
		}
		left = j
	}
	return left
}

// aliasedRelation parses a table, (query), UNNEST(...), LATERAL (query)
// or (relation), with an optional alias, and an optional TABLESAMPLE.
func (p *parser) aliasedRelation() Relation {
	r := p.unsampledRelation()
	if !p.isKw("TABLESAMPLE") {
		return r
	}
	pos := p.pos()
	p.i++
	m := p.tok()
	if !m.isKw("BERNOULLI") && !m.isKw("SYSTEM") {
		p.fail("expected BERNOULLI or SYSTEM")
		return r
	}
	p.i++
	method := "SYSTEM"
	if m.isKw("BERNOULLI") {
		method = "BERNOULLI"
	}
	s := &Sample{Pos: pos, Rel: r, Method: method}
	p.expectOp("(")
	s.Percent = p.expr()
	p.expectOp(")")
	return s
}

// unsampledRelation is aliasedRelation without TABLESAMPLE.
func (p *parser) unsampledRelation() Relation {
	t := p.tok()
	if !p.enter() {
		return &Table{Pos: t.pos}
	}
	defer p.leave()
	switch {
	case t.isKw("UNNEST"):
		p.i++
		u := &Unnest{Pos: t.pos}
		p.expectOp("(")
		p.list(func() { u.Args = append(u.Args, p.expr()) })
		p.expectOp(")")
		if p.isKw("WITH") && p.peek(1).isKw("ORDINALITY") {
			p.i += 2
			u.Ordinality = true
		}
		u.Alias = p.tableAlias()
		return u
	case t.isKw("LATERAL") && p.peek(1).isOp("("):
		p.i += 2
		s := &SubqueryRelation{Pos: t.pos, Lateral: true, Query: p.query()}
		p.expectOp(")")
		s.Alias = p.tableAlias()
		return s
	case t.isOp("("):
		if p.startsQuery() {
			p.i++
			s := &SubqueryRelation{Pos: t.pos, Query: p.query()}
			p.expectOp(")")
			s.Alias = p.tableAlias()
			return s
		}
		p.i++
		r := p.relation()
		p.expectOp(")")
		if a := p.tableAlias(); a != nil {
			return &ParenRelation{Pos: t.pos, Rel: r, Alias: a}
		}
		return r
	}
	tb := &Table{Pos: t.pos, Name: p.qualifiedName()}
	tb.Alias = p.tableAlias()
	return tb
}

// startsQuery reports whether the ( at the current token opens a query
// rather than a relation: the first token after the run of ( is SELECT,
// WITH, VALUES or TABLE.
func (p *parser) startsQuery() bool {
	k := 0
	for p.peek(k).isOp("(") && k < maxDepth {
		k++
	}
	t := p.peek(k)
	return t.isKw("SELECT") || t.isKw("WITH") || t.isKw("VALUES") || t.isKw("TABLE")
}

// tableAlias parses [AS] name [(columns)], or returns nil.
func (p *parser) tableAlias() *TableAlias {
	pos := p.pos()
	name := p.alias()
	if name == nil {
		return nil
	}
	a := &TableAlias{Pos: pos, Name: name}
	if p.isOp("(") {
		a.Columns = p.identList()
	}
	return a
}
