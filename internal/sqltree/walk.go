package sqltree

import "fmt"

// Walk calls fn for n and then, if fn returns true, for each of n's
// children in source order, depth first. Names that are part of their
// parent (table and function names, aliases, the field of a.b, CTE names,
// column lists, lambda parameters) are not visited on their own: an
// *Ident that Walk visits is an expression, a column or a lambda
// parameter used in the lambda's body.
func Walk(n Node, fn func(Node) bool) {
	if isNil(n) || !fn(n) {
		return
	}
	children(n, func(c Node) Node {
		Walk(c, fn)
		return c
	})
}

// Rewrite replaces, depth first and children before parents, every node
// of the tree under n (visited as by Walk) by fn's result, and returns
// the new root. It changes the tree in place. fn returns its argument
// to keep a node; it must return a node that fits where the old one
// was (an Expr for an Expr, a Relation for a Relation, ...) and panics
// with a BUG message otherwise.
func Rewrite(n Node, fn func(Node) Node) Node {
	if isNil(n) {
		return nil
	}
	children(n, func(c Node) Node { return Rewrite(c, fn) })
	return fn(n)
}

// isNil reports whether n is nil or a nil pointer.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	switch n := n.(type) {
	case *Ident:
		return n == nil
	case *Query:
		return n == nil
	case *With:
		return n == nil
	case *Limit:
		return n == nil
	case *GroupBy:
		return n == nil
	case *WindowSpec:
		return n == nil
	case *Frame:
		return n == nil
	case *FrameBound:
		return n == nil
	case *TableAlias:
		return n == nil
	case *Type:
		return n == nil
	case *TypeArg:
		return n == nil
	}
	return false
}

// child applies f to the node in *p, if any, and stores the result.
func child[T Node](f func(Node) Node, p *T) {
	var zero T
	if any(*p) == any(zero) {
		return
	}
	r := f(*p)
	if r == Node(*p) {
		return
	}
	if r == nil {
		*p = zero
		return
	}
	t, ok := r.(T)
	if !ok {
		panic(fmt.Sprintf("BUG: sqltree.Rewrite: a %T cannot replace a %T", r, *p))
	}
	*p = t
}

func childList[T Node](f func(Node) Node, list []T) {
	for i := range list {
		child(f, &list[i])
	}
}

// children applies f to each child of n that Walk visits.
func children(n Node, f func(Node) Node) {
	switch n := n.(type) {
	case *Query:
		child(f, &n.With)
		child(f, &n.Body)
		childList(f, n.OrderBy)
		child(f, &n.Offset)
		child(f, &n.Limit)
	case *With:
		childList(f, n.CTEs)
	case *CTE:
		child(f, &n.Query)
	case *Limit:
		child(f, &n.Count)
	case *OrderItem:
		child(f, &n.Expr)
	case *Select:
		childList(f, n.Items)
		childList(f, n.From)
		child(f, &n.Where)
		child(f, &n.GroupBy)
		child(f, &n.Having)
		childList(f, n.Windows)
		child(f, &n.Qualify)
	case *SelectItem:
		child(f, &n.Expr)
	case *GroupBy:
		childList(f, n.Items)
	case *GroupingSets:
		for _, set := range n.Sets {
			childList(f, set)
		}
	case *WindowDef:
		child(f, &n.Spec)
	case *WindowSpec:
		childList(f, n.PartitionBy)
		childList(f, n.OrderBy)
		child(f, &n.Frame)
	case *Frame:
		child(f, &n.Start)
		child(f, &n.End)
	case *FrameBound:
		child(f, &n.Offset)
	case *SetOp:
		child(f, &n.Left)
		child(f, &n.Right)
	case *Values:
		childList(f, n.Rows)
	case *TableQuery, *Show, *Describe, *TableAlias, *Table:
	case *Explain:
		child(f, &n.Stmt)
	case *SubqueryRelation:
		child(f, &n.Query)
	case *Unnest:
		childList(f, n.Args)
	case *ParenRelation:
		child(f, &n.Rel)
	case *Sample:
		child(f, &n.Rel)
		child(f, &n.Percent)
	case *Join:
		child(f, &n.Left)
		child(f, &n.Right)
		child(f, &n.On)
	case *Ident, *StringLit, *NumberLit, *BinaryLit, *BoolLit, *NullLit, *TypedLit, *IntervalLit, *Param, *Special:
	case *Dereference:
		child(f, &n.X)
	case *Subscript:
		child(f, &n.X)
		child(f, &n.Index)
	case *Star:
		child(f, &n.Qualifier)
	case *FuncCall:
		childList(f, n.Args)
		childList(f, n.OrderBy)
		childList(f, n.WithinGroup)
		child(f, &n.Filter)
		child(f, &n.Over)
	case *Lambda:
		child(f, &n.Body)
	case *Cast:
		child(f, &n.X)
		child(f, &n.Type)
	case *Type:
		childList(f, n.Args)
	case *TypeArg:
		child(f, &n.Type)
	case *Case:
		child(f, &n.Operand)
		childList(f, n.Whens)
		child(f, &n.Else)
	case *When:
		child(f, &n.Cond)
		child(f, &n.Result)
	case *Unary:
		child(f, &n.X)
	case *Binary:
		child(f, &n.X)
		child(f, &n.Y)
	case *IsNull:
		child(f, &n.X)
	case *IsDistinct:
		child(f, &n.X)
		child(f, &n.Y)
	case *Between:
		child(f, &n.X)
		child(f, &n.Low)
		child(f, &n.High)
	case *In:
		child(f, &n.X)
		childList(f, n.List)
		child(f, &n.Query)
	case *Like:
		child(f, &n.X)
		child(f, &n.Pattern)
		child(f, &n.Escape)
	case *Exists:
		child(f, &n.Query)
	case *Subquery:
		child(f, &n.Query)
	case *Quantified:
		child(f, &n.X)
		child(f, &n.Query)
	case *ArrayExpr:
		childList(f, n.Elems)
	case *RowExpr:
		childList(f, n.Elems)
	case *AtTimeZone:
		child(f, &n.X)
		child(f, &n.Zone)
	case *Extract:
		child(f, &n.X)
	case *Position:
		child(f, &n.Sub)
		child(f, &n.X)
	case *Trim:
		child(f, &n.Chars)
		child(f, &n.X)
	default:
		panic(fmt.Sprintf("BUG: sqltree: children of %T", n))
	}
}
