package sqltree

import (
	"slices"
	"strings"
	"testing"
)

// TestWalk checks the order of the visit and that returning false skips
// a node's children.
func TestWalk(t *testing.T) {
	f := func(src string, skip func(Node) bool, want string) {
		t.Helper()
		s, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		Walk(s, func(n Node) bool {
			switch n := n.(type) {
			case *Ident:
				got = append(got, n.Name)
			case *Table:
				got = append(got, "table "+Format(n))
			case *FuncCall:
				got = append(got, "call "+n.Name[0].Name)
			case *StringLit:
				got = append(got, "'"+n.Value+"'")
			}
			return skip == nil || !skip(n)
		})
		if g := strings.Join(got, ", "); g != want {
			t.Errorf("Walk(%q)\n got: %s\nwant: %s", src, g, want)
		}
	}
	f("SELECT a AS x, f(b, 'c') FROM t AS u WHERE u.d = 'e' ORDER BY x", nil, "a, call f, b, 'c', table t AS u, u, 'e', x")
	f("SELECT transform(arr, v -> v + k) FROM t CROSS JOIN UNNEST(r) AS z(col)", nil, "call transform, arr, v, k, table t, r")
	f("SELECT (SELECT max(y) FROM s), x FROM t", func(n Node) bool { _, ok := n.(*Subquery); return ok }, "x, table t")
	f("WITH w AS (SELECT a FROM b) SELECT * FROM w", nil, "a, table b, table w")
}

// TestRewrite checks that Rewrite replaces nodes bottom up, in place.
func TestRewrite(t *testing.T) {
	f := func(src string, fn func(Node) Node, want string) {
		t.Helper()
		s, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if got := Format(Rewrite(s, fn)); got != want {
			t.Errorf("Rewrite(%q)\n got: %s\nwant: %s", src, got, want)
		}
	}
	// Rename a function, as the DuckDB translation will.
	f("SELECT json_extract_scalar(a, '$.b') FROM t WHERE json_extract_scalar(c, '$.d') = 'x'", func(n Node) Node {
		if c, ok := n.(*FuncCall); ok && strings.EqualFold(c.Name[0].Name, "json_extract_scalar") {
			c.Name = []*Ident{{Name: "athena_json_extract_scalar"}}
		}
		return n
	}, "SELECT athena_json_extract_scalar(a, '$.b') FROM t WHERE athena_json_extract_scalar(c, '$.d') = 'x'")
	// Replace an expression by another kind of expression.
	f("SELECT a + 1, b FROM t", func(n Node) Node {
		if id, ok := n.(*Ident); ok && id.Name == "a" {
			return &Binary{Op: "*", X: &NumberLit{Text: "2"}, Y: &Ident{Name: "z"}}
		}
		return n
	}, "SELECT 2 * z + 1, b FROM t")
	// Parentheses follow the new tree.
	f("SELECT a * 3 FROM t", func(n Node) Node {
		if id, ok := n.(*Ident); ok && id.Name == "a" {
			return &Binary{Op: "+", X: &Ident{Name: "x"}, Y: &Ident{Name: "y"}}
		}
		return n
	}, "SELECT (x + y) * 3 FROM t")
	// Replace a table by a subquery, as file pruning will.
	f("SELECT * FROM cloudtrail c JOIN other o ON c.x = o.x", func(n Node) Node {
		if tb, ok := n.(*Table); ok && tb.Name[0].Name == "cloudtrail" {
			q, _ := ParseQuery("SELECT * FROM pruned_cloudtrail")
			return &SubqueryRelation{Query: q, Alias: tb.Alias}
		}
		return n
	}, "SELECT * FROM (SELECT * FROM pruned_cloudtrail) AS c JOIN other AS o ON c.x = o.x")
	// Children are rewritten before their parents.
	var order []string
	f("SELECT f(g(1))", func(n Node) Node {
		if c, ok := n.(*FuncCall); ok {
			order = append(order, c.Name[0].Name)
		}
		return n
	}, "SELECT f(g(1))")
	if !slices.Equal(order, []string{"g", "f"}) {
		t.Errorf("rewrite order %v, want [g f]", order)
	}
	// Returning nil drops an optional child.
	f("SELECT a FROM t WHERE b = 1", func(n Node) Node {
		if s, ok := n.(*Select); ok {
			s.Where = nil
		}
		return n
	}, "SELECT a FROM t")
}

// TestRewriteMismatch checks that a node that does not fit is a bug.
func TestRewriteMismatch(t *testing.T) {
	s, _ := Parse("SELECT a FROM t")
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "BUG:") {
			t.Errorf("recover() = %v, want a BUG panic", r)
		}
	}()
	Rewrite(s, func(n Node) Node {
		if _, ok := n.(*Ident); ok {
			return &Table{Name: []*Ident{{Name: "x"}}}
		}
		return n
	})
}
