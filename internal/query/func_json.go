package query

import (
	"fmt"
	"strings"
)

// jsonFuncs are Presto's JSON functions. CloudTrail's free-form parts
// (requestparameters, responseelements, additionaleventdata,
// serviceeventdetails) are JSON text, and these are how Athena users reach
// into them.
func jsonFuncs() []funcRule {
	return []funcRule{
		// json_extract(json, path) returns JSON; DuckDB's json_extract is
		// the same once the path is in DuckDB's syntax.
		{name: "json_extract", arity: []int{2}, rewrite: func(c *call) (string, error) {
			return "TRY(json_extract(" + c.args[0].text + ", " + c.jsonPath(1) + "))", nil
		}},
		// json_extract_scalar(json, path) returns the scalar at path as
		// text, and NULL for objects, arrays, JSON null, missing keys and
		// text that is not JSON.
		{name: "json_extract_scalar", to: "athena_json_extract_scalar", arity: []int{2},
			macro: "(j, p) AS TRY(json_extract_string(json_value(j, p), '$'))",
			rewrite: func(c *call) (string, error) {
				return "athena_json_extract_scalar(" + c.args[0].text + ", " + c.jsonPath(1) + ")", nil
			}},
		// json_array_contains(json, value): whether the top-level JSON array
		// holds value (compared as JSON).
		macro("json_array_contains", "(j, v) AS CASE WHEN json_type(j) = 'ARRAY' THEN list_contains(CAST(json_extract(j, '$[*]') AS VARCHAR[]), CAST(to_json(v) AS VARCHAR)) END", 2),
		// json_array_length(json): NULL when json is not an array.
		macro("json_array_length", "(j) AS CASE WHEN json_type(j) = 'ARRAY' THEN CAST(json_array_length(j) AS BIGINT) END", 1),
		// json_array_get(json, i): element i (0-based, negative from the end).
		macro("json_array_get", "(j, i) AS CASE WHEN json_type(j) = 'ARRAY' THEN json_extract(j, '$[' || CASE WHEN i < 0 THEN '#' || CAST(i AS VARCHAR) ELSE CAST(i AS VARCHAR) END || ']') END", 2),
		// json_size(json, path): elements of an array or keys of an object
		// at path, 0 for scalars.
		{name: "json_size", to: "athena_json_size", arity: []int{2},
			macro: "(j, p) AS CASE json_type(j, p) WHEN 'ARRAY' THEN CAST(json_array_length(j, p) AS BIGINT) WHEN 'OBJECT' THEN len(json_keys(j, p)) ELSE 0 END",
			rewrite: func(c *call) (string, error) {
				return "athena_json_size(" + c.args[0].text + ", " + c.jsonPath(1) + ")", nil
			}},
		rename("json_parse", "json", 1),
		macro("json_format", "(j) AS CAST(j AS VARCHAR)", 1),
		macro("is_json_scalar", "(j) AS json_type(j) NOT IN ('OBJECT', 'ARRAY')", 1),
	}
}

// jsonMacros are the helper macros of CAST(json AS VARCHAR), which
// translateTree calls: a JSON string is its text without quotes, a number
// or boolean its text (a fractional number as Trino prints a DOUBLE, like
// 1.5E0), JSON null is NULL, and an array or object is an error
// (athena_try_json_varchar: NULL).
func jsonMacros() [][2]string {
	body := func(fail string) string {
		return `(j) AS list_transform([json(j)], v -> CASE WHEN v IS NULL THEN NULL` +
			` WHEN json_type(v) = 'VARCHAR' THEN json_extract_string(v, '$')` +
			` WHEN json_type(v) IN ('BIGINT', 'UBIGINT', 'BOOLEAN') THEN CAST(v AS VARCHAR)` +
			` WHEN json_type(v) = 'DOUBLE' THEN athena_double_text(CAST(v AS DOUBLE))` +
			` WHEN json_type(v) = 'NULL' THEN NULL ELSE ` + fail + ` END)[1]`
	}
	return [][2]string{
		{"athena_double_text", `(d) AS list_transform([printf('%.15e', d)], p -> regexp_replace(regexp_extract(p, '^(-?[0-9]\.[0-9]*?)0*e', 1), '\.$', '.0') || 'E' || CAST(CAST(regexp_extract(p, 'e([-+][0-9]+)$', 1) AS INTEGER) AS VARCHAR))[1]`},
		{"athena_json_varchar", body(`error('Cannot cast JSON ' || lower(json_type(v)) || ' to varchar: ' || CAST(v AS VARCHAR))`)},
		{"athena_try_json_varchar", body(`NULL`)},
	}
}

// jsonPath returns argument i as a JSON path in DuckDB's syntax: a string
// literal is converted now; anything else is passed as it is.
func (c *call) jsonPath(i int) string {
	p, ok := c.literal(i)
	if !ok {
		return c.args[i].text
	}
	return quoteString(convertJSONPath(p))
}

// convertJSONPath converts a Presto JSONPath ($.a.b, $["a"], $['a'], $.a[0])
// to DuckDB's ($.a.b, $."a", $.a[0]). A path it does not understand is
// returned unchanged, for DuckDB to report.
func convertJSONPath(p string) string {
	if !strings.HasPrefix(p, "$") {
		return p
	}
	var b strings.Builder
	b.WriteByte('$')
	i := 1
	for i < len(p) {
		switch p[i] {
		case '[':
			if i+1 < len(p) && (p[i+1] == '"' || p[i+1] == '\'') {
				q := p[i+1]
				end := strings.IndexByte(p[i+2:], q)
				if end < 0 || i+2+end+1 >= len(p) || p[i+2+end+1] != ']' {
					return p
				}
				key := p[i+2 : i+2+end]
				fmt.Fprintf(&b, ".%q", key)
				i = i + 2 + end + 2
				continue
			}
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return p
			}
			b.WriteString(p[i : i+end+1])
			i += end + 1
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			key := p[i+1 : j]
			if key == "" {
				return p
			}
			if strings.ContainsAny(key, ` "'`) {
				fmt.Fprintf(&b, ".%q", key)
			} else {
				b.WriteString("." + key)
			}
			i = j
		default:
			return p
		}
	}
	return b.String()
}
