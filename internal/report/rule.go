package report

import (
	"fmt"
	"strings"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// ruleConditions compiles the built-in detection pack and returns the
// condition of each plain rule, by rule name.
func ruleConditions() (map[string]sqltree.Expr, error) {
	rules, err := pack.Rules()
	if err != nil {
		return nil, err
	}
	compiled, err := detect.Compile(rules)
	if err != nil {
		return nil, fmt.Errorf("cannot compile the built-in rules: %w", err)
	}
	out := map[string]sqltree.Expr{}
	for _, r := range compiled {
		if r.Where != nil && !r.IsCorrelation() {
			out[r.Sigma.Name] = r.Where
		}
	}
	return out, nil
}

// linkRules sets the condition of r from its `-- rule:` header: the OR of
// the named rules' conditions.
func (r *Report) linkRules(conds map[string]sqltree.Expr) error {
	var where sqltree.Expr
	for _, name := range r.Rules {
		c, ok := conds[name]
		if !ok {
			return fmt.Errorf("report %s: rule %q is not a plain rule of the built-in pack", r.Name, name)
		}
		if where == nil {
			where = c
		} else {
			where = &sqltree.Binary{Op: "OR", X: where, Y: c}
		}
	}
	r.where = where
	// The SQL must have a SELECT reading cloudtrail for the condition.
	text, _, err := Placeholders(r.Body())
	if err != nil {
		return fmt.Errorf("report %s: %w", r.Name, err)
	}
	if _, err := withCondition(text, where); err != nil {
		return fmt.Errorf("report %s: %w", r.Name, err)
	}
	return nil
}

// withCondition adds cond to the WHERE of every SELECT of the query text
// whose FROM lists the cloudtrail table, and prints the query again.
func withCondition(text string, cond sqltree.Expr) (string, error) {
	q, err := sqltree.ParseQuery(text)
	if err != nil {
		return "", fmt.Errorf("cannot parse the SQL to add its rules' condition: %w", err)
	}
	n := 0
	sqltree.Walk(q, func(node sqltree.Node) bool {
		sel, ok := node.(*sqltree.Select)
		if !ok || !readsCloudtrail(sel) {
			return true
		}
		if sel.Where == nil {
			sel.Where = cond
		} else {
			sel.Where = &sqltree.Binary{Op: "AND", X: sel.Where, Y: cond}
		}
		n++
		return true
	})
	if n == 0 {
		return "", fmt.Errorf("no SELECT reads the cloudtrail table for its rules' condition")
	}
	return sqltree.Format(q), nil
}

// readsCloudtrail reports whether sel's FROM lists the cloudtrail table.
func readsCloudtrail(sel *sqltree.Select) bool {
	for _, rel := range sel.From {
		if t, ok := rel.(*sqltree.Table); ok && len(t.Name) == 1 && strings.EqualFold(t.Name[0].Name, "cloudtrail") {
			return true
		}
	}
	return false
}
