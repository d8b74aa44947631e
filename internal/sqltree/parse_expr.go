package sqltree

// expr parses an expression: a lambda, or an OR of ANDs.
func (p *parser) expr() Expr {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	if l := p.lambda(); l != nil {
		return l
	}
	return p.or()
}

// lambda parses x -> body or (x, y) -> body if that is what follows,
// and returns nil otherwise.
func (p *parser) lambda() Expr {
	t := p.tok()
	var params []*Ident
	switch {
	case t.isIdent() && p.peek(1).isOp("->"):
		params = []*Ident{p.ident()}
	case t.isOp("("):
		k := 1
		if !p.peek(k).isOp(")") {
			for {
				if !p.peek(k).isIdent() {
					return nil
				}
				k++
				if !p.peek(k).isOp(",") {
					break
				}
				k++
			}
		}
		if !p.peek(k).isOp(")") || !p.peek(k+1).isOp("->") {
			return nil
		}
		p.i++
		params = []*Ident{}
		for !p.isOp(")") && p.err == nil {
			params = append(params, p.ident())
			p.acceptOp(",")
		}
		p.i++
	default:
		return nil
	}
	p.expectOp("->")
	return &Lambda{Pos: t.pos, Params: params, Body: p.expr()}
}

func (p *parser) or() Expr {
	x := p.and()
	for p.isKw("OR") && p.op() {
		p.i++
		x = &Binary{Pos: x.Position(), Op: "OR", X: x, Y: p.and()}
	}
	return x
}

func (p *parser) and() Expr {
	x := p.not()
	for p.isKw("AND") && p.op() {
		p.i++
		x = &Binary{Pos: x.Position(), Op: "AND", X: x, Y: p.not()}
	}
	return x
}

func (p *parser) not() Expr {
	if p.isKw("NOT") {
		t := p.next()
		if !p.enter() {
			return nil
		}
		defer p.leave()
		return &Unary{Pos: t.pos, Op: "NOT", X: p.not()}
	}
	return p.predicate()
}

var comparisons = map[string]string{"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

// predicate parses a value expression followed by at most one comparison,
// IS, BETWEEN, IN or LIKE.
func (p *parser) predicate() Expr {
	x := p.concat()
	if x == nil {
		return nil
	}
	t := p.tok()
	if t.kind == tOp {
		op, ok := comparisons[t.text]
		if !ok {
			return x
		}
		p.i++
		if q := p.tok(); (q.isKw("ANY") || q.isKw("SOME") || q.isKw("ALL")) && p.peek(1).isOp("(") {
			p.i += 2
			e := &Quantified{Pos: x.Position(), X: x, Op: op, Quantifier: q.kw, Query: p.query()}
			p.expectOp(")")
			return e
		}
		return &Binary{Pos: x.Position(), Op: op, X: x, Y: p.concat()}
	}
	if t.isKw("IS") {
		p.i++
		not := p.acceptKw("NOT")
		if p.acceptKw("NULL") {
			return &IsNull{Pos: x.Position(), X: x, Not: not}
		}
		if p.acceptKw("DISTINCT") {
			p.expectKw("FROM")
			return &IsDistinct{Pos: x.Position(), X: x, Y: p.concat(), Not: not}
		}
		p.fail("expected NULL or DISTINCT FROM")
		return x
	}
	not := false
	if t.isKw("NOT") {
		n := p.peek(1)
		if !n.isKw("BETWEEN") && !n.isKw("IN") && !n.isKw("LIKE") {
			return x
		}
		p.i++
		not = true
		t = p.tok()
	}
	switch {
	case t.isKw("BETWEEN"):
		p.i++
		e := &Between{Pos: x.Position(), X: x, Not: not, Low: p.concat()}
		p.expectKw("AND")
		e.High = p.concat()
		return e
	case t.isKw("LIKE"):
		p.i++
		e := &Like{Pos: x.Position(), X: x, Not: not, Pattern: p.concat()}
		if p.acceptKw("ESCAPE") {
			e.Escape = p.concat()
		}
		return e
	case t.isKw("IN"):
		p.i++
		e := &In{Pos: x.Position(), X: x, Not: not}
		if !p.isOp("(") {
			p.fail("expected '('")
			return e
		}
		if k := p.peek(1); k.isKw("SELECT") || k.isKw("WITH") || k.isKw("VALUES") || k.isKw("TABLE") {
			p.i++
			e.Query = p.query()
			p.expectOp(")")
			return e
		}
		p.i++
		p.list(func() { e.List = append(e.List, p.expr()) })
		if s, ok := e.List[0].(*Subquery); ok && len(e.List) == 1 && p.continuesQuery() {
			e.List, e.Query = nil, p.queryRest(s)
		}
		p.expectOp(")")
		return e
	}
	return x
}

func (p *parser) concat() Expr {
	x := p.additive()
	for p.isOp("||") && p.op() {
		p.i++
		x = &Binary{Pos: x.Position(), Op: "||", X: x, Y: p.additive()}
	}
	return x
}

func (p *parser) additive() Expr {
	x := p.multiplicative()
	for (p.isOp("+") || p.isOp("-")) && p.op() {
		op := p.next().text
		x = &Binary{Pos: x.Position(), Op: op, X: x, Y: p.multiplicative()}
	}
	return x
}

func (p *parser) multiplicative() Expr {
	x := p.unary()
	for (p.isOp("*") || p.isOp("/") || p.isOp("%")) && p.op() {
		op := p.next().text
		x = &Binary{Pos: x.Position(), Op: op, X: x, Y: p.unary()}
	}
	return x
}

func (p *parser) unary() Expr {
	if p.isOp("-") || p.isOp("+") {
		t := p.next()
		if !p.enter() {
			return nil
		}
		defer p.leave()
		return &Unary{Pos: t.pos, Op: t.text, X: p.unary()}
	}
	x := p.postfix()
	for p.isKw("AT") && p.peek(1).isKw("TIME") && p.peek(2).isKw("ZONE") && x != nil && p.op() {
		p.i += 3
		x = &AtTimeZone{Pos: x.Position(), X: x, Zone: p.postfix()}
	}
	return x
}

// postfix parses a primary expression followed by .field, .* and [index].
func (p *parser) postfix() Expr {
	x := p.primary()
	for p.err == nil {
		switch {
		case p.isOp(".") && p.peek(1).isOp("*"):
			p.i += 2
			return &Star{Pos: x.Position(), Qualifier: x}
		case p.isOp("."):
			p.i++
			x = &Dereference{Pos: x.Position(), X: x, Field: p.ident()}
		case p.isOp("["):
			p.i++
			x = &Subscript{Pos: x.Position(), X: x, Index: p.expr()}
			p.expectOp("]")
		default:
			return x
		}
	}
	return x
}

// specials are the niladic special forms; those mapped to true take an
// optional precision.
var specials = map[string]bool{
	"CURRENT_DATE": false, "CURRENT_TIME": true, "CURRENT_TIMESTAMP": true, "LOCALTIME": true,
	"LOCALTIMESTAMP": true, "CURRENT_USER": false, "CURRENT_CATALOG": false, "CURRENT_SCHEMA": false,
	"CURRENT_PATH": false,
}

// intervalFields are the units of an interval literal.
var intervalFields = map[string]bool{"YEAR": true, "MONTH": true, "DAY": true, "HOUR": true, "MINUTE": true, "SECOND": true}

// primary parses a literal, name, function call, special form, (expr),
// row, or subquery.
func (p *parser) primary() Expr {
	t := p.tok()
	if !p.enter() {
		return nil
	}
	defer p.leave()
	switch t.kind {
	case tString, tUString:
		p.i++
		p.noAdjacentString(t)
		return &StringLit{Pos: t.pos, Value: t.val, Unicode: t.kind == tUString}
	case tBinary:
		p.i++
		p.noAdjacentString(t)
		return &BinaryLit{Pos: t.pos, Hex: t.val}
	case tNumber:
		p.i++
		return &NumberLit{Pos: t.pos, Text: t.text}
	case tParam:
		p.i++
		e := &Param{Pos: t.pos, Index: p.params}
		p.params++
		return e
	case tQuoted:
		return p.name()
	case tOp:
		if t.text == "(" {
			return p.paren()
		}
		p.fail("expected an expression")
		return nil
	case tWord:
		if e, ok := p.keywordExpr(t); ok {
			return e
		}
		if !t.isIdent() {
			p.fail("expected an expression")
			return nil
		}
		if n := p.peek(1); n.kind == tString {
			p.i += 2
			p.noAdjacentString(n)
			return &TypedLit{Pos: t.pos, Type: t.kw, Value: n.val}
		}
		if t.kw == "DOUBLE" && p.peek(1).isKw("PRECISION") && p.peek(2).kind == tString {
			n := p.peek(2)
			p.i += 3
			p.noAdjacentString(n)
			return &TypedLit{Pos: t.pos, Type: "DOUBLE", Value: n.val}
		}
		return p.name()
	}
	p.fail("expected an expression")
	return nil
}

// noAdjacentString rejects a string literal right after the string t:
// Athena does not join 'a' 'b' as the SQL standard (and DuckDB) do.
func (p *parser) noAdjacentString(t *token) {
	if n := p.tok(); n.kind == tString || n.kind == tUString {
		p.errorAt(n.pos, "unexpected "+describe(n)+" right after "+describe(t)+": adjacent string literals are not joined; write "+t.text+" || "+n.text+", or separate list items with commas")
	}
}

// keywordExpr parses the expressions that start with a keyword. It
// returns false if t does not start one.
func (p *parser) keywordExpr(t *token) (Expr, bool) {
	n := p.peek(1)
	switch t.kw {
	case "TRUE", "FALSE":
		p.i++
		return &BoolLit{Pos: t.pos, Value: t.kw == "TRUE"}, true
	case "NULL":
		p.i++
		return &NullLit{Pos: t.pos}, true
	case "CASE":
		return p.caseExpr(), true
	case "CAST", "TRY_CAST":
		if !n.isOp("(") {
			return nil, false
		}
		p.i += 2
		c := &Cast{Pos: t.pos, Try: t.kw == "TRY_CAST", X: p.expr()}
		p.expectKw("AS")
		c.Type = p.typ()
		p.expectOp(")")
		return c, true
	case "EXISTS":
		p.i++
		p.expectOp("(")
		e := &Exists{Pos: t.pos, Query: p.query()}
		p.expectOp(")")
		return e, true
	case "ARRAY":
		if !n.isOp("[") {
			return nil, false
		}
		p.i += 2
		a := &ArrayExpr{Pos: t.pos, Elems: []Expr{}}
		if !p.isOp("]") {
			p.list(func() { a.Elems = append(a.Elems, p.expr()) })
		}
		p.expectOp("]")
		return a, true
	case "ROW":
		if !n.isOp("(") {
			return nil, false
		}
		p.i++
		return &RowExpr{Pos: t.pos, Elems: p.parenExprs()}, true
	case "INTERVAL":
		if n.kind == tString || (n.isOp("-") || n.isOp("+")) && p.peek(2).kind == tString {
			return p.interval(), true
		}
	case "EXTRACT":
		p.i++
		p.expectOp("(")
		e := &Extract{Pos: t.pos}
		f := p.tok()
		if f.kind != tWord {
			p.fail("expected a field like YEAR")
			return e, true
		}
		p.i++
		e.Field = f.kw
		p.expectKw("FROM")
		e.X = p.expr()
		p.expectOp(")")
		return e, true
	case "POSITION":
		if !n.isOp("(") {
			return nil, false
		}
		p.i += 2
		e := &Position{Pos: t.pos, Sub: p.concat()}
		p.expectKw("IN")
		e.X = p.concat()
		p.expectOp(")")
		return e, true
	case "TRIM":
		return p.trim(), true
	case "SUBSTRING":
		if !n.isOp("(") {
			return nil, false
		}
		return p.substring(), true
	case "GROUPING", "NORMALIZE", "LISTAGG":
		if n.isOp("(") {
			return p.call([]*Ident{{Pos: t.pos, Name: t.text}}), true
		}
	}
	if prec, ok := specials[t.kw]; ok {
		p.i++
		s := &Special{Pos: t.pos, Name: t.kw}
		if prec && p.isOp("(") && p.peek(1).kind == tNumber && p.peek(2).isOp(")") {
			s.Precision = p.peek(1).text
			p.i += 3
		}
		return s, true
	}
	return nil, false
}

func (p *parser) interval() Expr {
	e := &IntervalLit{Pos: p.next().pos}
	if p.acceptOp("-") {
		e.Negative = true
	} else {
		p.acceptOp("+")
	}
	e.Value = p.next().val
	f := p.tok()
	if !intervalFields[f.kw] || f.kind != tWord {
		p.fail("expected YEAR, MONTH, DAY, HOUR, MINUTE or SECOND")
		return e
	}
	p.i++
	e.From = f.kw
	if p.isKw("TO") {
		p.i++
		f := p.tok()
		if !intervalFields[f.kw] || f.kind != tWord {
			p.fail("expected YEAR, MONTH, DAY, HOUR, MINUTE or SECOND")
			return e
		}
		p.i++
		e.To = f.kw
	}
	return e
}

func (p *parser) caseExpr() Expr {
	c := &Case{Pos: p.next().pos}
	if !p.isKw("WHEN") {
		c.Operand = p.expr()
	}
	for p.isKw("WHEN") {
		w := &When{Pos: p.next().pos, Cond: p.expr()}
		p.expectKw("THEN")
		w.Result = p.expr()
		c.Whens = append(c.Whens, w)
	}
	if len(c.Whens) == 0 {
		p.fail("expected WHEN")
	}
	if p.acceptKw("ELSE") {
		c.Else = p.expr()
	}
	p.expectKw("END")
	return c
}

// trim parses trim([BOTH|LEADING|TRAILING] [chars] FROM x), trim(x) and
// trim(x, chars).
func (p *parser) trim() Expr {
	t := p.next()
	p.expectOp("(")
	e := &Trim{Pos: t.pos}
	if k := p.tok(); k.isKw("BOTH") || k.isKw("LEADING") || k.isKw("TRAILING") {
		p.i++
		e.Where = k.kw
		if !p.acceptKw("FROM") {
			e.Chars = p.concat()
			p.expectKw("FROM")
		}
		e.X = p.concat()
		p.expectOp(")")
		return e
	}
	if p.acceptKw("FROM") {
		e.X = p.concat()
		p.expectOp(")")
		return e
	}
	x := p.concat()
	if p.acceptKw("FROM") {
		e.Chars = x
		e.X = p.concat()
		p.expectOp(")")
		return e
	}
	f := &FuncCall{Pos: t.pos, Name: []*Ident{{Pos: t.pos, Name: t.text}}, Args: []Expr{x}}
	if p.acceptOp(",") {
		f.Args = append(f.Args, p.expr())
	}
	p.expectOp(")")
	return f
}

// substring parses substring(x FROM a [FOR b]) as substring(x, a[, b]),
// or an ordinary call.
func (p *parser) substring() Expr {
	t := p.tok()
	name := []*Ident{{Pos: t.pos, Name: t.text}}
	p.i += 2
	if p.isOp(")") || p.isKw("DISTINCT") || p.isKw("ALL") {
		p.i -= 2
		return p.call(name)
	}
	f := &FuncCall{Pos: t.pos, Name: name, Args: []Expr{p.expr()}}
	if !p.acceptKw("FROM") {
		for p.acceptOp(",") && p.err == nil {
			f.Args = append(f.Args, p.expr())
		}
		return p.callRest(f)
	}
	f.Args = append(f.Args, p.expr())
	if p.acceptKw("FOR") {
		f.Args = append(f.Args, p.expr())
	}
	p.expectOp(")")
	return f
}

// name parses a column reference a.b.c or a function call a.b(...).
func (p *parser) name() Expr {
	k := 0
	for p.peek(k).isIdent() && p.peek(k+1).isOp(".") {
		k += 2
	}
	if p.peek(k).isIdent() && p.peek(k+1).isOp("(") {
		names := p.qualifiedName()
		p.i--
		return p.call(names)
	}
	return p.ident()
}

// call parses the argument list and the FILTER, IGNORE/RESPECT NULLS
// and OVER of a function call; the current token is the name's last
// part, followed by (.
func (p *parser) call(name []*Ident) Expr {
	p.i += 2
	f := &FuncCall{Pos: name[0].Pos, Name: name}
	if p.acceptKw("DISTINCT") {
		f.Distinct = true
	} else if p.isKw("ALL") && !p.peek(1).isOp(")") && !p.peek(1).isOp(",") {
		p.i++
	}
	switch {
	case p.isOp("*") && p.peek(1).isOp(")"):
		f.Args = []Expr{&Star{Pos: p.next().pos}}
	case !p.isOp(")"):
		p.list(func() { f.Args = append(f.Args, p.expr()) })
	}
	return p.callRest(f)
}

// callRest parses the rest of a call after its arguments: ORDER BY, ),
// WITHIN GROUP, FILTER, IGNORE/RESPECT NULLS and OVER.
func (p *parser) callRest(f *FuncCall) Expr {
	if len(f.Args) > 0 && p.isKw("ORDER") {
		f.OrderBy = p.orderBy()
	}
	p.expectOp(")")
	if p.isKw("WITHIN") && p.peek(1).isKw("GROUP") {
		p.i += 2
		p.expectOp("(")
		if !p.isKw("ORDER") {
			p.fail("expected ORDER BY")
		}
		f.WithinGroup = p.orderBy()
		p.expectOp(")")
	}
	if p.isKw("FILTER") && p.peek(1).isOp("(") {
		p.i += 2
		p.expectKw("WHERE")
		f.Filter = p.expr()
		p.expectOp(")")
	}
	if (p.isKw("IGNORE") || p.isKw("RESPECT")) && p.peek(1).isKw("NULLS") {
		f.NullTreat = p.next().kw
		p.i++
		if !p.isKw("OVER") {
			p.fail("expected OVER")
		}
	}
	if p.acceptKw("OVER") {
		if p.isOp("(") {
			f.Over = p.windowSpec()
		} else {
			f.OverName = p.ident()
		}
	}
	return f
}

// paren parses what starts with (: a parenthesised expression, a row
// (a, b), or a subquery, which can go on as a set operation:
// ((SELECT 1) UNION (SELECT 2)).
func (p *parser) paren() Expr {
	t := p.next()
	if k := p.tok(); k.isKw("SELECT") || k.isKw("WITH") || k.isKw("VALUES") || k.isKw("TABLE") {
		q := p.query()
		p.expectOp(")")
		return &Subquery{Pos: t.pos, Query: q}
	}
	x := p.expr()
	if s, ok := x.(*Subquery); ok && p.continuesQuery() {
		q := p.queryRest(s)
		p.expectOp(")")
		return &Subquery{Pos: t.pos, Query: q}
	}
	if !p.isOp(",") {
		p.expectOp(")")
		return x
	}
	r := &RowExpr{Pos: t.pos, Elems: []Expr{x}}
	for p.acceptOp(",") && p.err == nil {
		r.Elems = append(r.Elems, p.expr())
	}
	p.expectOp(")")
	return r
}

// queryRest parses the set operations, ORDER BY, OFFSET and LIMIT after
// a parenthesised subquery s that turns out to start a query.
func (p *parser) queryRest(s *Subquery) *Query {
	body := p.setExprRest(p.intersectRest(unwrap(s.Query)))
	q := &Query{Pos: s.Pos, Body: body}
	p.queryTail(q)
	return q
}

// continuesQuery reports whether the current token continues a query.
func (p *parser) continuesQuery() bool {
	for _, kw := range []string{"UNION", "INTERSECT", "EXCEPT", "ORDER", "OFFSET", "LIMIT", "FETCH"} {
		if p.isKw(kw) {
			return true
		}
	}
	return false
}

// typ parses a data type.
func (p *parser) typ() *Type {
	t := p.tok()
	ty := &Type{Pos: t.pos}
	if !p.enter() {
		return ty
	}
	defer p.leave()
	if t.kind != tWord {
		p.fail("expected a type")
		return ty
	}
	p.i++
	ty.Name = t.kw
	switch ty.Name {
	case "DOUBLE":
		p.acceptKw("PRECISION")
		return ty
	case "INTERVAL":
		if f := p.tok(); f.isKw("YEAR") || f.isKw("DAY") {
			p.i++
			p.expectKw("TO")
			to := p.tok()
			if to.kind != tWord {
				p.fail("expected MONTH or SECOND")
				return ty
			}
			p.i++
			ty.Name = "INTERVAL " + f.kw + " TO " + to.kw
		}
		return ty
	case "ARRAY", "MAP":
		if p.acceptOp("<") {
			p.list(func() { ty.Args = append(ty.Args, &TypeArg{Pos: p.pos(), Type: p.typ()}) })
			p.expectOp(">")
			return ty
		}
	}
	if p.acceptOp("(") {
		for p.err == nil {
			a := &TypeArg{Pos: p.pos()}
			switch n := p.tok(); {
			case n.kind == tNumber:
				p.i++
				a.Number = n.text
			case ty.Name == "ROW" && n.isIdent() && (p.peek(1).kind == tWord || p.peek(1).kind == tQuoted) &&
				!(n.isKw("DOUBLE") && p.peek(1).isKw("PRECISION")) &&
				!((n.isKw("TIMESTAMP") || n.isKw("TIME")) && (p.peek(1).isKw("WITH") || p.peek(1).isKw("WITHOUT"))):
				a.Field = p.ident()
				a.Type = p.typ()
			default:
				a.Type = p.typ()
			}
			ty.Args = append(ty.Args, a)
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	if (ty.Name == "TIMESTAMP" || ty.Name == "TIME") && (p.isKw("WITH") || p.isKw("WITHOUT")) && p.peek(1).isKw("TIME") {
		ty.WithTimeZone = p.next().kw == "WITH"
		p.i++
		p.expectKw("ZONE")
	}
	return ty
}
