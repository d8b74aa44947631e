package query

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// funcRule says how one Athena (Presto/Trino) function is run by DuckDB.
// The rules live in the func_*.go files, one family per file.
type funcRule struct {
	// name is the Athena function, lower case.
	name string
	// to is the DuckDB function or trailsql macro the call becomes;
	// empty keeps the name.
	to string
	// macro is the body of the CREATE MACRO statement for to, when to is
	// one of trailsql's athena_* macros: "(a, b) AS expr[, (a) AS expr]".
	macro string
	// rewrite, when set, translates the call itself.
	rewrite func(c *call) (string, error)
	// arity lists the argument counts Athena accepts (nil: any).
	arity []int
}

// apply translates a call with rule r.
func (r funcRule) apply(c *call) (string, error) {
	if len(r.arity) > 0 {
		ok := false
		for _, n := range r.arity {
			ok = ok || n == len(c.args)
		}
		if !ok {
			want := make([]string, len(r.arity))
			for i, n := range r.arity {
				want[i] = fmt.Sprint(n)
			}
			return "", fmt.Errorf("%s takes %s arguments, not %d", r.name, strings.Join(want, " or "), len(c.args))
		}
	}
	if r.rewrite != nil {
		return r.rewrite(c)
	}
	if r.to == "" {
		return c.plain(c.name), nil
	}
	return c.plain(r.to), nil
}

// funcRules returns every function rule by Athena name.
func funcRules() map[string]funcRule {
	m := map[string]funcRule{}
	for _, family := range [][]funcRule{jsonFuncs(), timeFuncs(), regexpFuncs(), arrayFuncs(), aggFuncs(), stringFuncs(), urlFuncs(), nullFuncs(), unsupportedFuncs()} {
		for _, r := range family {
			if _, dup := m[r.name]; dup {
				panic("BUG: function rule " + r.name + " defined twice")
			}
			m[r.name] = r
		}
	}
	return m
}

// macroStatements returns the CREATE MACRO statements the rules need, in a
// stable order.
func macroStatements() []string {
	rules := funcRules()
	names := make([]string, 0, len(rules))
	for n := range rules {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		r := rules[n]
		if r.macro == "" || seen[r.to] {
			continue
		}
		seen[r.to] = true
		out = append(out, "CREATE OR REPLACE MACRO "+r.to+r.macro)
	}
	for _, m := range helperMacros() {
		out = append(out, "CREATE OR REPLACE MACRO "+m[0]+m[1])
	}
	return out
}

// helperMacros are the macros that the translation pass over the tree
// (translateTree) calls, in the order they must be created: types and
// semantics that are not one Athena function each.
func helperMacros() [][2]string {
	return slices.Concat(ipMacros(), jsonMacros(), arrayMacros())
}

// macro is a rule that renames the call to trailsql's athena_<name> macro.
func macro(name, body string, arity ...int) funcRule {
	return funcRule{name: name, to: "athena_" + name, macro: body, arity: arity}
}

// rename is a rule that calls DuckDB's function to instead.
func rename(name, to string, arity ...int) funcRule {
	return funcRule{name: name, to: to, arity: arity}
}

// unsupported is a rule for an Athena function trailsql cannot run.
func unsupported(name, instead string) funcRule {
	return funcRule{name: name, rewrite: func(c *call) (string, error) {
		return "", &UnsupportedError{Construct: "the function " + name + "()", Instead: instead}
	}}
}

// unsupportedFuncs are Athena functions with no DuckDB counterpart here.
func unsupportedFuncs() []funcRule {
	return []funcRule{
		// reduce with its two functions written as lambdas is rewritten on
		// the tree (rewriteReduce); anything else reaches this rule.
		unsupported("reduce", "write its functions as lambdas: reduce(array, initialState, (s, x) -> ..., s -> ...)"),
		unsupported("map_agg", "write map(list(k), list(v)) or histogram(x)"),
		unsupported("multimap_agg", "write map(list(DISTINCT k), ...) or array_agg"),
		unsupported("approx_set", "write approx_distinct(x)"),
		unsupported("merge", "write approx_distinct(x) over the rows themselves"),
		unsupported("tdigest_agg", "write approx_percentile(x, p)"),
		unsupported("regexp_position", "write strpos(s, regexp_extract(s, pattern))"),
		unsupported("word_stem", "compare lower(s) instead"),
		unsupported("xxhash64", "write hash(x)"),
		unsupported("from_big_endian_64", "decode the value in Go instead"),
	}
}
