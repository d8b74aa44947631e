package query

// aggFuncs are Presto's aggregate functions that DuckDB names or types
// differently.
func aggFuncs() []funcRule {
	return []funcRule{
		{name: "approx_distinct", arity: []int{1, 2}, rewrite: func(c *call) (string, error) {
			return "approx_count_distinct(" + c.args[0].text + ")", nil
		}},
		// count_if is BIGINT in Presto (DuckDB's is HUGEINT).
		macro("count_if", "(x) AS CAST(count_if(x) AS BIGINT)", 1),
		rename("arbitrary", "any_value", 1),
		rename("approx_percentile", "approx_quantile", 2),
		rename("every", "bool_and", 1),
		macro("set_agg", "(x) AS list(DISTINCT x)", 1),
	}
}
