package query

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/trailsql/trailsql/internal/sqltree"
)

// translateTree rewrites, on the syntax tree, the Athena constructs whose
// meaning depends on the shape around them and that the token translator
// (translateText) cannot see:
//
//   - CAST(x AS IPADDRESS), CAST(x AS IPPREFIX), their TRY_CASTs and the
//     literals IPADDRESS '...' and IPPREFIX '...' become trailsql's IP
//     macros (func_ip.go), which parse and print addresses as Athena does;
//   - contains(cidr, ip) on an IPADDRESS becomes a CIDR test; contains of
//     a string literal and anything else, which DuckDB would read as a
//     substring test, is refused;
//   - CAST(json AS VARCHAR) of a JSON value (json_extract, json_parse,
//     CAST(... AS JSON)) unquotes a JSON string, gives the text of a
//     number or boolean and fails on an array or object, as Trino does
//     (DuckDB would keep the quotes);
//   - zip_with(a, b, (x, y) -> e) becomes a list_transform over list_zip;
//   - reduce(a, init, (s, x) -> e, s -> o) becomes a list_reduce whose
//     state may have another type than the elements (see rewriteReduce);
//   - an array subscript a[i] fails the query when i is below one or past
//     the end, as Athena does (DuckDB: NULL; see isArrayIndex);
//   - a type that neither Athena nor DuckDB knows is an error that names
//     Athena's close matches.
//
// src is the statement's text, for the line and column of errors.
func translateTree(src string, stmt sqltree.Statement) error {
	var err error
	fail := func(e error) {
		if err == nil {
			err = e
		}
	}
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		if t, ok := n.(*sqltree.Type); ok {
			if e := checkType(src, t); e != nil {
				fail(e)
			}
		}
		if l, ok := n.(*sqltree.TypedLit); ok {
			if e := checkTypeName(src, l.Pos, l.Type); e != nil {
				fail(e)
			}
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if err := checkJSONText(src, stmt); err != nil {
		return err
	}
	sqltree.Rewrite(stmt, func(n sqltree.Node) sqltree.Node {
		switch n := n.(type) {
		case *sqltree.Cast:
			return rewriteCast(n)
		case *sqltree.TypedLit:
			switch n.Type {
			case "IPADDRESS", "IPPREFIX":
				return callNode(n.Pos, "athena_"+strings.ToLower(n.Type), &sqltree.StringLit{Pos: n.Pos, Value: n.Value})
			}
		case *sqltree.Subscript:
			if isArrayIndex(n) {
				return callNode(n.Pos, "athena_subscript", n.X, n.Index)
			}
		case *sqltree.FuncCall:
			switch funcName(n) {
			case "contains":
				r, e := rewriteContains(n)
				if e != nil {
					fail(e)
				}
				return r
			case "zip_with":
				return rewriteZipWith(n)
			case "reduce":
				return rewriteReduce(n)
			case "date_trunc", "date_add":
				r, e := dateArithmetic(src, n)
				if e != nil {
					fail(e)
				}
				return r
			}
		}
		return n
	})
	return err
}

// dateArithmetic keeps date_trunc(unit, d) and date_add(unit, n, d) of a
// DATE a DATE, as in Trino (DuckDB makes them timestamps), and refuses a
// unit smaller than a day on a DATE as Trino does. Whether the value is a
// DATE is known from the tree only for DATE literals, casts to DATE,
// current_date and the functions that return one; anything else is left
// to DuckDB.
func dateArithmetic(src string, c *sqltree.FuncCall) (sqltree.Expr, error) {
	if len(c.Args) < 2 || !isDateExpr(c.Args[len(c.Args)-1]) {
		return c, nil
	}
	unit, ok := c.Args[0].(*sqltree.StringLit)
	if !ok {
		return c, nil
	}
	switch strings.ToLower(unit.Value) {
	case "day", "week", "month", "quarter", "year":
		return &sqltree.Cast{Pos: c.Pos, X: c, Type: &sqltree.Type{Pos: c.Pos, Name: "DATE"}}, nil
	case "millisecond", "second", "minute", "hour":
		line, col := sqltree.LineColumn(src, unit.Pos)
		return nil, &TypeError{Line: line, Column: col, Msg: fmt.Sprintf("'%s' is not a valid DATE field (%s of a DATE takes day, week, month, quarter or year; cast the date to TIMESTAMP for smaller units)", unit.Value, funcName(c))}
	}
	return c, nil
}

// isDateExpr reports whether the tree says e is a DATE.
func isDateExpr(e sqltree.Expr) bool {
	switch e := e.(type) {
	case *sqltree.TypedLit:
		return e.Type == "DATE"
	case *sqltree.Cast:
		return e.Type != nil && e.Type.Name == "DATE" && len(e.Type.Args) == 0
	case *sqltree.Special:
		return e.Name == "CURRENT_DATE"
	case *sqltree.FuncCall:
		switch funcName(e) {
		case "from_iso8601_date", "date", "last_day_of_month", "current_date":
			return true
		}
	}
	return false
}

// isArrayIndex reports whether the subscript x[i] is an array's, as far
// as the tree tells without types: i is a number or arithmetic, or x is
// an array (an ARRAY[...] literal, a cast to ARRAY, or a call of a
// function that returns one). A string key, a map and anything not known
// keep DuckDB's subscript (a map's key, NULL past an array's end).
func isArrayIndex(s *sqltree.Subscript) bool {
	switch i := s.Index.(type) {
	case *sqltree.NumberLit:
		return !strings.ContainsAny(i.Text, ".eE")
	case *sqltree.Unary:
		_, num := i.X.(*sqltree.NumberLit)
		return num && (i.Op == "-" || i.Op == "+")
	case *sqltree.Binary:
		switch i.Op {
		case "+", "-", "*", "/", "%":
			return true
		}
	case *sqltree.StringLit:
		return false
	}
	switch x := s.X.(type) {
	case *sqltree.ArrayExpr:
		return true
	case *sqltree.Cast:
		return x.Type.Name == "ARRAY"
	case *sqltree.FuncCall:
		return arrayFunctions[funcName(x)]
	}
	return false
}

// arrayFunctions are the Athena functions that return an array.
var arrayFunctions = map[string]bool{
	"split": true, "regexp_extract_all": true, "regexp_split": true, "array_agg": true, "sequence": true,
	"filter": true, "transform": true, "map_keys": true, "map_values": true, "array_distinct": true,
	"array_sort": true, "array_remove": true, "array_union": true, "array_intersect": true, "array_except": true,
	"slice": true, "zip": true, "zip_with": true, "flatten": true, "repeat": true,
}

// callNode is the node of a call of name with args.
func callNode(p sqltree.Pos, name string, args ...sqltree.Expr) *sqltree.FuncCall {
	return &sqltree.FuncCall{Pos: p, Name: []*sqltree.Ident{{Pos: p, Name: name}}, Args: args}
}

// funcName is the lower-case name of a plain call (one part, no window,
// no FILTER), or "".
func funcName(c *sqltree.FuncCall) string {
	if len(c.Name) != 1 || c.Over != nil || c.OverName != nil || c.Filter != nil || c.Distinct {
		return ""
	}
	return strings.ToLower(c.Name[0].Name)
}

// rewriteCast rewrites the casts to IPADDRESS, IPPREFIX and, of a JSON
// value, to VARCHAR.
func rewriteCast(c *sqltree.Cast) sqltree.Expr {
	try := ""
	if c.Try {
		try = "try_"
	}
	if len(c.Type.Args) == 0 {
		switch c.Type.Name {
		case "IPADDRESS", "IPPREFIX":
			return callNode(c.Pos, "athena_"+try+strings.ToLower(c.Type.Name), c.X)
		case "VARCHAR":
			if isJSONValue(c.X) {
				return callNode(c.Pos, "athena_"+try+"json_varchar", c.X)
			}
		}
	}
	return c
}

// isJSONValue reports whether e is of Athena's JSON type: a call of
// json_extract, json_parse, json_array_get or a cast to JSON.
func isJSONValue(e sqltree.Expr) bool {
	switch e := e.(type) {
	case *sqltree.FuncCall:
		switch funcName(e) {
		case "json_extract", "json_parse", "json_array_get":
			return true
		}
	case *sqltree.Cast:
		return e.Type.Name == "JSON"
	case *sqltree.TypedLit:
		return e.Type == "JSON"
	}
	return false
}

// isIPValue reports whether e is an IPADDRESS (after rewriteCast).
func isIPValue(e sqltree.Expr) bool {
	c, ok := e.(*sqltree.FuncCall)
	if !ok {
		return false
	}
	switch funcName(c) {
	case "athena_ipaddress", "athena_try_ipaddress":
		return true
	}
	return false
}

// rewriteContains turns contains(cidr, ip) into a CIDR test when ip is an
// IPADDRESS or cidr an IPPREFIX. contains(array, x) stays (DuckDB's
// contains on a list is Athena's); contains of a string literal and
// anything else would be DuckDB's substring test, which Athena does not
// have, and is refused.
func rewriteContains(c *sqltree.FuncCall) (sqltree.Expr, error) {
	if len(c.Args) != 2 {
		return c, nil
	}
	first, isCall := c.Args[0].(*sqltree.FuncCall)
	prefix := isCall && (funcName(first) == "athena_ipprefix" || funcName(first) == "athena_try_ipprefix")
	if isIPValue(c.Args[1]) || prefix {
		return callNode(c.Pos, "athena_ip_contains", c.Args[0], c.Args[1]), nil
	}
	if _, ok := c.Args[0].(*sqltree.StringLit); ok {
		return c, &UnsupportedError{Construct: "contains() of a string", Instead: "Athena's contains takes an array, or a CIDR and an IP address: write contains('10.0.0.0/8', CAST(ip AS IPADDRESS)), or strpos(s, t) > 0 for a substring"}
	}
	return c, nil
}

// rewriteZipWith turns zip_with(a, b, (x, y) -> e) into
// list_transform(list_zip(a, b), z -> e[x := z[1], y := z[2]]): list_zip
// pads the shorter list with NULLs, as zip_with does.
func rewriteZipWith(c *sqltree.FuncCall) sqltree.Expr {
	if len(c.Args) != 3 {
		return c
	}
	l, ok := c.Args[2].(*sqltree.Lambda)
	if !ok || len(l.Params) != 2 {
		return c
	}
	z := "zip_with_pair"
	field := func(p sqltree.Pos, i int) sqltree.Expr {
		return callNode(p, "struct_extract", &sqltree.Ident{Pos: p, Name: z}, &sqltree.NumberLit{Pos: p, Text: fmt.Sprint(i)})
	}
	params := map[string]int{strings.ToLower(l.Params[0].Name): 1, strings.ToLower(l.Params[1].Name): 2}
	body := substituteParams(l.Body, params, field)
	return callNode(c.Pos, "list_transform",
		callNode(c.Pos, "list_zip", c.Args[0], c.Args[1]),
		&sqltree.Lambda{Pos: l.Pos, Params: []*sqltree.Ident{{Pos: l.Pos, Name: z}}, Body: body})
}

// rewriteReduce turns reduce(a, init, (s, x) -> e, s -> o) into a
// list_reduce. DuckDB's list_reduce wants its state of the elements' type,
// so it folds pairs (state, element):
//
//	CASE WHEN a IS NULL THEN NULL ELSE
//	  list_extract(list_transform(list_value(struct_extract(
//	    list_reduce(list_transform(a, reduce_elem -> row(init, reduce_elem)),
//	      (reduce_acc, reduce_item) -> row(e[s := reduce_acc.1, x := reduce_item.2], NULL),
//	      row(init, NULL)), 1)), s -> o), 1) END
//
// As in Trino, the state starts at init and is e of the state and each
// element in order (an empty array gives o(init)), a NULL element or
// state is passed to the lambda, and a NULL array gives NULL. The state
// has the type of init, as in Trino (whose examples CAST init to a ROW
// when the state is wider than the elements). Anything else (the lambdas
// not written as lambdas) is left to the rule in unsupportedFuncs.
func rewriteReduce(c *sqltree.FuncCall) sqltree.Expr {
	if len(c.Args) != 4 {
		return c
	}
	in, ok1 := c.Args[2].(*sqltree.Lambda)
	out, ok2 := c.Args[3].(*sqltree.Lambda)
	if !ok1 || !ok2 || len(in.Params) != 2 || len(out.Params) != 1 {
		return c
	}
	p := c.Pos
	id := func(name string) *sqltree.Ident { return &sqltree.Ident{Pos: p, Name: name} }
	num := func(i int) sqltree.Expr { return &sqltree.NumberLit{Pos: p, Text: fmt.Sprint(i)} }
	field := func(name string, i int) sqltree.Expr { return callNode(p, "struct_extract", id(name), num(i)) }
	params := map[string]int{strings.ToLower(in.Params[0].Name): 1, strings.ToLower(in.Params[1].Name): 2}
	body := substituteParams(in.Body, params, func(_ sqltree.Pos, i int) sqltree.Expr {
		if i == 1 {
			return field("reduce_acc", 1)
		}
		return field("reduce_item", 2)
	})
	pairs := callNode(p, "list_transform", c.Args[0],
		&sqltree.Lambda{Pos: p, Params: []*sqltree.Ident{id("reduce_elem")}, Body: callNode(p, "row", c.Args[1], id("reduce_elem"))})
	step := &sqltree.Lambda{Pos: in.Pos, Params: []*sqltree.Ident{id("reduce_acc"), id("reduce_item")},
		Body: callNode(p, "row", body, &sqltree.NullLit{Pos: p})}
	state := callNode(p, "struct_extract",
		callNode(p, "list_reduce", pairs, step, callNode(p, "row", cloneExpr(c.Args[1]), &sqltree.NullLit{Pos: p})), num(1))
	result := callNode(p, "list_extract", callNode(p, "list_transform", callNode(p, "list_value", state), out), num(1))
	return &sqltree.Case{Pos: p,
		Whens: []*sqltree.When{{Pos: p, Cond: &sqltree.IsNull{Pos: p, X: cloneExpr(c.Args[0])}, Result: &sqltree.NullLit{Pos: p}}},
		Else:  result}
}

// cloneExpr returns a copy of e (printed and parsed again), so that a
// rewrite that needs an expression twice does not share a node; the
// copy's positions are those of e.
func cloneExpr(e sqltree.Expr) sqltree.Expr {
	c, err := sqltree.ParseExpr(sqltree.Format(e))
	if err != nil {
		return e // not expected: the printer's output parses
	}
	p := e.Position()
	sqltree.Walk(c, func(n sqltree.Node) bool {
		setPos(n, p)
		return true
	})
	return c
}

// setPos sets the position of node n (every node has a Pos field).
func setPos(n sqltree.Node, p sqltree.Pos) {
	v := reflect.ValueOf(n)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return
	}
	if f := v.Elem().FieldByName("Pos"); f.IsValid() && f.CanSet() {
		f.SetInt(int64(p))
	}
}

// substituteParams replaces the names in e that are lambda parameters
// (params, lower case, to their position) by repl, except where a nested
// lambda binds the same name.
func substituteParams(e sqltree.Expr, params map[string]int, repl func(sqltree.Pos, int) sqltree.Expr) sqltree.Expr {
	keep := map[*sqltree.Ident]bool{}
	sqltree.Walk(e, func(n sqltree.Node) bool {
		if l, ok := n.(*sqltree.Lambda); ok {
			for _, p := range l.Params {
				if _, ok := params[strings.ToLower(p.Name)]; ok {
					sqltree.Walk(l.Body, func(m sqltree.Node) bool {
						if id, ok := m.(*sqltree.Ident); ok {
							keep[id] = true
						}
						return true
					})
				}
			}
		}
		return true
	})
	return sqltree.Rewrite(e, func(n sqltree.Node) sqltree.Node {
		id, ok := n.(*sqltree.Ident)
		if !ok || keep[id] || id.Quoted {
			return n
		}
		if i, ok := params[strings.ToLower(id.Name)]; ok {
			return repl(id.Pos, i)
		}
		return n
	}).(sqltree.Expr)
}

// athenaTypes are the type names of Athena (Trino) that a query may
// write; duckdbTypes are DuckDB's, accepted as well (trailsql runs
// DuckDB's types and functions that Athena lacks, as an extension).
var (
	athenaTypes = []string{"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "REAL", "DOUBLE", "DECIMAL",
		"VARCHAR", "CHAR", "VARBINARY", "JSON", "DATE", "TIME", "TIMESTAMP", "INTERVAL YEAR TO MONTH", "INTERVAL DAY TO SECOND",
		"ARRAY", "MAP", "ROW", "IPADDRESS", "IPPREFIX", "UUID"}
	duckdbTypes = []string{"INT8", "LONG", "BIT", "BITSTRING", "BLOB", "BYTEA", "BINARY", "BOOL", "LOGICAL", "NUMERIC",
		"FLOAT8", "FLOAT", "FLOAT4", "HUGEINT", "INT4", "SIGNED", "INTERVAL", "INT2", "SHORT", "TIMESTAMPTZ", "DATETIME",
		"INT1", "UBIGINT", "UHUGEINT", "UINTEGER", "USMALLINT", "UTINYINT", "BPCHAR", "TEXT", "STRING", "LIST", "STRUCT",
		"UNION", "TIMETZ", "VARINT", "BIGNUM", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_US"}
	knownTypes = func() map[string]bool {
		m := map[string]bool{}
		for _, t := range athenaTypes {
			m[t] = true
		}
		for _, t := range duckdbTypes {
			m[t] = true
		}
		return m
	}()
)

// checkType reports a type name that neither Athena nor DuckDB knows.
func checkType(src string, t *sqltree.Type) error {
	return checkTypeName(src, t.Pos, t.Name)
}

func checkTypeName(src string, p sqltree.Pos, name string) error {
	if knownTypes[name] {
		return nil
	}
	line, col := sqltree.LineColumn(src, p)
	return &UnknownError{Kind: "type", Name: strings.ToLower(name), Line: line, Column: col, Close: closeNames(strings.ToUpper(name), athenaTypes)}
}

// UnknownError is a function or type that neither Athena nor DuckDB
// knows, with the close matches among Athena's names.
type UnknownError struct {
	Kind         string // "type" or "function"
	Name         string
	Line, Column int // 0 when not known
	Close        []string

	context string // the line and a caret, see ErrorPosition
}

func (e *UnknownError) Error() string {
	s := "query: unknown " + e.Kind + " " + e.Name
	if e.Line > 0 {
		s += fmt.Sprintf(" at line %d, column %d", e.Line, e.Column)
	}
	if len(e.Close) > 0 {
		s += " (close matches: " + strings.Join(e.Close, ", ") + ")"
	}
	return s
}

// closeNames returns up to three of names closest to name by edit
// distance (at most a third of the name's length, and at least 2), or
// those that start with the same three letters.
func closeNames(name string, names []string) []string {
	type cand struct {
		n string
		d int
	}
	var cs []cand
	limit := max(2, len(name)/3)
	for _, n := range names {
		d := editDistance(strings.ToLower(name), strings.ToLower(n))
		if d <= limit || len(name) >= 3 && strings.HasPrefix(strings.ToLower(n), strings.ToLower(name[:3])) {
			cs = append(cs, cand{n, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, strings.ToLower(cs[i].n))
	}
	return out
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// jsonTextColumns are the lake's columns that Athena's table declares as
// varchar holding JSON text (CloudTrail Lake's view has them as maps).
var jsonTextColumns = map[string]bool{
	"requestparameters": true, "responseelements": true, "additionaleventdata": true, "serviceeventdetails": true,
}

// mapFunctions are the Athena functions whose first argument is a map or
// an array, never a varchar: on a column of JSON text they are a type
// error in Athena.
var mapFunctions = map[string]bool{
	"element_at": true, "cardinality": true, "map_keys": true, "map_values": true, "map_entries": true,
	"map_filter": true, "map_concat": true, "transform_keys": true, "transform_values": true,
}

// checkJSONText refuses, when the query is compiled, element_at, a
// subscript, cardinality and the map functions applied to a column of
// JSON text of a lake table (requestparameters, responseelements,
// additionaleventdata, serviceeventdetails are varchar in Athena's table,
// and these are type errors there). DuckDB would accept most of them and
// fail only when a row reaches them, or read the text as a string.
//
// A column counts as the lake's when the SELECT that names it reads only
// lake tables (cloudtrail, cloudtrail_logs, cloudtrail_<account>, not
// shadowed by a WITH query) and, when qualified, the qualifier is one of
// them; a lambda parameter of the same name is not the column. Anything
// else (CloudTrail Lake's view, where these columns are maps; a subquery;
// UNNEST) is left to DuckDB.
func checkJSONText(src string, stmt sqltree.Statement) error {
	ctes := map[string]bool{}
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		if c, ok := n.(*sqltree.CTE); ok {
			ctes[strings.ToLower(c.Name.Name)] = true
		}
		return true
	})
	var err error
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		s, ok := n.(*sqltree.Select)
		if !ok || err != nil {
			return err == nil
		}
		lake, only := lakeBindings(s.From, ctes)
		if len(lake) == 0 {
			return true
		}
		isCol := func(e sqltree.Expr, shadow map[*sqltree.Ident]bool) (string, bool) {
			switch e := e.(type) {
			case *sqltree.Ident:
				name := strings.ToLower(e.Name)
				return name, only && jsonTextColumns[name] && !shadow[e]
			case *sqltree.Dereference:
				q, ok := e.X.(*sqltree.Ident)
				name := strings.ToLower(e.Field.Name)
				return name, ok && lake[strings.ToLower(q.Name)] && jsonTextColumns[name] && !shadow[q]
			}
			return "", false
		}
		for _, x := range selectExprs(s) {
			shadow := lambdaShadowed(x)
			walkScope(x, func(n sqltree.Node) {
				if err != nil {
					return
				}
				switch n := n.(type) {
				case *sqltree.FuncCall:
					f := funcName(n)
					if !mapFunctions[f] || len(n.Args) == 0 {
						return
					}
					if col, ok := isCol(n.Args[0], shadow); ok {
						key := "key"
						if len(n.Args) > 1 {
							if k, ok := n.Args[1].(*sqltree.StringLit); ok {
								key = k.Value
							}
						}
						construct := f + "(" + col + ", ...)"
						if len(n.Args) == 1 {
							construct = f + "(" + col + ")"
						}
						err = jsonTextError(src, n.Pos, construct, col, key)
					}
				case *sqltree.Subscript:
					if col, ok := isCol(n.X, shadow); ok {
						key := "key"
						if k, ok := n.Index.(*sqltree.StringLit); ok {
							key = k.Value
						}
						err = jsonTextError(src, n.Pos, col+"[...]", col, key)
					}
				}
			})
		}
		return err == nil
	})
	return err
}

// jsonTextError is the error for construct on the JSON-text column col.
func jsonTextError(src string, p sqltree.Pos, construct, col, key string) error {
	line, column := sqltree.LineColumn(src, p)
	if strings.HasPrefix(construct, "cardinality(") {
		return &TypeError{Line: line, Column: column,
			Msg: fmt.Sprintf("%s: %s is varchar (JSON text) in Athena's table, not a map; write json_size(%s, '$') for the number of its keys", construct, col, col)}
	}
	return &TypeError{Line: line, Column: column,
		Msg: fmt.Sprintf("%s: %s is varchar (JSON text) in Athena's table, not a map; write json_extract_scalar(%s, '$.%s') for a value, or json_extract(%s, '$.%s') for a JSON object or array", construct, col, col, key, col, key)}
}

// TypeError is a query that Athena refuses when it is compiled because a
// value has the wrong type.
type TypeError struct {
	Line, Column int
	Msg          string

	context string // the line and a caret, see ErrorPosition
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("query: type error at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// lakeBindings returns the names (lower case) by which the FROM items
// read a lake table, and whether every FROM item is one (so that an
// unqualified column is the lake's).
func lakeBindings(from []sqltree.Relation, ctes map[string]bool) (map[string]bool, bool) {
	names := map[string]bool{}
	only := len(from) > 0
	var rel func(r sqltree.Relation)
	rel = func(r sqltree.Relation) {
		switch r := r.(type) {
		case *sqltree.Table:
			name := strings.ToLower(r.Name[len(r.Name)-1].Name)
			if len(r.Name) != 1 || ctes[name] || !isLakeTable(name) || r.Alias != nil && len(r.Alias.Columns) > 0 {
				only = false
				return
			}
			if r.Alias != nil {
				name = strings.ToLower(r.Alias.Name.Name)
			}
			names[name] = true
		case *sqltree.Join:
			rel(r.Left)
			rel(r.Right)
		case *sqltree.Sample:
			rel(r.Rel)
		default:
			only = false
		}
	}
	for _, r := range from {
		rel(r)
	}
	return names, only
}

// selectExprs returns the expressions of a SELECT that see its FROM
// items: the select list, the join conditions, WHERE, GROUP BY, HAVING
// and QUALIFY.
func selectExprs(s *sqltree.Select) []sqltree.Node {
	var out []sqltree.Node
	for _, it := range s.Items {
		out = append(out, it.Expr)
	}
	var rel func(r sqltree.Relation)
	rel = func(r sqltree.Relation) {
		switch r := r.(type) {
		case *sqltree.Join:
			rel(r.Left)
			rel(r.Right)
			if r.On != nil {
				out = append(out, r.On)
			}
		case *sqltree.Sample:
			rel(r.Rel)
		}
	}
	for _, r := range s.From {
		rel(r)
	}
	for _, e := range []sqltree.Expr{s.Where, s.Having, s.Qualify} {
		if e != nil {
			out = append(out, e)
		}
	}
	if s.GroupBy != nil {
		for _, e := range s.GroupBy.Items {
			out = append(out, e)
		}
	}
	return out
}

// walkScope calls fn for n and the nodes under it, without entering a
// nested query (which has FROM items of its own).
func walkScope(n sqltree.Node, fn func(sqltree.Node)) {
	sqltree.Walk(n, func(c sqltree.Node) bool {
		if _, ok := c.(*sqltree.Query); ok {
			return false
		}
		fn(c)
		return true
	})
}

// lambdaShadowed returns the names under n that are a lambda's parameter,
// not a column.
func lambdaShadowed(n sqltree.Node) map[*sqltree.Ident]bool {
	shadow := map[*sqltree.Ident]bool{}
	walkScope(n, func(c sqltree.Node) {
		l, ok := c.(*sqltree.Lambda)
		if !ok {
			return
		}
		params := map[string]bool{}
		for _, p := range l.Params {
			params[strings.ToLower(p.Name)] = true
		}
		sqltree.Walk(l.Body, func(m sqltree.Node) bool {
			if id, ok := m.(*sqltree.Ident); ok && params[strings.ToLower(id.Name)] {
				shadow[id] = true
			}
			return true
		})
	})
	return shadow
}
