package query

import "sort"

// sameFunctions are Athena (Trino) functions that DuckDB runs under the
// same name and meaning, so that no rule of funcRules is needed for them.
var sameFunctions = []string{
	"abs", "array_distinct", "array_join", "array_max", "array_min", "array_position", "array_sort",
	"avg", "bool_and", "bool_or", "cbrt", "ceil", "ceiling", "coalesce", "contains", "corr", "cos", "count",
	"covar_pop", "covar_samp", "current_date", "current_timestamp", "day", "day_of_week", "day_of_year",
	"degrees", "exp", "flatten", "floor", "greatest", "hour", "if", "least", "length", "ln", "log10", "log2",
	"lower", "lpad", "ltrim", "max", "max_by", "md5", "min", "min_by", "minute", "mod", "month", "now",
	"nullif", "pi", "pow", "power", "quarter", "radians", "rank", "dense_rank", "row_number", "lag", "lead",
	"first_value", "last_value", "nth_value", "ntile", "percent_rank", "cume_dist", "replace", "reverse",
	"round", "rpad", "rtrim", "second", "sha256", "sign", "sin", "split", "sqrt", "starts_with", "stddev",
	"stddev_pop", "stddev_samp", "strpos", "substr", "substring", "sum", "tan", "trim", "typeof", "upper",
	"variance", "var_pop", "var_samp", "week", "year", "year_of_week", "sequence", "slice", "concat",
}

// FunctionNames returns the names of the Athena functions a query can
// call, sorted: those the translation rewrites (funcRules, but for the
// ones trailsql cannot run) and those DuckDB runs as they are. Editors use
// it for completion.
func FunctionNames() []string {
	seen := map[string]bool{}
	unsupported := map[string]bool{}
	for _, r := range unsupportedFuncs() {
		unsupported[r.name] = true
	}
	for name := range funcRules() {
		if !unsupported[name] {
			seen[name] = true
		}
	}
	for _, name := range sameFunctions {
		seen[name] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
