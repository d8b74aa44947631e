package query

import "strings"

// nullFuncs are Presto's functions that are NULL when any argument is
// NULL, where DuckDB's of the same name skip NULL arguments
// (concat('a', NULL) is 'a' in DuckDB, NULL in Athena; greatest(1, NULL)
// is 1 in DuckDB, NULL in Athena).
func nullFuncs() []funcRule {
	return []funcRule{
		nullOnNull("concat"),
		nullOnNull("greatest"),
		nullOnNull("least"),
	}
}

// nullOnNull is a rule that calls DuckDB's name with the same arguments
// when none is NULL, and is NULL otherwise.
func nullOnNull(name string) funcRule {
	return funcRule{name: name, rewrite: func(c *call) (string, error) {
		if len(c.args) == 0 {
			return c.plain(name), nil
		}
		conds := make([]string, len(c.args))
		for i, a := range c.args {
			conds[i] = "(" + a.text + ") IS NULL"
		}
		return "CASE WHEN " + strings.Join(conds, " OR ") + " THEN NULL ELSE " + c.plain(name) + " END", nil
	}}
}
