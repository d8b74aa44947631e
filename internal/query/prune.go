package query

import (
	"context"
	"strings"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
)

// File pruning: before a query runs, each lake table it reads on its own
// (FROM cloudtrail [alias] WHERE ...) is replaced by a scan of only the
// files that can hold rows its WHERE clause keeps, judged from the
// conjuncts that the partition folders and the token index (package
// needle) answer exactly:
//
//	account|region|year|month|day = 'v' / IN ('v', ...)
//	col = 'v', 'v' = col, col IN ('v', ...), col LIKE 'p'
//	athena_json_extract_scalar(col, path) = 'v'
//
// for the columns that needle indexes. Anything else in the WHERE clause
// is left to DuckDB; a WHERE clause with OR at its top level prunes
// nothing. Pruning only ever leaves out files that cannot match, so the
// answer is the same; it saves DuckDB from opening (and binding) every
// file of the lake for a question about one day or one identifier.

// partitionNames are the partition columns, in the lake's order.
var partitionNames = map[string]bool{"account": true, "region": true, "year": true, "month": true, "day": true}

// condition is one conjunct of a WHERE clause that pruning understands.
type condition struct {
	column string   // lower-case path: a partition column or an indexed column
	op     string   // "=", "in", "like" or "json=" (json_extract_scalar = v)
	values []string // the literal(s)
}

// tableRef is one lake table read on its own by a SELECT.
type tableRef struct {
	name  int    // index of the table name's token
	view  string // the table, lower case
	alias bool   // an alias follows the name
	conds []condition
	orTop bool     // the WHERE clause has OR (or CASE) at its top level: no conditions
	top   *topSpec // the SELECT's ORDER BY eventtime ... LIMIT, if top-N pruning serves it
}

// sqlKeywords are words that end a FROM item instead of naming an alias.
var sqlKeywords = map[string]bool{
	"where": true, "group": true, "order": true, "limit": true, "having": true, "window": true, "qualify": true,
	"union": true, "except": true, "intersect": true, "offset": true, "fetch": true, "join": true, "inner": true,
	"left": true, "right": true, "full": true, "cross": true, "natural": true, "on": true, "using": true,
	"positional": true, "asof": true, "anti": true, "semi": true, "tablesample": true, "using_sample": true, "lateral": true,
}

// clauseEnd are the words that end a WHERE clause.
var clauseEnd = map[string]bool{
	"group": true, "order": true, "limit": true, "having": true, "window": true, "qualify": true,
	"union": true, "except": true, "intersect": true, "offset": true, "fetch": true,
}

// lakeTables are the tables pruning applies to: the lake views except
// logs (which groups records by object).
func lakeTables(st *lakeState) map[string]string {
	out := map[string]string{"cloudtrail": "", "cloudtrail_logs": ""}
	for v, acct := range st.accountViews {
		out[v] = acct
	}
	return out
}

// findTableRefs finds the lake tables that text reads on their own, with
// the conditions of their WHERE clauses.
func findTableRefs(toks []token, tables map[string]string) []tableRef {
	var nt []int // indexes of the tokens that are not space
	for i, t := range toks {
		if t.kind != tokSpace {
			nt = append(nt, i)
		}
	}
	tk := func(k int) token {
		if k < 0 || k >= len(nt) {
			return token{kind: tokSpace}
		}
		return toks[nt[k]]
	}
	isName := func(t token) bool { return t.kind == tokIdent || t.kind == tokQIdent }
	// A lake table's name that is also defined in the query (a CTE) is not
	// the lake table.
	shadowed := map[string]bool{}
	for k := range nt {
		t := tk(k)
		if !isName(t) {
			continue
		}
		if _, ok := tables[strings.ToLower(t.name())]; !ok {
			continue
		}
		if n := tk(k + 1); n.is("(") || n.isKeyword("as") && tk(k+2).is("(") {
			shadowed[strings.ToLower(t.name())] = true
		}
	}
	var refs []tableRef
	for k := 1; k < len(nt); k++ {
		t := tk(k)
		if !isName(t) || !tk(k-1).isKeyword("from") || tk(k+1).is(".") {
			continue
		}
		view := strings.ToLower(t.name())
		if _, ok := tables[view]; !ok || shadowed[view] {
			continue
		}
		ref := tableRef{name: nt[k], view: view}
		j := k + 1
		alias := ""
		if tk(j).isKeyword("as") && isName(tk(j+1)) {
			alias = strings.ToLower(tk(j + 1).name())
			j += 2
		} else if t := tk(j); t.kind == tokQIdent || t.kind == tokIdent && !sqlKeywords[t.lower()] {
			alias = strings.ToLower(t.name())
			j++
		}
		ref.alias = alias != ""
		next := tk(j)
		tail, where, exact, param := len(toks), "", true, false
		if j < len(nt) {
			tail = nt[j]
		}
		switch {
		case next.isKeyword("where"):
			conj, orTop, end := whereClause(toks, nt[j]+1)
			ref.conds, ref.orTop, tail = whereConditions(toks, conj, orTop, view, alias), orTop, end
			var b strings.Builder
			for _, w := range toks[nt[j]+1 : end] {
				b.WriteString(w.text)
				param = param || w.kind == tokParam
			}
			where = strings.TrimSpace(b.String())
			exact = !ref.orTop && len(conj) == len(ref.conds)
			for _, c := range ref.conds {
				exact = exact && partitionNames[c.column] && (c.op == "=" || c.op == "in")
			}
		case next.kind == tokSpace || next.is(")") || next.is(";") || next.kind == tokIdent && clauseEnd[next.lower()]:
			// No WHERE clause: only the table's own account prunes.
		default:
			continue // a join, a list of tables, a sample: leave it alone
		}
		if top := readTop(toks, nt[k-1], tail, view, alias); top != nil {
			top.where, top.exact, top.param = where, exact, param
			top.name = quoteIdent(t.name())
			if ref.alias {
				top.name = tk(j - 1).text
			}
			ref.top = top
		}
		refs = append(refs, ref)
	}
	return refs
}

// whereConditions reads the conditions of the conjuncts that whereClause
// found (none when it found OR at the top level).
func whereConditions(toks []token, ranges [][2]int, orTop bool, view, alias string) []condition {
	if orTop {
		return nil
	}
	var conds []condition
	for _, r := range ranges {
		var cur []token
		for _, t := range toks[r[0]:r[1]] {
			if t.kind != tokSpace {
				cur = append(cur, t)
			}
		}
		if c, ok := parseCondition(cur, view, alias); ok {
			conds = append(conds, c)
		}
	}
	return conds
}

// whereClause splits the WHERE clause that starts at toks[start] into its
// top-level AND-ed conjuncts (ranges of toks; an AND of BETWEEN is not a
// split), and returns the index of the token that ends the clause (a
// closing parenthesis, a semicolon, GROUP, ORDER, LIMIT ...; len(toks) at
// the end). orTop says it has OR or CASE at its top level: its conjunct is
// then the whole clause, whatever its ANDs.
func whereClause(toks []token, start int) (conj [][2]int, orTop bool, end int) {
	from, depth, between := start, 0, false
	end = len(toks)
	for i := start; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.is("(") || t.is("["):
			depth++
		case t.is(")") || t.is("]"):
			depth--
		}
		if depth < 0 || depth == 0 && (t.is(";") || t.kind == tokIdent && clauseEnd[t.lower()]) {
			end = i
			break
		}
		if depth != 0 {
			continue
		}
		switch {
		case t.isKeyword("or"), t.isKeyword("case"):
			orTop = true
		case t.isKeyword("between"):
			between = true
		case t.isKeyword("and"):
			if between {
				between = false
			} else {
				conj = append(conj, [2]int{from, i})
				from = i + 1
			}
		}
	}
	conj = append(conj, [2]int{from, end})
	if orTop {
		conj = [][2]int{{start, end}}
	}
	return conj, orTop, end
}

// parseCondition recognises one conjunct.
func parseCondition(c []token, view, alias string) (condition, bool) {
	col, n := columnRef(c, view, alias)
	switch {
	case n > 0 && n+2 == len(c) && c[n].is("=") && c[n+1].kind == tokString:
		return condition{column: col, op: "=", values: []string{c[n+1].stringValue()}}, true
	case n > 0 && n+2 == len(c) && c[n].isKeyword("like") && c[n+1].kind == tokString:
		return condition{column: col, op: "like", values: []string{c[n+1].stringValue()}}, true
	case n > 0 && n+3 <= len(c) && c[n].isKeyword("in") && c[n+1].is("(") && c[len(c)-1].is(")"):
		var vals []string
		for i := n + 2; i < len(c)-1; i++ {
			switch {
			case i%2 == n%2 && c[i].kind == tokString:
				vals = append(vals, c[i].stringValue())
			case i%2 != n%2 && c[i].is(","):
			default:
				return condition{}, false
			}
		}
		if len(vals) == 0 || c[len(c)-2].kind != tokString {
			return condition{}, false
		}
		return condition{column: col, op: "in", values: vals}, true
	case len(c) >= 3 && c[0].kind == tokString && c[1].is("="):
		if col, n := columnRef(c[2:], view, alias); n > 0 && n+2 == len(c) {
			return condition{column: col, op: "=", values: []string{c[0].stringValue()}}, true
		}
	case len(c) >= 6 && c[0].kind == tokIdent && strings.EqualFold(c[0].text, "athena_json_extract_scalar") && c[1].is("("):
		col, n := columnRef(c[2:], view, alias)
		if n == 0 || !c[2+n].is(",") {
			return condition{}, false
		}
		depth := 1
		i := 3 + n
		for ; i < len(c) && depth > 0; i++ {
			if c[i].is("(") {
				depth++
			} else if c[i].is(")") {
				depth--
			}
		}
		if depth == 0 && i+2 == len(c) && c[i].is("=") && c[i+1].kind == tokString {
			return condition{column: col, op: "json=", values: []string{c[i+1].stringValue()}}, true
		}
	}
	return condition{}, false
}

// columnRef reads a column reference (name, or name.field..., optionally
// qualified by the table's name or alias) at the start of c, and returns
// its lower-case path and how many tokens it took (0: none).
func columnRef(c []token, view, alias string) (string, int) {
	var parts []string
	n := 0
	for n < len(c) {
		t := c[n]
		if t.kind != tokIdent && t.kind != tokQIdent {
			break
		}
		parts = append(parts, strings.ToLower(t.name()))
		n++
		if n < len(c) && c[n].is(".") {
			n++
			continue
		}
		break
	}
	if len(parts) == 0 || n < len(c) && (c[n].is("(") || c[n].is(".") || c[n].is("[")) || c[n-1].is(".") {
		return "", 0
	}
	if len(parts) > 1 && (parts[0] == view || alias != "" && parts[0] == alias) {
		parts = parts[1:]
	}
	return strings.Join(parts, "."), n
}

// probes returns, for each value of cond, what the token index must have
// for a file to hold it; nil when the index cannot decide cond.
func probes(cond condition) []needle.Probe {
	kind := needle.ColumnKind(cond.column)
	switch {
	case kind == needle.NotIndexed:
		return nil
	case cond.op == "like" && kind == needle.ID:
		return nil
	case cond.op == "json=" && kind != needle.JSON:
		return nil
	}
	out := make([]needle.Probe, 0, len(cond.values))
	for _, v := range cond.values {
		var p needle.Probe
		switch cond.op {
		case "like":
			p = needle.LikeProbe(v)
		case "json=":
			if !looksNumeric(v) { // DuckDB may render a JSON number differently
				p = needle.EqualProbe(v)
			}
		default:
			p = needle.EqualProbe(v)
		}
		if len(p) == 0 {
			return nil
		}
		out = append(out, p)
	}
	return out
}

func looksNumeric(v string) bool {
	return strings.Trim(v, "0123456789.-+eE") == "" || v == "true" || v == "false" || v == "null"
}

// filter is what pruning checks a file against: partition conditions
// and, for each indexed condition, the probes of its values (one must
// match).
type filter struct {
	parts  []condition
	tokens [][]needle.Probe
}

func (f filter) empty() bool { return len(f.parts) == 0 && len(f.tokens) == 0 }

// matches reports whether file may hold rows that every condition keeps.
func (fl filter) matches(f dataFile) bool {
	if !fl.partsMatch(f) {
		return false
	}
	if len(fl.tokens) == 0 {
		return true
	}
	sc, done := openSidecar(f)
	if sc == nil {
		return true
	}
	defer done()
	for _, ps := range fl.tokens {
		ok := false
		for _, p := range ps {
			if sc.MayHave(p) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// openSidecar opens the token index of a data file, or returns nil when
// it has none that can be read.
func openSidecar(f dataFile) (*needle.Sidecar, func()) {
	sc, done, err := needle.OpenFile(f.path)
	if err != nil {
		return nil, nil
	}
	return sc, done
}

// partsMatch reports whether one of the partitions of file f satisfies
// every partition condition: a file holds rows of its partitions only, so
// a file none of whose partitions satisfies them all cannot hold a row
// that does. When a bucket's file does not list its partitions, only the
// values its folder names (account, year, month) are checked.
func (fl filter) partsMatch(f dataFile) bool {
	if len(fl.parts) == 0 {
		return true
	}
	if f.parts == nil {
		for _, c := range fl.parts {
			if v, ok := partitionValue(f.dir, c.column); ok && v != "" && !contains(c.values, v) {
				return false
			}
		}
		return true
	}
	for _, p := range f.parts {
		ok := true
		for _, c := range fl.parts {
			if v, _ := partitionValue(p, c.column); !contains(c.values, v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// narrow returns f with only the partitions that satisfy the partition
// conditions: the ones a query can read rows of (for its statistics).
func (fl filter) narrow(f dataFile) dataFile {
	if len(fl.parts) == 0 || f.parts == nil {
		return f
	}
	var in []cloudtrail.Partition
	for _, p := range f.parts {
		one := filter{parts: fl.parts}
		if one.partsMatch(dataFile{parts: []cloudtrail.Partition{p}}) {
			in = append(in, p)
		}
	}
	f.parts = in
	return f
}

// partitionValue returns p's value of the partition column col.
func partitionValue(p cloudtrail.Partition, col string) (string, bool) {
	switch col {
	case "account":
		return p.Account, true
	case "region":
		return p.Region, true
	case "year":
		return p.Year, true
	case "month":
		return p.Month, true
	case "day":
		return p.Day, true
	}
	return "", false
}

// pruner is what pruneQuery works with.
type pruner struct {
	st    *lakeState
	probe prober // runs the queries that top-N pruning asks (nil: none)
	batch int64  // the rows a first top-N probe reads (0: the default)
}

// pruneQuery rewrites text so that each lake table it reads on its own
// scans only the files that can match, and returns the new text and the
// file lists it chose (nil when it changed nothing).
func pruneQuery(ctx context.Context, text string, p pruner) (string, [][]dataFile) {
	st := p.st
	if len(st.files) == 0 {
		return text, nil
	}
	toks, err := lex(text)
	if err != nil {
		return text, nil
	}
	tables := lakeTables(st)
	refs := findTableRefs(toks, tables)
	if len(refs) == 0 {
		return text, nil
	}
	repl := map[int]string{}
	var lists [][]dataFile
	for _, ref := range refs {
		var fl filter
		if acct := tables[ref.view]; acct != "" {
			fl.parts = append(fl.parts, condition{column: "account", op: "=", values: []string{acct}})
		}
		if !ref.orTop {
			for _, c := range ref.conds {
				switch {
				case partitionNames[c.column]:
					if c.op == "=" || c.op == "in" {
						fl.parts = append(fl.parts, c)
					}
				default:
					if ps := probes(c); ps != nil {
						fl.tokens = append(fl.tokens, ps)
					}
				}
			}
		}
		keep := st.files
		if !fl.empty() {
			keep = nil
			for _, f := range st.files {
				if fl.matches(f) {
					keep = append(keep, fl.narrow(f))
				}
			}
		}
		if ref.top != nil && len(keep) > 1 {
			keep = topFiles(ctx, ref.top, keep, &st.sums, p.probe, p.batch)
		}
		if len(keep) == len(st.files) {
			continue
		}
		s := "(" + sourceSQL(keep) + ")"
		if !ref.alias {
			s += " AS " + quoteIdent(toks[ref.name].name())
		}
		repl[ref.name] = s
		lists = append(lists, keep)
	}
	if len(repl) == 0 {
		return text, nil
	}
	var b strings.Builder
	for i, t := range toks {
		if s, ok := repl[i]; ok {
			b.WriteString(s)
		} else {
			b.WriteString(t.text)
		}
	}
	return b.String(), lists
}
