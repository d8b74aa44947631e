package query

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// TranslateOptions are the settings of Translate.
type TranslateOptions struct {
	// Now is the time that now(), current_timestamp, current_date and
	// localtimestamp stand for. The zero time means time.Now().
	Now time.Time
	// AccountViews maps each per-account view name (lower case) to its
	// account id; SHOW PARTITIONS uses it.
	AccountViews map[string]string
	// KeepEventTime turns off a rewrite that reads
	// from_iso8601_timestamp(eventtime) from the parsed eventtimestamp
	// column instead (which lets row groups be skipped by time).
	KeepEventTime bool
	// FullRecords turns off a rewrite that builds, for
	// `logs CROSS JOIN UNNEST(records) AS t(record)`, only the keys of
	// record that the query reads.
	FullRecords bool
}

// Translate turns a query in Athena's (Presto/Trino) dialect into the
// DuckDB SQL that trailsql runs over its views: Athena functions become
// DuckDB functions or trailsql's athena_* macros with Athena's meaning,
// MySQL and Joda date formats become strftime formats, SHOW and DESCRIBE
// become queries, catalog and database qualifiers are dropped, a * over a
// lake table is its documented columns, and statements that are not
// read-only queries are refused with an error that says what to do
// instead (see IsRefused and IsUnsupported).
//
// The query is parsed first (package sqltree): a syntax error is a
// *sqltree.Error with the line and column (see SyntaxContext). The passes
// over the tree are those of parseSQL; the printed tree is then
// translated on tokens by translateText.
func Translate(sql string, opts TranslateOptions) (string, error) {
	p, err := parseSQL(sql)
	if err != nil {
		return "", locateError(sql, err)
	}
	return translateText(p.text, opts)
}

// translateText translates a printed tree (see parseSQL) on tokens: text
// it does not recognise is passed through unchanged, and DuckDB reports
// any error in it.
func translateText(sql string, opts TranslateOptions) (string, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	toks, err := lex(sql)
	if err != nil {
		var le *lexError
		if errors.As(err, &le) {
			return "", fmt.Errorf("syntax error at offset %d: %s", le.off, le.msg)
		}
		return "", err
	}
	t := &translator{toks: toks, opts: opts, funcs: funcRules()}
	return t.statement()
}

// translator rewrites one statement.
type translator struct {
	toks  []token
	opts  TranslateOptions
	funcs map[string]funcRule
	err   error
}

// next returns the index of the first non-space token at or after i, or
// len(toks).
func (t *translator) next(i int) int {
	for i < len(t.toks) && t.toks[i].kind == tokSpace {
		i++
	}
	return i
}

// prev returns the index of the last non-space token before i, or -1.
func (t *translator) prev(i int) int {
	i--
	for i >= 0 && t.toks[i].kind == tokSpace {
		i--
	}
	return i
}

// tok returns token i, or a zero token past the end.
func (t *translator) tok(i int) token {
	if i < 0 || i >= len(t.toks) {
		return token{kind: tokSpace}
	}
	return t.toks[i]
}

// closeParen returns the index of the ')' that matches the '(' at i, or -1.
func (t *translator) closeParen(i int) int {
	depth := 0
	for j := i; j < len(t.toks); j++ {
		switch {
		case t.toks[j].is("(") || t.toks[j].is("["):
			depth++
		case t.toks[j].is(")") || t.toks[j].is("]"):
			depth--
			if depth == 0 {
				if t.toks[j].is(")") {
					return j
				}
				return -1
			}
		}
	}
	return -1
}

// fail records the first error of a translation.
func (t *translator) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// statement translates the whole input: one statement, optionally ended by
// a semicolon.
func (t *translator) statement() (string, error) {
	first := t.next(0)
	if first == len(t.toks) {
		return "", errors.New("empty query")
	}
	// One statement only: a semicolon may end it, nothing may follow.
	end := len(t.toks)
	depth := 0
	for i, tk := range t.toks {
		switch {
		case tk.is("(") || tk.is("["):
			depth++
		case tk.is(")") || tk.is("]"):
			depth--
		case tk.is(";") && depth <= 0:
			if t.next(i+1) != len(t.toks) {
				return "", &RefusedError{Statement: "more than one statement", Reason: "run one query at a time"}
			}
			if end == len(t.toks) {
				end = i
			}
		}
	}
	t.toks = t.toks[:end]
	if first >= len(t.toks) {
		return "", errors.New("empty query")
	}
	if s, ok, err := t.special(first); ok || err != nil {
		return s, err
	}
	head := t.toks[first]
	switch {
	case head.is("("), head.isKeyword("select"), head.isKeyword("with"), head.isKeyword("values"), head.isKeyword("from"), head.isKeyword("table"):
	case head.isKeyword("explain"):
		// EXPLAIN [ANALYZE] query: translate the query.
		j := t.next(first + 1)
		if t.tok(j).isKeyword("analyze") {
			j = t.next(j + 1)
		}
		if j == len(t.toks) {
			return "", errors.New("EXPLAIN needs a query")
		}
		if s, ok, err := t.special(j); ok || err != nil {
			if err != nil {
				return "", err
			}
			return t.emit(0, j) + s, t.err
		}
	default:
		return "", refuseStatement(statementWords(t.toks, first, 3))
	}
	out := t.emit(0, len(t.toks))
	if t.err != nil {
		return "", t.err
	}
	return out, nil
}

// emit translates tokens lo..hi-1.
func (t *translator) emit(lo, hi int) string {
	var b strings.Builder
	for i := lo; i < hi; i++ {
		tk := t.toks[i]
		switch tk.kind {
		case tokSpace:
			b.WriteString(tk.text)
			continue
		case tokQIdent:
			if tk.text[0] == '`' {
				b.WriteString(quoteIdent(tk.name()))
				continue
			}
			if tk.name() == "$path" {
				// Athena's "$path" is the S3 object a row was read from.
				b.WriteString("_object")
				continue
			}
			b.WriteString(tk.text)
			continue
		case tokIdent:
			if n, s, ok := t.ident(i, hi); ok {
				b.WriteString(s)
				i = n - 1
				continue
			}
		}
		b.WriteString(tk.text)
	}
	return b.String()
}

// ident translates the construct that starts with the identifier at i, if
// it is one trailsql rewrites. It returns the index after the construct
// and its translation.
func (t *translator) ident(i, hi int) (int, string, bool) {
	tk := t.toks[i]
	lw := tk.lower()
	afterDot := t.tok(t.prev(i)).is(".")
	switch lw {
	case "current_timestamp", "localtimestamp", "current_date", "current_time", "localtime":
		if afterDot {
			return 0, "", false
		}
		n := i + 1
		if j := t.next(n); j < hi && t.toks[j].is("(") {
			if c := t.closeParen(j); c > 0 && c < hi {
				n = c + 1
			}
		}
		return n, t.nowLiteral(lw), true
	case "from", "join":
		if t.inSpecialForm(i) {
			return 0, "", false
		}
		return t.fromItem(i, hi)
	case "tablesample":
		// Presto: TABLESAMPLE BERNOULLI (10); DuckDB: TABLESAMPLE 10% (bernoulli).
		m := t.next(i + 1)
		o := t.next(m + 1)
		if (t.tok(m).isKeyword("bernoulli") || t.tok(m).isKeyword("system")) && t.tok(o).is("(") {
			if c := t.closeParen(o); c > 0 && c < hi {
				return c + 1, "TABLESAMPLE " + strings.TrimSpace(t.emit(o+1, c)) + "% (" + t.tok(m).lower() + ")", true
			}
		}
	case "cast", "try_cast":
		j := t.next(i + 1)
		if !afterDot && j < hi && t.toks[j].is("(") {
			return t.cast(i, j, hi)
		}
	case "unnest":
		if !afterDot {
			if n, s, ok := t.unnestColumns(i, hi); ok {
				return n, s, true
			}
		}
	}
	if afterDot || t.tok(t.prev(i)).is(")") {
		// x.f(...) is not a function of ours; agg(x) FILTER (WHERE ...)
		// is a clause.
		return 0, "", false
	}
	j := t.next(i + 1)
	if j >= hi || !t.toks[j].is("(") {
		return 0, "", false
	}
	rule, ok := t.funcs[lw]
	if !ok {
		return 0, "", false
	}
	end := t.closeParen(j)
	if end < 0 || end >= hi {
		return 0, "", false
	}
	c := &call{t: t, name: tk.text, rule: rule}
	c.split(j, end)
	s, err := rule.apply(c)
	if err != nil {
		t.fail(err)
		return end + 1, "", true
	}
	return end + 1, s, true
}

// nowLiteral is the literal that a current-time keyword stands for.
func (t *translator) nowLiteral(kw string) string {
	now := t.opts.Now.UTC()
	switch kw {
	case "current_date":
		return "DATE '" + now.Format(time.DateOnly) + "'"
	case "current_time", "localtime":
		return "TIME '" + now.Format("15:04:05.000000") + "'"
	case "localtimestamp":
		return "TIMESTAMP '" + now.Format("2006-01-02 15:04:05.000000") + "'"
	}
	return "TIMESTAMPTZ '" + now.Format("2006-01-02 15:04:05.000000") + "+00'"
}

// inSpecialForm reports whether token i is inside the parentheses of
// EXTRACT, SUBSTRING, TRIM, POSITION or OVERLAY, where FROM is not a table
// clause.
func (t *translator) inSpecialForm(i int) bool {
	depth := 0
	for k := i - 1; k >= 0; k-- {
		switch {
		case t.toks[k].is(")") || t.toks[k].is("]"):
			depth++
		case t.toks[k].is("(") || t.toks[k].is("["):
			if depth > 0 {
				depth--
				continue
			}
			switch t.tok(t.prev(k)).lower() {
			case "extract", "substring", "trim", "position", "overlay":
				return true
			}
			return false
		}
	}
	return false
}

// duckdbSchemas are the schemas of DuckDB's own catalog, whose qualifiers
// are kept; any other qualifier (an Athena catalog or database) is dropped.
var duckdbSchemas = map[string]bool{"main": true, "information_schema": true, "pg_catalog": true, "temp": true, "system": true, "memory": true}

// fromItem handles what follows FROM or JOIN: it reads `logs CROSS JOIN UNNEST(records) AS t(record)` from a view that
// holds one record per row, instead of grouping every record by object
// and unnesting the groups again.
func (t *translator) fromItem(i, hi int) (int, string, bool) {
	j := t.next(i + 1)
	if j >= hi || (t.toks[j].kind != tokIdent && t.toks[j].kind != tokQIdent) || t.toks[j].isKeyword("lateral") || t.toks[j].isKeyword("unnest") {
		return 0, "", false
	}
	// A qualified name a.b or a.b.c.
	parts := []int{j}
	k := j
	for {
		d := t.next(k + 1)
		if d >= hi || !t.toks[d].is(".") {
			break
		}
		n := t.next(d + 1)
		if n >= hi || (t.toks[n].kind != tokIdent && t.toks[n].kind != tokQIdent) {
			break
		}
		parts = append(parts, n)
		k = n
	}
	if t.next(k+1) < hi && t.toks[t.next(k+1)].is("(") {
		return 0, "", false // a table function
	}
	// Catalog and database qualifiers were dropped on the syntax tree
	// (dropCatalogs), where a table name cannot be mistaken for the
	// column after IS DISTINCT FROM.
	last := parts[len(parts)-1]
	if len(parts) == 1 && strings.EqualFold(t.toks[last].name(), "logs") && t.toks[i].isKeyword("from") && !t.tok(t.prev(i)).isKeyword("distinct") {
		if n, s, ok := t.logsUnnest(last, hi); ok {
			return n, t.emit(i, j) + s, true
		}
	}
	return last + 1, t.emit(i, j) + t.emit(j, last+1), true
}

// logsUnnest recognises `logs [[AS] l] CROSS JOIN UNNEST([l.]records) [AS] t (x)`
// after FROM, with the logs alias used nowhere else, and rewrites it to
// `_logs_records AS t (x)`.
func (t *translator) logsUnnest(logs, hi int) (int, string, bool) {
	k := t.next(logs + 1)
	alias := ""
	if t.tok(k).isKeyword("as") {
		k = t.next(k + 1)
		if t.tok(k).kind != tokIdent && t.tok(k).kind != tokQIdent {
			return 0, "", false
		}
		alias = t.toks[k].name()
		k = t.next(k + 1)
	} else if t.tok(k).kind == tokIdent && !t.tok(k).isKeyword("cross") || t.tok(k).kind == tokQIdent {
		alias = t.toks[k].name()
		k = t.next(k + 1)
	}
	want := func(kw string) bool {
		if !t.tok(k).isKeyword(kw) {
			return false
		}
		k = t.next(k + 1)
		return true
	}
	if !want("cross") || !want("join") || !want("unnest") || !t.tok(k).is("(") {
		return 0, "", false
	}
	open := k
	end := t.closeParen(open)
	if end < 0 || end >= hi {
		return 0, "", false
	}
	// The argument: records or alias.records.
	var arg []string
	for a := open + 1; a < end; a++ {
		if t.toks[a].kind != tokSpace {
			arg = append(arg, strings.ToLower(t.toks[a].name()))
		}
	}
	switch {
	case len(arg) == 1 && arg[0] == "records":
	case len(arg) == 3 && alias != "" && arg[0] == strings.ToLower(alias) && arg[1] == "." && arg[2] == "records":
	case len(arg) == 3 && alias == "" && arg[0] == "logs" && arg[1] == "." && arg[2] == "records":
	default:
		return 0, "", false
	}
	tname, cols, cend, ok := t.unnestAlias(end, hi)
	if !ok {
		return 0, "", false // WITH ORDINALITY, say: use the view as it is
	}
	if len(cols) != 1 {
		return 0, "", false
	}
	if alias != "" {
		for a, tk := range t.toks {
			if (a < logs || a > cend) && (tk.kind == tokIdent || tk.kind == tokQIdent) && strings.EqualFold(tk.name(), alias) && t.tok(t.next(a+1)).is(".") {
				return 0, "", false
			}
		}
	}
	src := "_logs_records"
	if keep := t.recordFields(t.toks[cols[0]].name()); keep != nil {
		from := "cloudtrail"
		if f := t.sourceFilter(t.toks[cols[0]].name(), t.prev(logs), cend); f != "" {
			from = "cloudtrail WHERE " + f
			if strings.Contains(f, " ORDER BY ") {
				// Top n first, then build n records.
				from = "(SELECT * FROM " + from + ")"
			}
		}
		src = "(SELECT " + recordStruct(lakeSchema(), keep) + " AS record, _object AS object FROM " + from + ")"
	}
	s := src + " AS " + t.toks[tname].text + " (" + t.toks[cols[0]].text + ")"
	return cend + 1, s, true
}

// recordFields returns the record keys (lake names) that the query reads
// as name.key[.field...], or nil when it may need the whole record: when
// name appears on its own in the outermost query (or a * does), or when no
// key is read at all. Building only those keys lets the scan read only
// their columns.
func (t *translator) recordFields(name string) *keep {
	if t.opts.FullRecords {
		return nil
	}
	top := map[string]bool{}
	for _, c := range lakeSchema() {
		top[c.name] = true
	}
	k := &keep{}
	depth := 0
	for i, tk := range t.toks {
		switch {
		case tk.is("(") || tk.is("["):
			depth++
		case tk.is(")") || tk.is("]"):
			depth--
		case tk.is("*") && depth == 0:
			return nil
		case (tk.kind == tokIdent || tk.kind == tokQIdent) && strings.EqualFold(tk.name(), name):
			if t.tok(t.prev(i)).is(".") {
				continue
			}
			var path []string
			j := i
			for {
				d := t.next(j + 1)
				f := t.next(d + 1)
				if !t.tok(d).is(".") || (t.tok(f).kind != tokIdent && t.tok(f).kind != tokQIdent) {
					break
				}
				path = append(path, strings.ToLower(t.tok(f).name()))
				j = f
			}
			if len(path) == 0 {
				if depth == 0 {
					return nil
				}
				continue
			}
			if !top[path[0]] {
				return nil
			}
			if t.tok(t.next(j + 1)).is("(") {
				path = path[:len(path)-1] // a method-like call: keep the parent
			}
			k.add(path)
		}
	}
	if len(k.fields) == 0 {
		return nil
	}
	return k
}

// cast translates CAST(x AS type) and TRY_CAST(x AS type), rewriting
// Presto type names (array(T), row(a T), varbinary) in the type.
func (t *translator) cast(i, open, hi int) (int, string, bool) {
	end := t.closeParen(open)
	if end < 0 || end >= hi {
		return 0, "", false
	}
	// The last top-level AS separates the value from the type.
	as := -1
	depth := 0
	for k := open + 1; k < end; k++ {
		switch {
		case t.toks[k].is("(") || t.toks[k].is("["):
			depth++
		case t.toks[k].is(")") || t.toks[k].is("]"):
			depth--
		case depth == 0 && t.toks[k].isKeyword("as"):
			as = k
		}
	}
	if as < 0 {
		return 0, "", false
	}
	typ := t.typeName(as+1, end)
	return end + 1, t.toks[i].text + "(" + t.emit(open+1, as) + "AS " + strings.TrimSpace(typ) + ")", true
}

// typeName translates a Presto type name in tokens lo..hi-1.
func (t *translator) typeName(lo, hi int) string {
	var b strings.Builder
	for k := lo; k < hi; k++ {
		tk := t.toks[k]
		if tk.kind != tokIdent {
			b.WriteString(tk.text)
			continue
		}
		open := t.next(k + 1)
		switch tk.lower() {
		case "array":
			if open < hi && t.toks[open].is("(") {
				if c := t.closeParen(open); c > 0 && c < hi {
					b.WriteString(strings.TrimSpace(t.typeName(open+1, c)) + "[]")
					k = c
					continue
				}
			}
		case "row":
			if open < hi && t.toks[open].is("(") {
				if c := t.closeParen(open); c > 0 && c < hi {
					b.WriteString("STRUCT(" + t.typeName(open+1, c) + ")")
					k = c
					continue
				}
			}
		case "varbinary":
			b.WriteString("BLOB")
			continue
		case "ipaddress", "ipprefix":
			b.WriteString("VARCHAR")
			continue
		}
		b.WriteString(tk.text)
	}
	return b.String()
}

// unnestColumns rewrites Presto's UNNEST with several column aliases in a
// FROM list, which DuckDB's UNNEST does not take:
//
//	UNNEST(rows) AS t (a, b, c)  →  (SELECT unnest(rows, max_depth := 2)) AS t (a, b, c)
//	UNNEST(x, y) AS t (a, b)     →  (SELECT unnest(x), unnest(y)) AS t (a, b)
//
// The first expands each row (struct) of an array into its fields, in
// order; the second zips arrays, padding the shorter with NULLs, as Presto
// does. DuckDB joins such a subquery laterally, as Presto does UNNEST.
func (t *translator) unnestColumns(i, hi int) (int, string, bool) {
	if p := t.tok(t.prev(i)); !p.isKeyword("join") && !p.isKeyword("from") && !p.is(",") {
		return 0, "", false
	}
	open := t.next(i + 1)
	if !t.tok(open).is("(") {
		return 0, "", false
	}
	end := t.closeParen(open)
	if end < 0 || end >= hi {
		return 0, "", false
	}
	alias, idx, rp, ok := t.unnestAlias(end, hi)
	if !ok {
		return 0, "", false // no alias, or WITH ORDINALITY: leave it to DuckDB
	}
	cols := make([]string, len(idx))
	for n, a := range idx {
		cols[n] = t.toks[a].text
	}
	c := &call{t: t}
	c.split(open, end)
	var sel []string
	switch {
	case len(cols) < 2 || len(c.args) == 0:
		return 0, "", false
	case len(c.args) == 1:
		sel = []string{"unnest(" + c.args[0].text + ", max_depth := 2)"}
	case len(c.args) == len(cols):
		for _, a := range c.args {
			sel = append(sel, "unnest("+a.text+")")
		}
	default:
		t.fail(fmt.Errorf("UNNEST of %d arrays has %d column names: give one name per array", len(c.args), len(cols)))
		return rp + 1, "", true
	}
	return rp + 1, "(SELECT " + strings.Join(sel, ", ") + ") AS " + t.toks[alias].text + " (" + strings.Join(cols, ", ") + ")", true
}

// unnestAlias reads what follows the parenthesis that closes an UNNEST
// call at end: [AS] alias (column, ...). It returns the indexes of the
// alias, of the column names and of the closing parenthesis; false for
// anything else (WITH ORDINALITY among it).
func (t *translator) unnestAlias(end, hi int) (alias int, cols []int, cend int, ok bool) {
	k := t.next(end + 1)
	if t.tok(k).isKeyword("with") {
		return 0, nil, 0, false
	}
	if t.tok(k).isKeyword("as") {
		k = t.next(k + 1)
	}
	if t.tok(k).kind != tokIdent && t.tok(k).kind != tokQIdent {
		return 0, nil, 0, false
	}
	alias = k
	k = t.next(k + 1)
	if !t.tok(k).is("(") {
		return 0, nil, 0, false
	}
	cend = t.closeParen(k)
	if cend < 0 || cend >= hi {
		return 0, nil, 0, false
	}
	for a := k + 1; a < cend; a++ {
		if t.toks[a].kind == tokIdent || t.toks[a].kind == tokQIdent {
			cols = append(cols, a)
		} else if t.toks[a].kind != tokSpace && !t.toks[a].is(",") {
			return 0, nil, 0, false
		}
	}
	return alias, cols, cend, true
}

// call is one function call being translated.
type call struct {
	t    *translator
	name string // the function name as written
	rule funcRule
	args []argument
}

// argument is one argument of a call: its translated text, and its
// tokens (for literal checks).
type argument struct {
	text string
	toks []token
}

// split finds the arguments between the parentheses at open and end.
func (c *call) split(open, end int) {
	t := c.t
	start := open + 1
	depth := 0
	for k := open + 1; k <= end; k++ {
		tk := t.toks[k]
		switch {
		case tk.is("(") || tk.is("["):
			depth++
		case (tk.is(")") || tk.is("]")) && k != end:
			depth--
		case depth == 0 && (tk.is(",") || k == end):
			if k == end && t.next(start) == end && len(c.args) == 0 {
				return // no arguments
			}
			var sig []token
			for _, x := range t.toks[start:k] {
				if x.kind != tokSpace {
					sig = append(sig, x)
				}
			}
			c.args = append(c.args, argument{text: strings.TrimSpace(t.emit(start, k)), toks: sig})
			start = k + 1
		}
	}
}

// literal returns the value of argument i when it is a string literal.
func (c *call) literal(i int) (string, bool) {
	if i >= len(c.args) || len(c.args[i].toks) != 1 || c.args[i].toks[0].kind != tokString {
		return "", false
	}
	return c.args[i].toks[0].stringValue(), true
}

// texts returns the translated arguments.
func (c *call) texts() []string {
	out := make([]string, len(c.args))
	for i, a := range c.args {
		out[i] = a.text
	}
	return out
}

// plain is the call with its arguments translated and its name replaced
// by name.
func (c *call) plain(name string) string {
	return name + "(" + strings.Join(c.texts(), ", ") + ")"
}
