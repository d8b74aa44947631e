package query

// stringFuncs are Presto's string functions that DuckDB names or behaves
// differently.
func stringFuncs() []funcRule {
	return []funcRule{
		// split_part is NULL past the last field (DuckDB: '').
		macro("split_part", "(s, d, i) AS string_split(s, d)[i]", 3),
		{name: "replace", arity: []int{2, 3}, rewrite: func(c *call) (string, error) {
			if len(c.args) == 2 {
				return "replace(" + c.args[0].text + ", " + c.args[1].text + ", '')", nil
			}
			return c.plain("replace"), nil
		}},
		rename("levenshtein_distance", "levenshtein", 2),
		rename("hamming_distance", "hamming", 2),
		rename("format", "printf"),
		rename("to_utf8", "encode", 1),
		rename("from_utf8", "decode", 1),
		rename("to_hex", "hex", 1),
		rename("rand", "random", 0),
		rename("strrev", "reverse", 1),
	}
}
