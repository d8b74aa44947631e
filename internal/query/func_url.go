package query

// A URL's parts, as RFC 3986's appendix B splits them: 2 the scheme, 4
// the authority, 5 the path, 7 the query, 9 the fragment.
const urlPattern = `'^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?'`

// urlValid is true for a URL that Java's URI class parses: Presto's URL
// functions are NULL for any other (a space, a caret, a brace, a bad %
// escape).
const urlValid = `(NOT regexp_matches(u, '[ "<>\\^` + "`" + `{|}]|%([^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|[0-9A-Fa-f]?$)'))`

// urlPart is the SQL for part n of u (see urlPattern), ” when absent as
// Presto has it, NULL for an invalid URL.
func urlPart(n string) string {
	return "CASE WHEN " + urlValid + " THEN regexp_extract(u, " + urlPattern + ", " + n + ") END"
}

// urlOpaque is true for a URL with a scheme and no // and no / after it
// (mailto:x@y): Java gives it no path and no query.
const urlOpaque = `regexp_matches(u, '^[^:/?#]+:[^/]')`

// urlFuncs are Presto's URL functions. They follow Presto's
// implementation on Java's URI class: a missing part is ” (the port is
// NULL), an invalid URL makes every part NULL, and the path, query and
// fragment are %-decoded (Java's getPath, getQuery, getFragment).
func urlFuncs() []funcRule {
	authority := urlPart("4")
	// The host is the authority without user information and port.
	host := "regexp_extract(" + authority + ", '^([^@]*@)?(\\[[^\\]]*\\]|[^:]*)', 2)"
	query := "CASE WHEN " + urlOpaque + " THEN '' ELSE url_decode(" + urlPart("7") + ") END"
	return []funcRule{
		macro("url_extract_protocol", "(u) AS "+urlPart("2"), 1),
		macro("url_extract_host", "(u) AS "+host, 1),
		macro("url_extract_port", "(u) AS CAST(nullif(regexp_extract("+authority+", ':([0-9]+)$', 1), '') AS BIGINT)", 1),
		macro("url_extract_path", "(u) AS CASE WHEN "+urlOpaque+" THEN '' ELSE url_decode("+urlPart("5")+") END", 1),
		macro("url_extract_query", "(u) AS "+query, 1),
		macro("url_extract_fragment", "(u) AS url_decode("+urlPart("9")+")", 1),
		// The first parameter called name: its value, '' when it has no
		// =, NULL when there is none or no query at all.
		macro("url_extract_parameter", "(u, name) AS CASE WHEN "+urlValid+" AND NOT "+urlOpaque+" AND regexp_matches(u, '^[^#]*[?]') THEN "+
			"list_filter(list_transform(string_split(url_decode(regexp_extract(u, "+urlPattern+", 7)), '&'), "+
			"p -> CASE WHEN strpos(p, '=') > 0 THEN [substr(p, 1, strpos(p, '=') - 1), substr(p, strpos(p, '=') + 1)] ELSE [p, ''] END), "+
			"kv -> kv[1] = name)[1][2] END", 2),
		// Java's URLEncoder: letters, digits and . - * _ are kept, a space
		// is +, anything else is %XX of its UTF-8 bytes.
		macro("url_encode", "(s) AS replace(replace(replace(url_encode(s), '%20', '+'), '~', '%7E'), '%2A', '*')", 1),
		// Java's URLDecoder: + is a space.
		macro("url_decode", "(s) AS url_decode(replace(s, '+', ' '))", 1),
	}
}
