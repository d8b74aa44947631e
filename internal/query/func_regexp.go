package query

import "regexp"

// regexpFuncs are Presto's regular expression functions. Both Presto and
// DuckDB use RE2-like syntax; the differences are in results: Presto's
// regexp_extract is NULL when nothing matches, and regexp_replace replaces
// every match and writes groups as $1.
func regexpFuncs() []funcRule {
	return []funcRule{
		rename("regexp_like", "regexp_matches", 2),
		macro("regexp_extract", "(s, p) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p) END,"+
			" (s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END", 2, 3),
		rename("regexp_extract_all", "regexp_extract_all", 2, 3),
		{name: "regexp_replace", arity: []int{2, 3}, rewrite: func(c *call) (string, error) {
			if len(c.args) == 2 {
				return "regexp_replace(" + c.args[0].text + ", " + c.args[1].text + ", '', 'g')", nil
			}
			repl := c.args[2].text
			if r, ok := c.literal(2); ok {
				repl = quoteString(dollarGroups(r))
			} else {
				repl = `regexp_replace(` + repl + `, '\$(\d)', '\\\1', 'g')`
			}
			return "regexp_replace(" + c.args[0].text + ", " + c.args[1].text + ", " + repl + ", 'g')", nil
		}},
		rename("regexp_split", "string_split_regex", 2),
		macro("regexp_count", "(s, p) AS len(regexp_extract_all(s, p))", 2),
	}
}

// dollarGroups turns Presto's $1 group references into DuckDB's \1, and
// a literal backslash into an escaped one.
func dollarGroups(r string) string {
	r = regexp.MustCompile(`\\`).ReplaceAllString(r, `\\`)
	return regexp.MustCompile(`\$(\d)`).ReplaceAllString(r, `\$1`)
}
