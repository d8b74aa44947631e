package sigma

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Expr is a node of a parsed condition: *And, *Or, *Not, *Ref, *OneOf or
// *AllOf. String prints it back fully parenthesised.
type Expr interface {
	String() string
	expr()
}

// And is true when every argument is (at least two).
type And struct{ Args []Expr }

// Or is true when any argument is (at least two).
type Or struct{ Args []Expr }

// Not negates its argument.
type Not struct{ Arg Expr }

// Ref is a search identifier; true when that search matches.
type Ref struct{ Name string }

// OneOf is `1 of pattern` (or `any of pattern`): true when any of Names
// matches. Pattern is as written ("selection_*", "them"); Names are the
// searches it selected, in the order they are written in the detection.
type OneOf struct {
	Pattern string
	Names   []string
}

// AllOf is `all of pattern`: true when every one of Names matches.
type AllOf struct {
	Pattern string
	Names   []string
}

func (*And) expr()   {}
func (*Or) expr()    {}
func (*Not) expr()   {}
func (*Ref) expr()   {}
func (*OneOf) expr() {}
func (*AllOf) expr() {}

func joinExprs(args []Expr, op string) string {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = a.String()
	}
	return "(" + strings.Join(s, " "+op+" ") + ")"
}

func (e *And) String() string   { return joinExprs(e.Args, "and") }
func (e *Or) String() string    { return joinExprs(e.Args, "or") }
func (e *Not) String() string   { return "not " + e.Arg.String() }
func (e *Ref) String() string   { return e.Name }
func (e *OneOf) String() string { return "1 of " + e.Pattern }
func (e *AllOf) String() string { return "all of " + e.Pattern }

// ConditionError is a condition that cannot be read: Column is the
// 1-based byte position in the condition text.
type ConditionError struct {
	Column int
	Msg    string
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// ParseCondition parses a condition (the part before any `|`) over the
// given search names (in the order written). Precedence, loosest first:
// or, and, not; parentheses group. `1 of P`, `any of P` and `all of P`
// select the searches whose names match the glob P (`*` any run, `?` one
// character, case-sensitive); `them` selects every search whose name does
// not start with `_`. Keywords (and, or, not, of, all, any, them) are
// case-insensitive; identifiers are not. Errors are *ConditionError.
func ParseCondition(text string, names []string) (Expr, error) {
	toks, err := lexCondition(text)
	if err != nil {
		return nil, err
	}
	p := &condParser{toks: toks, names: names, end: len(text) + 1}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errf(t, "unexpected %q", t.text)
	}
	return e, nil
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokNumber
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
	tokOf
	tokAll
	tokAny
	tokThem
)

type condTok struct {
	kind tokKind
	text string
	col  int // 1-based
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '*' || c == '?' || c == '-' || c == '.' ||
		c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func lexCondition(s string) ([]condTok, error) {
	var toks []condTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, condTok{tokLParen, "(", i + 1})
			i++
		case c == ')':
			toks = append(toks, condTok{tokRParen, ")", i + 1})
			i++
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			w := s[i:j]
			t := condTok{tokIdent, w, i + 1}
			switch strings.ToLower(w) {
			case "and":
				t.kind = tokAnd
			case "or":
				t.kind = tokOr
			case "not":
				t.kind = tokNot
			case "of":
				t.kind = tokOf
			case "all":
				t.kind = tokAll
			case "any":
				t.kind = tokAny
			case "them":
				t.kind = tokThem
			default:
				if _, err := strconv.Atoi(w); err == nil {
					t.kind = tokNumber
				}
			}
			toks = append(toks, t)
			i = j
		default:
			return nil, &ConditionError{Column: i + 1, Msg: fmt.Sprintf("unexpected character %q", rune(c))}
		}
	}
	return toks, nil
}

type condParser struct {
	toks  []condTok
	pos   int
	names []string
	end   int
	depth int
}

// maxConditionDepth bounds nesting so that hostile input cannot exhaust
// the stack.
const maxConditionDepth = 200

func (p *condParser) peek() condTok {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return condTok{kind: tokEOF, text: "end of condition", col: p.end}
}

func (p *condParser) next() condTok {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *condParser) errf(t condTok, format string, args ...any) error {
	return &ConditionError{Column: t.col, Msg: fmt.Sprintf(format, args...)}
}

func (p *condParser) or() (Expr, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	args := appendFlat[*Or](nil, first)
	for p.peek().kind == tokOr {
		p.next()
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		args = appendFlat[*Or](args, e)
	}
	if o, ok := first.(*Or); len(args) == 1 || ok && len(args) == len(o.Args) {
		return first, nil
	}
	return &Or{Args: args}, nil
}

func (p *condParser) and() (Expr, error) {
	first, err := p.not()
	if err != nil {
		return nil, err
	}
	args := appendFlat[*And](nil, first)
	for p.peek().kind == tokAnd {
		p.next()
		e, err := p.not()
		if err != nil {
			return nil, err
		}
		args = appendFlat[*And](args, e)
	}
	if a, ok := first.(*And); len(args) == 1 || ok && len(args) == len(a.Args) {
		return first, nil
	}
	return &And{Args: args}, nil
}

// appendFlat appends e to args, splicing in its arguments when it is the
// same n-ary node type T.
func appendFlat[T interface{ *And | *Or }](args []Expr, e Expr) []Expr {
	if t, ok := e.(T); ok {
		switch n := any(t).(type) {
		case *And:
			return append(args, n.Args...)
		case *Or:
			return append(args, n.Args...)
		}
	}
	return append(args, e)
}

func (p *condParser) not() (Expr, error) {
	if p.peek().kind == tokNot {
		t := p.next()
		p.depth++
		if p.depth > maxConditionDepth {
			return nil, p.errf(t, "condition nested too deeply")
		}
		e, err := p.not()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &Not{Arg: e}, nil
	}
	return p.primary()
}

func (p *condParser) primary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		p.depth++
		if p.depth > maxConditionDepth {
			return nil, p.errf(t, "condition nested too deeply")
		}
		e, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if r := p.next(); r.kind != tokRParen {
			return nil, p.errf(r, "expected ) to close ( at column %d, found %q", t.col, r.text)
		}
		return e, nil
	case tokNumber, tokAll, tokAny:
		return p.quantifier(t)
	case tokIdent:
		if strings.ContainsAny(t.text, "*?") {
			return nil, p.errf(t, "pattern %q needs `1 of` or `all of`", t.text)
		}
		for _, n := range p.names {
			if n == t.text {
				return &Ref{Name: t.text}, nil
			}
		}
		return nil, p.errf(t, "unknown search %q", t.text)
	case tokEOF:
		return nil, p.errf(t, "expected a search, found end of condition")
	}
	return nil, p.errf(t, "expected a search, found %q", t.text)
}

func (p *condParser) quantifier(q condTok) (Expr, error) {
	all := q.kind == tokAll
	if q.kind == tokNumber && q.text != "1" {
		return nil, p.errf(q, "%q of: only `1 of` and `all of` are defined", q.text)
	}
	if of := p.next(); of.kind != tokOf {
		return nil, p.errf(of, "expected `of` after %q, found %q", q.text, of.text)
	}
	t := p.next()
	var names []string
	switch t.kind {
	case tokThem:
		for _, n := range p.names {
			if !strings.HasPrefix(n, "_") {
				names = append(names, n)
			}
		}
	case tokIdent:
		for _, n := range p.names {
			// Identifiers hold no '/', '[' or '\\', so only * and ? are
			// special to path.Match.
			if ok, _ := path.Match(t.text, n); ok {
				names = append(names, n)
			}
		}
	default:
		return nil, p.errf(t, "expected a search pattern or `them` after `of`, found %q", t.text)
	}
	if len(names) == 0 {
		return nil, p.errf(t, "no search matches %q", t.text)
	}
	if all {
		return &AllOf{Pattern: t.text, Names: names}, nil
	}
	return &OneOf{Pattern: t.text, Names: names}, nil
}
