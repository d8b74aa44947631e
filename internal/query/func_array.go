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
		{name: "any_match", arity: []int{2}, rewrite: func(c *call) (string, error) {
			return "(len(list_filter(" + c.args[0].text + ", " + c.args[1].text + ")) > 0)", nil
		}},
		{name: "none_match", arity: []int{2}, rewrite: func(c *call) (string, error) {
			return "(len(list_filter(" + c.args[0].text + ", " + c.args[1].text + ")) = 0)", nil
		}},
		{name: "all_match", arity: []int{2}, rewrite: func(c *call) (string, error) {
			return "(len(list_filter(" + c.args[0].text + ", " + c.args[1].text + ")) = len(" + c.args[0].text + "))", nil
		}},
		rename("zip", "list_zip"),
	}
}
