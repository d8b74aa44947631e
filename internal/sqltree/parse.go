package sqltree

import (
	"strings"
)

// maxDepth bounds the nesting of expressions and queries, so that no
// input can exhaust the stack.
const maxDepth = 1000

// maxOps bounds the binary operators of a statement: a chain like
// a OR b OR c ... is parsed by a loop but makes a tree as deep as it is
// long, which printing and walking then recurse through.
const maxOps = 100000

// reserved holds Trino's reserved words: they are identifiers only when
// quoted. Every other keyword (YEAR, DATE, TIMESTAMP, POSITION, ROW, ...)
// can name a column.
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE
		CURRENT_CATALOG CURRENT_DATE CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME
		CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE DELETE DESCRIBE DISTINCT DROP ELSE END ESCAPE
		EXCEPT EXECUTE EXISTS EXTRACT FALSE FOR FROM FULL GROUP GROUPING HAVING IN INNER INSERT
		INTERSECT INTO IS JOIN JSON_ARRAY JSON_EXISTS JSON_OBJECT JSON_QUERY JSON_TABLE JSON_VALUE
		LEFT LIKE LISTAGG LOCALTIME LOCALTIMESTAMP NATURAL NORMALIZE NOT NULL ON OR ORDER OUTER
		PREPARE RECURSIVE RIGHT ROLLUP SELECT SKIP TABLE THEN TRIM TRUE UESCAPE UNION UNNEST USING
		VALUES WHEN WHERE WITH`) {
		reserved[w] = true
	}
}

// noImplicitAlias holds the non-reserved words that end a relation or
// select item rather than name it when they follow it without AS.
var noImplicitAlias = map[string]bool{
	"LIMIT": true, "OFFSET": true, "FETCH": true, "WINDOW": true, "TABLESAMPLE": true,
	"MATCH_RECOGNIZE": true, "FOR": true, "QUALIFY": true,
}

// Parse parses one statement: a query, SHOW, DESCRIBE or EXPLAIN, with
// an optional trailing semicolon. A syntax error is an *Error; another
// kind of statement (INSERT, CREATE, MSCK, ...) is an *UnsupportedError.
func Parse(src string) (Statement, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	s := p.statement()
	p.end()
	if p.err != nil {
		return nil, p.err
	}
	return s, nil
}

// ParseQuery parses a query (not SHOW, DESCRIBE or EXPLAIN), with an
// optional trailing semicolon.
func ParseQuery(src string) (*Query, error) {
	s, err := Parse(src)
	if err != nil {
		return nil, err
	}
	q, ok := s.(*Query)
	if !ok {
		return nil, newError(src, s.Position(), "expected a query")
	}
	return q, nil
}

// ParseExpr parses one expression.
func ParseExpr(src string) (Expr, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	e := p.expr()
	p.end()
	if p.err != nil {
		return nil, p.err
	}
	return e, nil
}

// parser is a recursive-descent parser over the tokens of src. The first
// error sticks: after it, every token reads as the end of input, so that
// the parse unwinds quickly, and later errors are dropped.
type parser struct {
	src    string
	toks   []token
	i      int
	err    error
	depth  int
	ops    int
	params int
}

func newParser(src string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{src: src, toks: toks}, nil
}

var eof = token{kind: tEOF}

// tok returns the current token.
func (p *parser) tok() *token {
	if p.err != nil {
		e := eof
		e.pos = Pos(len(p.src))
		return &e
	}
	return &p.toks[p.i]
}

// peek returns the token n places after the current one.
func (p *parser) peek(n int) *token {
	if p.err != nil || p.i+n >= len(p.toks) {
		return &p.toks[len(p.toks)-1]
	}
	return &p.toks[p.i+n]
}

func (p *parser) next() *token {
	t := p.tok()
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) pos() Pos { return p.tok().pos }

// isKw reports whether the current token is the unquoted keyword kw
// (upper case).
func (p *parser) isKw(kw string) bool { t := p.tok(); return t.kind == tWord && t.kw == kw }

func (t *token) isKw(kw string) bool { return t.kind == tWord && t.kw == kw }
func (t *token) isOp(op string) bool { return t.kind == tOp && t.text == op }

func (p *parser) isOp(op string) bool { return p.tok().isOp(op) }

func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptOp(op string) bool {
	if p.isOp(op) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) {
	if !p.acceptKw(kw) {
		p.fail("expected " + kw)
	}
}

func (p *parser) expectOp(op string) {
	if !p.acceptOp(op) {
		p.fail("expected '" + op + "'")
	}
}

// fail records "unexpected <current token>, <what>" at the current token.
// list parses an item with item, then another after each comma.
func (p *parser) list(item func()) {
	for p.err == nil {
		item()
		if !p.acceptOp(",") {
			return
		}
	}
}

func (p *parser) fail(what string) {
	if p.err != nil {
		return
	}
	t := p.tok()
	p.errorAt(t.pos, "unexpected "+describe(t)+", "+what)
}

func (p *parser) errorAt(pos Pos, msg string) {
	if p.err == nil {
		p.err = newError(p.src, pos, msg)
	}
}

// describe names a token for an error message.
func describe(t *token) string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tString, tUString, tBinary:
		s := t.text
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return "string " + s
	case tNumber:
		return "number " + t.text
	}
	return "'" + t.text + "'"
}

// enter counts one more level of nesting and reports whether the parse
// can go on.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.errorAt(p.pos(), "query nested too deeply")
		return false
	}
	return p.err == nil
}

func (p *parser) leave() { p.depth-- }

// op counts one more binary operator and reports whether the parse can
// go on.
func (p *parser) op() bool {
	p.ops++
	if p.ops > maxOps {
		p.errorAt(p.pos(), "expression too long")
		return false
	}
	return p.err == nil
}

// end accepts an optional semicolon and then requires the end of input.
func (p *parser) end() {
	p.acceptOp(";")
	if t := p.tok(); t.kind != tEOF {
		if t.isOp(")") {
			p.errorAt(t.pos, "unexpected ')' without a matching '('")
			return
		}
		p.fail("expected the end of the statement")
	}
}

// isIdent reports whether t can be an identifier: quoted, or an unquoted
// word that is not reserved.
func (t *token) isIdent() bool {
	return t.kind == tQuoted || t.kind == tWord && !reserved[t.kw]
}

// ident parses an identifier.
func (p *parser) ident() *Ident {
	t := p.tok()
	if !t.isIdent() {
		if t.kind == tWord {
			p.fail("expected an identifier (" + t.kw + " is a reserved word: quote it as \"" + t.text + "\")")
		} else {
			p.fail("expected an identifier")
		}
		return &Ident{Pos: t.pos}
	}
	p.i++
	if t.kind == tQuoted {
		return &Ident{Pos: t.pos, Name: t.val, Quoted: true}
	}
	return &Ident{Pos: t.pos, Name: t.text}
}

// qualifiedName parses ident {. ident}.
func (p *parser) qualifiedName() []*Ident {
	name := []*Ident{p.ident()}
	for p.isOp(".") && p.peek(1).isIdent() {
		p.i++
		name = append(name, p.ident())
	}
	return name
}

// identList parses ( ident {, ident} ).
func (p *parser) identList() []*Ident {
	p.expectOp("(")
	var ids []*Ident
	p.list(func() { ids = append(ids, p.ident()) })
	p.expectOp(")")
	return ids
}

// statement parses a query, SHOW, DESCRIBE or EXPLAIN.
func (p *parser) statement() Statement {
	t := p.tok()
	switch {
	case t.isKw("SELECT"), t.isKw("WITH"), t.isKw("VALUES"), t.isKw("TABLE"), t.isOp("("):
		return p.query()
	case t.isKw("SHOW"):
		return p.show()
	case t.isKw("DESCRIBE"), t.isKw("DESC"):
		p.i++
		d := &Describe{Pos: t.pos, Name: p.qualifiedName()}
		return d
	case t.isKw("EXPLAIN"):
		p.i++
		e := &Explain{Pos: t.pos}
		e.Analyze = p.acceptKw("ANALYZE")
		if p.isKw("EXPLAIN") {
			p.fail("expected a query")
			return e
		}
		e.Stmt = p.statement()
		return e
	case t.kind == tWord:
		p.unsupported()
		return nil
	case t.kind == tEOF:
		p.fail("expected a statement")
		return nil
	}
	p.fail("expected SELECT, WITH, VALUES, SHOW, DESCRIBE or EXPLAIN")
	return nil
}

// statementWords are the words after the first that name a statement.
var statementWords = map[string]bool{
	"TABLE": true, "VIEW": true, "EXTERNAL": true, "REPAIR": true, "OR": true, "REPLACE": true,
	"MATERIALIZED": true, "SCHEMA": true, "DATABASE": true, "FUNCTION": true, "INTO": true,
	"ROLE": true, "OVERWRITE": true, "PARTITION": true, "PARTITIONS": true, "TEMPORARY": true,
}

func (p *parser) unsupported() {
	t := p.tok()
	kind := t.kw
	for k := 1; k < 4; k++ {
		n := p.peek(k)
		if n.kind != tWord || !statementWords[n.kw] {
			break
		}
		kind += " " + n.kw
	}
	if p.err == nil {
		p.err = &UnsupportedError{Kind: kind, Offset: int(t.pos)}
	}
}

// show parses SHOW ...; SHOW has been seen.
func (p *parser) show() Statement {
	s := &Show{Pos: p.next().pos}
	t := p.tok()
	if t.kind != tWord {
		p.fail("expected what to show, like TABLES or COLUMNS")
		return s
	}
	p.i++
	s.What = t.kw
	switch t.kw {
	case "TABLES", "VIEWS":
		if p.acceptKw("FROM") || p.acceptKw("IN") {
			s.Name = p.qualifiedName()
		}
		p.showLike(s)
	case "SCHEMAS", "DATABASES", "FUNCTIONS":
		p.showLike(s)
	case "COLUMNS":
		if !p.acceptKw("FROM") && !p.acceptKw("IN") {
			p.fail("expected FROM")
		}
		s.Name = p.qualifiedName()
	case "PARTITIONS", "TBLPROPERTIES":
		s.Name = p.qualifiedName()
	case "CREATE":
		switch {
		case p.acceptKw("TABLE"):
			s.What = "CREATE TABLE"
		case p.acceptKw("VIEW"):
			s.What = "CREATE VIEW"
		default:
			p.fail("expected TABLE or VIEW")
		}
		s.Name = p.qualifiedName()
	default:
		p.i--
		if p.err == nil {
			p.err = &UnsupportedError{Kind: "SHOW " + t.kw, Offset: int(s.Pos)}
		}
	}
	return s
}

func (p *parser) showLike(s *Show) {
	if p.acceptKw("LIKE") {
		t := p.tok()
		if t.kind != tString {
			p.fail("expected a string")
			return
		}
		p.i++
		s.Like = &StringLit{Pos: t.pos, Value: t.val}
	}
}
