package query

import (
	"context"
	"strings"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// File pruning: before a query runs, each lake table it reads on its own
// (FROM cloudtrail [alias] [WHERE ...], the SELECT's only FROM item) is
// replaced by a scan of only the files that can hold rows its WHERE clause
// keeps. The decision comes from the syntax tree (prune_tree.go): the
// WHERE clause is read as an AND/OR/NOT tree (a pred) whose leaves are
//
//	partition comparisons: account, region, year, month, day, and the
//	  partition columns of the tables AWS documents (timestamp and
//	  date_partition, 'yyyy/MM/dd'; account_partition; region_partition)
//	  =, <>, <, <=, >, >= a string, IN (strings), BETWEEN two strings;
//	token probes: col = 'v', col IN ('v', ...), col LIKE 'p' and
//	  json_extract_scalar(col, path) = 'v' for the columns needle indexes;
//
// and anything else (CASE, a function, a subquery, a parameter, IS NULL,
// a column compared with a column, ...) is a leaf that is not understood.
//
// Why no file that holds a matching row is ever left out. A row is
// returned only when the WHERE clause is TRUE for it; FALSE and NULL
// (unknown: SQL's three-valued logic) both drop it. For each file, and
// each partition p of it (the region and day that a bucket's summary
// lists, or the one partition an older folder names), pruning computes a
// set of truth values, a subset of {TRUE, FALSE, NULL}, that holds the
// value of the WHERE clause on every row of the file in p:
//
//   - a leaf not understood: all three. This holds whatever the row.
//   - a partition comparison: the value of the comparison on p's values,
//     computed as SQL does (strings compare byte by byte, as DuckDB's
//     default collation does and as Go's strings do; 'yyyy/MM/dd' text
//     compares in date order). Every row of p has p's values, so this is
//     the row's value. (Were a value NULL on some row where p says a
//     string, the row's value would be NULL where pruning says TRUE or
//     FALSE; AND, OR and NOT are monotone in the order NULL < TRUE,
//     NULL < FALSE, so the clause would then be NULL where pruning says
//     TRUE or FALSE: never TRUE where pruning says it is not.) When a
//     value is not known (a bucket's file whose summary does not list its
//     region and day), the comparison is all three, except for timestamp
//     and date_partition, whose known year and month settle a comparison
//     with a string they cannot begin like (see prefixCompare).
//   - a token probe whose values none the file's index may hold: FALSE
//     and NULL. The index has no false negatives (package needle's doc
//     argues that each probe is implied by the condition on the raw text
//     of the column), so a row for which the condition is TRUE puts its
//     tokens in the index. Otherwise all three.
//   - AND, OR: the values Kleene's tables give for any pair from the two
//     sets; the pair of the row's own values is among them, so the
//     row's value is in the result. OR is TRUE when either branch is: a
//     file is kept when either branch may be TRUE, the union of the
//     branches' files.
//   - NOT: TRUE and FALSE swapped, NULL kept. NOT over a leaf not
//     understood is all three again: it keeps every file.
//
// A file is kept when TRUE is in the set of one of its partitions. The
// set holds the clause's value on every row of the file, so a file that
// is left out has no row for which the clause is TRUE: no row it could
// return. The query still runs its whole WHERE clause over the files
// kept; pruning only decides which files are opened. A per-account view
// cloudtrail_<account> adds account = '<account>' to its clause.
//
// TestPruneSameAnswers, TestPruneProperty (random AND/OR/NOT trees) and
// FuzzPrune compare pruned and unpruned answers on the three layouts.

// condition is one leaf of a WHERE clause that pruning understands.
type condition struct {
	column string   // lower-case path: a partition column or an indexed column
	op     string   // "=", "in", "like", "json=" (json_extract_scalar = v); for partitions also "<>", "<", "<=", ">", ">="
	values []string // the literal(s)
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

// openSidecar opens the token index of a data file, or returns nil when
// it has none that can be read.
func openSidecar(f dataFile) (*needle.Sidecar, func()) {
	sc, done, err := needle.OpenFile(f.path)
	if err != nil {
		return nil, nil
	}
	return sc, done
}

// truth is a set of SQL truth values.
type truth uint8

const (
	isTrue  truth = 1
	isFalse truth = 2
	isNull  truth = 4
	anyT          = isTrue | isFalse | isNull
)

// kleene applies the truth table f to every pair of values of a and b.
func kleene(a, b truth, f func(x, y truth) truth) truth {
	var out truth
	for x := truth(1); x <= isNull; x <<= 1 {
		for y := truth(1); y <= isNull; y <<= 1 {
			if a&x != 0 && b&y != 0 {
				out |= f(x, y)
			}
		}
	}
	return out
}

func and3(x, y truth) truth {
	switch {
	case x == isFalse || y == isFalse:
		return isFalse
	case x == isTrue && y == isTrue:
		return isTrue
	}
	return isNull
}

func or3(x, y truth) truth {
	switch {
	case x == isTrue || y == isTrue:
		return isTrue
	case x == isFalse && y == isFalse:
		return isFalse
	}
	return isNull
}

func not3(a truth) truth {
	out := a & isNull
	if a&isTrue != 0 {
		out |= isFalse
	}
	if a&isFalse != 0 {
		out |= isTrue
	}
	return out
}

// partView is one partition of a file as pruning sees it: the values of
// the partition columns, with region and day unknown when known is false.
type partView struct {
	p     cloudtrail.Partition
	known bool
}

// value returns the partition column col's value in v: the whole value,
// or (whole false) a prefix every value has.
func (v partView) value(col string) (s string, whole bool) {
	switch col {
	case "account", "account_partition":
		return v.p.Account, true
	case "year":
		return v.p.Year, true
	case "month":
		return v.p.Month, true
	case "region", "region_partition":
		return v.p.Region, v.known
	case "day":
		return v.p.Day, v.known
	case "timestamp", "date_partition":
		pre := v.p.Year + "/" + v.p.Month + "/"
		if !v.known {
			return pre, false
		}
		return pre + v.p.Day, true
	}
	return "", false
}

// compareTruth is the truth of `value op lit` for a value s (whole) or
// any value that starts with s.
func compareTruth(s string, whole bool, op, lit string) truth {
	if !whole {
		c, ok := prefixCompare(s, lit)
		if !ok {
			return anyT
		}
		s, lit = "", ""
		switch {
		case c < 0:
			lit = "b"
		case c > 0:
			s = "b"
		default:
			if op == "=" || op == "<>" {
				return anyT
			}
			// Equal or greater: >= is TRUE, < is FALSE, the others either.
			switch op {
			case ">=":
				return isTrue | isNull
			case "<":
				return isFalse | isNull
			}
			return anyT
		}
		return compareTruth(s, true, op, lit) | isNull
	}
	var r bool
	switch op {
	case "=":
		r = s == lit
	case "<>":
		r = s != lit
	case "<":
		r = s < lit
	case "<=":
		r = s <= lit
	case ">":
		r = s > lit
	case ">=":
		r = s >= lit
	default:
		return anyT
	}
	if r {
		return isTrue
	}
	return isFalse
}

// prefixCompare compares every string that starts with pre with lit: -1
// when all are less, 1 when all are greater, 0 when all are greater or
// equal (lit is a prefix of pre); false when it depends on the rest.
func prefixCompare(pre, lit string) (int, bool) {
	if len(lit) <= len(pre) {
		if c := strings.Compare(pre[:len(lit)], lit); c != 0 {
			return c, true
		}
		return 0, true // pre starts with lit: every value is >= lit
	}
	if c := strings.Compare(pre, lit[:len(pre)]); c != 0 {
		return c, true
	}
	return 0, false
}

// fileCheck evaluates preds on one file, opening its token index once.
type fileCheck struct {
	f      dataFile
	opened bool
	sc     *needle.Sidecar
	done   func()
}

func (c *fileCheck) close() {
	if c.done != nil {
		c.done()
	}
}

// mayHave reports whether the file's index may hold one of ps.
func (c *fileCheck) mayHave(ps []needle.Probe) bool {
	if !c.opened {
		c.opened = true
		c.sc, c.done = openSidecar(c.f)
	}
	if c.sc == nil {
		return true
	}
	for _, p := range ps {
		if c.sc.MayHave(p) {
			return true
		}
	}
	return false
}

// eval returns the truth values that n may have on the rows of partition
// v of the file.
func (c *fileCheck) eval(n *pred, v partView) truth {
	switch n.kind {
	case predAnd, predOr:
		f := and3
		if n.kind == predOr {
			f = or3
		}
		out := c.eval(n.kids[0], v)
		for _, k := range n.kids[1:] {
			out = kleene(out, c.eval(k, v), f)
		}
		return out
	case predNot:
		return not3(c.eval(n.kids[0], v))
	case predPart:
		s, whole := v.value(n.cond.column)
		if n.cond.op == "in" {
			// x IN (a, b, ...) is x = a OR x = b OR ...
			var out truth
			for i, lit := range n.cond.values {
				t := compareTruth(s, whole, "=", lit)
				if i == 0 {
					out = t
				} else {
					out = kleene(out, t, or3)
				}
			}
			return out
		}
		return compareTruth(s, whole, n.cond.op, n.cond.values[0])
	case predToken:
		if n.probes == nil || c.mayHave(n.probes) {
			return anyT
		}
		return isFalse | isNull
	case predTime:
		return timeTruth(c.f.sum, n.cond.op, n.cond.values[0])
	case predLakeTime, predLakeRegion:
		return evalLake(n, c.f, v) // prune_lake.go
	}
	return anyT
}

// timeTruth returns the truth values that eventtime op lit (a VARCHAR
// comparison, in byte order) may have on the rows of a file with summary
// s: its timed rows' eventtime lies in [MinTime, MaxTime] when the
// summary is Ranged, and its other rows' eventtime is NULL. Without a
// ranged summary, any.
func timeTruth(s *needle.Summary, op, lit string) truth {
	if s == nil || !s.Ranged {
		return anyT
	}
	var t truth
	if s.Timed < s.Rows {
		t |= isNull
	}
	if s.Timed == 0 {
		return t
	}
	return t | rangeTruth(s.MinTime, s.MaxTime, op, lit)
}

// views returns the partitions of f that pruning judges: its listed
// partitions, or its folder's with region and day unknown.
func (f dataFile) views() []partView {
	if f.parts == nil {
		return []partView{{p: f.dir}}
	}
	out := make([]partView, len(f.parts))
	for i, p := range f.parts {
		out[i] = partView{p: p, known: true}
	}
	return out
}

// keepFile reports whether f may hold a row for which n is TRUE, returns
// f with only the partitions that may (for the statistics), and whether
// n is TRUE on every row of f (whole: a partition condition that the
// folders alone decide).
func keepFile(n *pred, f dataFile) (keep bool, narrowed dataFile, whole bool) {
	if n == nil {
		return true, f, true
	}
	c := &fileCheck{f: f}
	defer c.close()
	var in []cloudtrail.Partition
	whole = true
	for _, v := range f.views() {
		t := c.eval(n, v)
		if t&isTrue != 0 {
			keep = true
			if v.known {
				in = append(in, v.p)
			}
		}
		whole = whole && t == isTrue
	}
	if f.parts != nil {
		f.parts = in
	}
	return keep, f, whole && keep && folderOnly(n, f)
}

// folderOnly reports whether n reads only partition columns whose values
// come from f's folder (never NULL): all of them for a file of the older
// layout, account, year and month for a bucket's.
func folderOnly(n *pred, f dataFile) bool {
	switch n.kind {
	case predAny, predToken, predTime, predLakeTime, predLakeRegion:
		return false
	case predPart:
		if !f.bucket {
			return true
		}
		switch n.cond.column {
		case "account", "account_partition", "year", "month":
			return true
		}
		return false
	}
	for _, k := range n.kids {
		if !folderOnly(k, f) {
			return false
		}
	}
	return true
}

// pruner is what pruneQuery works with.
type pruner struct {
	st    *lakeState
	probe prober // runs the queries that top-N pruning asks (nil: none)
	batch int64  // the rows a first top-N probe reads (0: the default)
	// keepEventTime: translation did not read from_iso8601_timestamp(eventtime)
	// as eventtimestamp, so top-N does not serve it.
	keepEventTime bool
}

// pruneQuery rewrites m's text so that each lake table it reads on its
// own scans only the files that can match, and returns the new text
// (without markers) and the file lists it chose (nil when it changed
// nothing).
func pruneQuery(ctx context.Context, m marked, p pruner) (string, [][]dataFile) {
	st := p.st
	toks, err := lex(m.text)
	if err != nil || len(st.files) == 0 {
		return stripMarkers(m.text), nil
	}
	tables := lakeTables(st)
	next := func(i int) int {
		for i++; i < len(toks) && toks[i].kind == tokSpace; i++ {
		}
		return i
	}
	prev := func(i int) int {
		for i--; i >= 0 && toks[i].kind == tokSpace; i-- {
		}
		return i
	}
	repl := map[int]string{}
	var lists [][]dataFile
	for i, t := range toks {
		var ref *lakeRef
		var after int // the first token after the table's name (and marker)
		if k, ok := markerIndex(t); ok {
			n := prev(i)
			if k >= len(m.refs) || n < 0 || !isName(toks[n]) || !strings.EqualFold(toks[n].name(), m.refs[k].name) {
				return stripMarkers(m.text), nil // the marker moved: prune nothing
			}
			ref, after, i = m.refs[k], next(i), n
		} else if isName(t) && !m.shadow && prev(i) >= 0 && toks[prev(i)].isKeyword("from") && !toks[min(next(i), len(toks)-1)].is(".") {
			if _, ok := tables[strings.ToLower(t.name())]; !ok {
				continue
			}
			if nx := next(i); nx < len(toks) {
				if _, ok := markerIndex(toks[nx]); ok {
					continue // a marked table: its marker decides
				}
			}
			// A table that translation wrote (the records source of
			// logs/UNNEST): analyse its SELECT's tree.
			ref, after = generatedRef(toks, i)
		}
		if ref == nil || !ref.use {
			continue
		}
		acct, ok := tables[ref.view]
		if !ok && !ref.lake {
			continue
		}
		where := ref.where
		if acct != "" {
			a := &pred{kind: predPart, cond: condition{column: "account", op: "=", values: []string{acct}}}
			if where == nil {
				where = a
			} else {
				where = &pred{kind: predAnd, kids: []*pred{a, where}}
			}
		}
		keep, exact := st.files, true
		if where != nil {
			keep = nil
			for _, f := range st.files {
				if ok, nf, whole := keepFile(where, f); ok {
					keep = append(keep, nf)
					exact = exact && whole
				}
			}
		}
		if top := ref.top; top != nil && len(keep) > 1 && !(ref.iso && p.keepEventTime) {
			spec := *top
			spec.exact, spec.param = exact, ref.param
			spec.key = "eventtime"
			switch {
			case ref.lake:
				spec.source = lakeSourceSQL // Lake's eventtime, a TIMESTAMP (prune_lake.go)
			case spec.stamp:
				spec.key = "eventtimestamp"
			}
			spec.name = quoteIdent(ref.name)
			if ref.alias != "" {
				spec.name = quoteIdent(ref.alias)
			}
			if ref.where != nil {
				w, ok := whereText(toks, after)
				if !ok {
					continue
				}
				spec.where = w
			}
			keep = topFiles(ctx, &spec, keep, &st.sums, p.probe, p.batch)
		}
		if len(keep) == len(st.files) {
			continue
		}
		src := sourceSQL
		if ref.lake {
			src = lakeSourceSQL // Lake's view over the files kept (prune_lake.go)
		}
		s := "(" + src(keep) + ")"
		if ref.alias == "" {
			s += " AS " + quoteIdent(toks[i].name())
		}
		repl[i] = s
		lists = append(lists, keep)
	}
	var b strings.Builder
	for i, t := range toks {
		if _, ok := markerIndex(t); ok {
			continue
		}
		if s, ok := repl[i]; ok {
			b.WriteString(s)
		} else {
			b.WriteString(t.text)
		}
	}
	if len(repl) == 0 {
		return stripMarkers(m.text), nil
	}
	return b.String(), lists
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

// whereText returns the text of the WHERE clause that follows a table
// (and its alias) from toks[after] on, without markers.
func whereText(toks []token, after int) (string, bool) {
	k := after
	for k < len(toks) && !toks[k].isKeyword("where") {
		if toks[k].kind != tokSpace && !isName(toks[k]) {
			return "", false
		}
		if k-after > 8 {
			return "", false
		}
		k++
	}
	if k >= len(toks) {
		return "", false
	}
	_, _, end := whereClause(toks, k+1)
	var b strings.Builder
	for _, t := range toks[k+1 : end] {
		if _, ok := markerIndex(t); !ok {
			b.WriteString(t.text)
		}
	}
	return strings.TrimSpace(b.String()), true
}

// generatedRef analyses a lake table that translation wrote, at toks[i]
// after FROM: the SELECT around it, (SELECT ... FROM table ...), is parsed
// on its own. It returns nil when that SELECT cannot be read.
func generatedRef(toks []token, i int) (*lakeRef, int) {
	depth, open := 0, -1
	for k := i - 1; k >= 0 && open < 0; k-- {
		switch {
		case toks[k].is(")") || toks[k].is("]"):
			depth++
		case toks[k].is("(") || toks[k].is("["):
			if depth == 0 {
				open = k
			}
			depth--
		}
	}
	if open < 0 {
		return nil, 0
	}
	depth = 0
	end := -1
	for k := open; k < len(toks) && end < 0; k++ {
		switch {
		case toks[k].is("(") || toks[k].is("["):
			depth++
		case toks[k].is(")") || toks[k].is("]"):
			if depth--; depth == 0 {
				end = k
			}
		}
	}
	if end < 0 {
		return nil, 0
	}
	var b strings.Builder
	for _, t := range toks[open+1 : end] {
		b.WriteString(t.text)
	}
	q, err := sqltree.ParseQuery(b.String())
	if err != nil {
		return nil, 0
	}
	a := analysis{}
	a.query(q, nil)
	base := toks[open+1].off
	for _, r := range a.refs {
		if int(r.pos) == toks[i].off-base {
			k := i + 1
			for k < len(toks) && toks[k].kind == tokSpace {
				k++
			}
			return r, k
		}
	}
	return nil, 0
}
