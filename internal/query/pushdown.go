package query

import "strings"

// Filter pushdown for `logs CROSS JOIN UNNEST(records) AS t (record)`.
//
// The rewrite reads records from (SELECT struct_pack(...) AS record ...
// FROM cloudtrail), and DuckDB does not push a filter on record.eventSource
// through struct_pack into the scan: every record is built before any is
// filtered. So the conjuncts of the WHERE clause that apply to every record
// the source yields, and read only record keys that are plain values, are
// also put inside the source, written on the columns. The WHERE clause
// still runs as written above it: the copy only removes rows it would
// remove.

// whereKeywords are the words a copied conjunct may hold besides record
// keys, functions and literals.
var whereKeywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "like": true, "ilike": true, "is": true, "null": true,
	"true": true, "false": true, "between": true, "case": true, "when": true, "then": true, "else": true,
	"end": true, "escape": true, "similar": true, "to": true, "glob": true,
}

// sourceFilter returns the filter to put inside the records source of the
// UNNEST whose column list ends at cend, with name the record column and
// from the FROM that reads it ("" when there is none):
//
//	FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE ...
//	FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) [AS] x WHERE ...
func (t *translator) sourceFilter(name string, from, cend int) string {
	k := t.next(cend + 1)
	selEnd := from // the select list is before selEnd, after SELECT
	switch {
	case t.tok(k).isKeyword("where"):
	case t.tok(k).is(")"):
		// SELECT record FROM ... inside FROM ( ... ) alias WHERE.
		sel := t.prev(from)
		if tk := t.tok(sel); !(tk.kind == tokIdent || tk.kind == tokQIdent) || !strings.EqualFold(tk.name(), name) {
			return ""
		}
		if !t.tok(t.prev(sel)).isKeyword("select") || !t.tok(t.prev(t.prev(sel))).is("(") || !t.tok(t.prev(t.prev(t.prev(sel)))).isKeyword("from") {
			return ""
		}
		selEnd = t.prev(t.prev(t.prev(sel)))
		k = t.next(k + 1)
		if t.tok(k).isKeyword("as") {
			k = t.next(k + 1)
		}
		if tk := t.tok(k); tk.kind == tokIdent && !tk.isKeyword("where") || tk.kind == tokQIdent {
			k = t.next(k + 1)
		}
		if !t.tok(k).isKeyword("where") {
			return ""
		}
	default:
		return ""
	}
	conj, _, end := whereClause(t.toks, k+1)
	var parts []string
	for _, c := range conj {
		if s, ok := t.onColumns(name, c[0], c[1]); ok {
			parts = append(parts, "("+s+")")
		}
	}
	f := strings.Join(parts, " AND ")
	if len(parts) == len(conj) {
		if top := t.sourceTopN(name, selEnd, end); top != "" {
			return f + top
		}
	}
	return f
}

// sourceTopN returns " ORDER BY ... LIMIT n" for the records source when
// the query that reads it, whose WHERE clause the source filter holds
// whole, is SELECT <record keys> ... ORDER BY <record keys> LIMIT n and
// nothing else: its answer is then among the source's first n rows in
// that order, and DuckDB's top-n of the scan skips the rest. from is the
// query's FROM, end where its WHERE clause ends.
func (t *translator) sourceTopN(name string, from, end int) string {
	// The select list: from SELECT (at the depth of from) to from.
	depth, sel := 0, -1
	for i := t.prev(from); i >= 0 && i < len(t.toks); i = t.prev(i) {
		tk := t.toks[i]
		if tk.is(")") || tk.is("]") {
			depth++
		} else if tk.is("(") || tk.is("[") {
			depth--
			if depth < 0 {
				return ""
			}
		} else if depth == 0 && tk.isKeyword("select") {
			sel = i
			break
		}
		if i == 0 {
			break
		}
	}
	if sel < 0 {
		return ""
	}
	calls := 0 // open athena_subscript( calls
	for i := t.next(sel + 1); i < from; i = t.next(i + 1) {
		tk := t.toks[i]
		switch {
		case tk.is(",") || tk.is(".") || tk.is("[") || tk.is("]") || tk.kind == tokNumber || tk.kind == tokQIdent:
		case tk.kind == tokIdent && strings.EqualFold(tk.text, "athena_subscript") && t.tok(t.next(i+1)).is("("):
			// x[n] as translated (Athena's subscript, which fails out
			// of bounds): a value of the row, like x[n]. Athena computes
			// the select list of the rows the LIMIT keeps, as the source's
			// top-n does.
			i = t.next(i + 1)
			calls++
		case tk.is(")") && calls > 0:
			calls--
		case tk.kind == tokIdent && !tk.isKeyword("distinct") && !tk.isKeyword("all") && !t.tok(t.next(i+1)).is("("):
		default:
			return "" // a function (maybe an aggregate), *, DISTINCT ...
		}
	}
	if calls != 0 {
		return ""
	}
	// ORDER BY keys LIMIT n, and nothing after.
	k := end
	if !t.tok(k).isKeyword("order") || !t.tok(t.next(k+1)).isKeyword("by") {
		return ""
	}
	k = t.next(t.next(k+1) + 1)
	var keys []string
	for {
		start := k
		for k < len(t.toks) && !t.tok(k).is(",") && !t.tok(k).isKeyword("limit") && !t.tok(k).isKeyword("asc") && !t.tok(k).isKeyword("desc") && !t.tok(k).isKeyword("nulls") {
			k = t.next(k + 1)
		}
		key, ok := t.recordPath(name, start, k)
		if !ok {
			return "" // a position, an expression: not a key of the source
		}
		for t.tok(k).isKeyword("asc") || t.tok(k).isKeyword("desc") || t.tok(k).isKeyword("nulls") || t.tok(k).isKeyword("first") || t.tok(k).isKeyword("last") {
			key += " " + strings.ToUpper(t.tok(k).text)
			k = t.next(k + 1)
		}
		keys = append(keys, strings.TrimSpace(key))
		if !t.tok(k).is(",") {
			break
		}
		k = t.next(k + 1)
	}
	lim := t.next(k + 1)
	if !t.tok(k).isKeyword("limit") || t.tok(lim).kind != tokNumber {
		return ""
	}
	n := t.tok(lim).text
	if after := t.next(lim + 1); after < len(t.toks) && !t.tok(after).is(")") {
		return "" // OFFSET, or more
	}
	return " ORDER BY " + strings.Join(keys, ", ") + " LIMIT " + n
}

// onColumns translates the conjunct in tokens lo..hi-1 and writes its
// record keys as the columns they come from; false when it reads anything
// else, or a key that is not a plain value of a column (a struct whose
// NULL-ness the built record does not keep, an unknown key).
func (t *translator) onColumns(name string, lo, hi int) (string, bool) {
	if t.next(lo) >= hi {
		return "", false
	}
	toks, err := lex(t.emit(lo, hi))
	if err != nil {
		return "", false
	}
	next := func(i int) int {
		for i++; i < len(toks) && toks[i].kind == tokSpace; i++ {
		}
		return i
	}
	tok := func(i int) token {
		if i < len(toks) {
			return toks[i]
		}
		return token{kind: tokSpace}
	}
	var b strings.Builder
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		switch tk.kind {
		case tokParam:
			return "", false
		case tokIdent, tokQIdent:
		default:
			b.WriteString(tk.text)
			continue
		}
		afterDot := false
		for p := i - 1; p >= 0; p-- {
			if toks[p].kind != tokSpace {
				afterDot = toks[p].is(".")
				break
			}
		}
		if afterDot {
			b.WriteString(tk.text) // a field of what comes before
			continue
		}
		if strings.EqualFold(tk.name(), name) {
			var path []string
			j := i
			for tok(next(j)).is(".") {
				f := next(next(j))
				if tok(f).kind != tokIdent && tok(f).kind != tokQIdent {
					break
				}
				path = append(path, tok(f).name())
				j = f
			}
			col, ok := plainColumn(path)
			if !ok {
				return "", false
			}
			b.WriteString(col)
			i = j
			continue
		}
		if tok(next(i)).is("(") || tk.kind == tokIdent && whereKeywords[tk.lower()] {
			b.WriteString(tk.text)
			continue
		}
		return "", false
	}
	return b.String(), true
}

// plainColumn returns the column expression that the record key path
// (CloudTrail or lake names) is read from, when its value in the built
// record is the column's value: a leaf, or a list (only renamed).
func plainColumn(path []string) (string, bool) {
	cols := lakeSchema()
	var out []string
	for n, seg := range path {
		var found *column
		for i := range cols {
			c := &cols[i]
			if strings.EqualFold(seg, c.name) || strings.EqualFold(seg, c.record) {
				found = c
				break
			}
		}
		if found == nil || n == 0 && (strings.HasPrefix(found.name, "_") || found.name == "eventtimestamp") {
			return "", false
		}
		out = append(out, quoteIdent(found.name))
		if found.list || len(found.fields) == 0 {
			if n != len(path)-1 {
				return "", false
			}
			return strings.Join(out, "."), true
		}
		cols = found.fields
	}
	return "", false // a struct
}

// recordPath returns the column that tokens lo..hi-1 name when they are
// exactly name.key[.field...] for a plain column.
func (t *translator) recordPath(name string, lo, hi int) (string, bool) {
	i := t.next(lo)
	if i >= hi || t.toks[i].kind != tokIdent && t.toks[i].kind != tokQIdent || !strings.EqualFold(t.toks[i].name(), name) {
		return "", false
	}
	var path []string
	for {
		d := t.next(i + 1)
		if d >= hi {
			break
		}
		f := t.next(d + 1)
		if !t.toks[d].is(".") || f >= hi || t.toks[f].kind != tokIdent && t.toks[f].kind != tokQIdent {
			return "", false
		}
		path = append(path, t.toks[f].name())
		i = f
	}
	return plainColumn(path)
}
