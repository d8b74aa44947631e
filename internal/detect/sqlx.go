package detect

import (
	"fmt"
	"strconv"

	"github.com/trailsql/trailsql/internal/sqltree"
)

// The compiler builds its SQL as sqltree nodes. Fixed shapes are written
// once as templates of SQL text whose placeholders _1, _2, ... are
// identifiers replaced by nodes (tmpl); values from rules only ever enter
// the tree as literal nodes, which the printer quotes.

// tmpl parses src, a constant expression, and replaces the identifiers
// _1, _2, ... by args. A template that does not parse is a bug.
func tmpl(src string, args ...sqltree.Expr) sqltree.Expr {
	e, err := sqltree.ParseExpr(src)
	if err != nil {
		panic(fmt.Sprintf("BUG: detect: template %q: %v", src, err))
	}
	out := sqltree.Rewrite(e, func(n sqltree.Node) sqltree.Node {
		id, ok := n.(*sqltree.Ident)
		if !ok || id.Quoted || len(id.Name) < 2 || id.Name[0] != '_' {
			return n
		}
		i, err := strconv.Atoi(id.Name[1:])
		if err != nil || i < 1 || i > len(args) {
			return n
		}
		return args[i-1]
	})
	return out.(sqltree.Expr)
}

// str is a string literal.
func str(s string) sqltree.Expr { return &sqltree.StringLit{Value: s} }

// num is an integer literal.
func num(n int64) sqltree.Expr { return &sqltree.NumberLit{Text: strconv.FormatInt(n, 10)} }

// boolean is TRUE or FALSE.
func boolean(b bool) sqltree.Expr { return &sqltree.BoolLit{Value: b} }

// col is a column, or a field of a struct column: col("useridentity",
// "arn") is useridentity.arn.
func col(path ...string) sqltree.Expr {
	var e sqltree.Expr = &sqltree.Ident{Name: path[0]}
	for _, p := range path[1:] {
		e = &sqltree.Dereference{X: e, Field: &sqltree.Ident{Name: p}}
	}
	return e
}

// call is a function call.
func call(name string, args ...sqltree.Expr) sqltree.Expr {
	return &sqltree.FuncCall{Name: []*sqltree.Ident{{Name: name}}, Args: args}
}

// and, or join conditions; an empty and is TRUE, an empty or FALSE.
func and(xs ...sqltree.Expr) sqltree.Expr { return join("AND", true, xs) }
func or(xs ...sqltree.Expr) sqltree.Expr  { return join("OR", false, xs) }

func join(op string, empty bool, xs []sqltree.Expr) sqltree.Expr {
	var out sqltree.Expr
	for _, x := range xs {
		if b, ok := x.(*sqltree.BoolLit); ok {
			if b.Value == empty {
				continue // TRUE in an AND, FALSE in an OR
			}
			return boolean(!empty)
		}
		if out == nil {
			out = x
		} else {
			out = &sqltree.Binary{Op: op, X: out, Y: x}
		}
	}
	if out == nil {
		return boolean(empty)
	}
	return out
}

// not negates a condition that is never NULL.
func not(x sqltree.Expr) sqltree.Expr {
	if b, ok := x.(*sqltree.BoolLit); ok {
		return boolean(!b.Value)
	}
	return &sqltree.Unary{Op: "NOT", X: x}
}

// definite makes a condition FALSE where it is NULL, so that NOT keeps
// the meaning of "does not match".
func definite(x sqltree.Expr) sqltree.Expr {
	if _, ok := x.(*sqltree.BoolLit); ok {
		return x
	}
	return call("coalesce", x, boolean(false))
}

// eq is x = y.
func eq(x, y sqltree.Expr) sqltree.Expr { return &sqltree.Binary{Op: "=", X: x, Y: y} }

// lambda is name -> body.
func lambda(name string, body sqltree.Expr) sqltree.Expr {
	return &sqltree.Lambda{Params: []*sqltree.Ident{{Name: name}}, Body: body}
}

// ident is a lambda parameter.
func ident(name string) sqltree.Expr { return &sqltree.Ident{Name: name} }
