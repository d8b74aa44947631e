package query

// arrayFuncs are Presto's array functions. DuckDB's lists are 1-based like
// Presto's arrays, so subscripts need no change.
func arrayFuncs() []funcRule {
	return []funcRule{
		rename("cardinality", "len", 1),
		// element_at(array, i) and element_at(map, key): NULL when out of
		// range (negative i counts from the end).
		{name: "element_at", arity: []int{2}, rewrite: func(c *call) (string, error) {
			return "(" + c.args[0].text + ")[" + c.args[1].text + "]", nil
		}},
		macro("array_join", "(a, sep) AS array_to_string(a, sep),"+
			" (a, sep, nul) AS array_to_string(list_transform(a, x -> coalesce(CAST(x AS VARCHAR), nul)), sep)", 2, 3),
		// array_distinct keeps the first of each value, in order.
		macro("array_distinct", "(a) AS list_filter(a, (x, i) -> list_position(a, x) = i)", 1),
		rename("array_max", "list_max", 1),
		rename("array_min", "list_min", 1),
		rename("array_sort", "list_sort", 1),
		macro("array_position", "(a, x) AS coalesce(list_position(a, x), 0)", 2),
		macro("array_remove", "(a, v) AS list_filter(a, x -> x IS DISTINCT FROM v)", 2),
		rename("array_intersect", "list_intersect", 2),
		macro("array_union", "(a, b) AS list_distinct(list_concat(a, b))", 2),
		macro("array_except", "(a, b) AS list_filter(list_distinct(a), x -> NOT list_contains(b, x))", 2),
		rename("arrays_overlap", "list_has_any", 2),
		macro("slice", "(a, s, n) AS list_slice(a, s, s + n - 1)", 3),
		rename("sequence", "generate_series", 2, 3),
		rename("transform", "list_transform", 2),
		rename("filter", "list_filter", 2),
		// any_match, all_match and none_match in three-valued logic, as
		// Trino: a deciding element (true for any and none, false for
		// all) decides; otherwise a NULL predicate gives NULL; an empty
		// array gives false, true, true; a NULL array NULL.
		matchRule("any_match", "WHEN list_bool_or(match_results) THEN true", "false"),
		matchRule("all_match", "WHEN NOT list_bool_and(match_results) THEN false", "true"),
		matchRule("none_match", "WHEN list_bool_or(match_results) THEN false", "true"),
		rename("zip", "list_zip"),
	}
}

// matchRule translates name(array, predicate) by computing the predicate
// of every element once (match_results) and deciding with decide, then
// NULL when some result is NULL, then otherwise.
func matchRule(name, decide, otherwise string) funcRule {
	return funcRule{name: name, arity: []int{2}, rewrite: func(c *call) (string, error) {
		return "list_extract(list_transform(list_value(list_transform(" + c.args[0].text + ", " + c.args[1].text + ")), " +
			"match_results -> CASE WHEN match_results IS NULL THEN NULL " + decide +
			" WHEN list_count(match_results) < len(match_results) THEN NULL ELSE " + otherwise + " END), 1)", nil
	}}
}

// arrayMacros are the macros of the array rewrites on the tree:
// athena_subscript(a, i) is a[i] that fails the query when i is below one
// or past the end, with Athena's messages (a NULL array or index gives
// NULL).
func arrayMacros() [][2]string {
	return [][2]string{
		{"athena_subscript", "(a, i) AS CASE WHEN i < 1 THEN error('Array subscript must be greater than or equal to one')" +
			" WHEN i > len(a) THEN error('Array subscript ' || i || ' out of bounds') ELSE a[i] END"},
	}
}
