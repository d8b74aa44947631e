package query

import (
	"cmp"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// Pruning through CloudTrail Lake's view.
//
// A Lake query reads the view cloudtrail_lake_events (lakedialect.go),
// whose rows are the lake's rows, one for one, with Lake's columns
// computed from them (lakeViewOver). The analysis marks the view like a
// lake table (lakeRef.lake) and reads its SELECT's WHERE clause with
// Lake's column semantics (buildLakePred); pruneQuery then puts in its
// place the view's own query over only the files kept
// (lakeSourceSQL(files)). The view's rows over a set of files are the rows
// of the view over all files whose underlying lake row is in those files,
// so the argument of prune.go carries over unchanged once each leaf is
// shown to hold, on every row of a file's partition, a set of truth values
// that contains the row's own value. The leaves:
//
//   - eventtime op t, where t is a string literal or a TIMESTAMP or DATE
//     literal that lakeTimeLit reads (op: =, <>, <, <=, >, >=; BETWEEN is
//     two of them). Lake's eventtime is timezone('UTC', eventtimestamp),
//     a TIMESTAMP whose microseconds since the epoch are eventtimestamp's
//     (UTC microseconds), and NULL exactly when eventtimestamp is. DuckDB
//     compares a TIMESTAMP with a string constant by casting the string
//     to TIMESTAMP; lakeTimeLit accepts only the forms whose cast it
//     computes exactly ('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.ffffff]',
//     with a space or a T, no zone; TestLakeTimeLiterals checks it
//     against DuckDB's cast), so the comparison is one of integers. The
//     rows of a partition of a bucket's file that its summary lists have
//     eventtimestamp in [Part.MinStamp, Part.MaxStamp] (a row counted
//     without one widens the range to 0), or NULL when the file's
//     Stamped < Rows; the rows of any other file with a summary have
//     theirs in [MinStamp, MaxStamp] when Stamped > 0, and NULL when
//     Stamped < Rows. Values are computed from the range as timeTruth
//     does. Without a summary: all three. Text semantics (cloudtrail's
//     eventtime, a VARCHAR) are never used: '2019-09-29' as text is less
//     than '2019-09-29T...' but as a TIMESTAMP it is midnight.
//   - awsregion = 'r', awsregion IN ('r', ...): ingest puts a row whose
//     awsRegion is a non-empty r in the region partition r when r can be a
//     folder name, and in cloudtrail.UnknownValue otherwise
//     (cloudtrail.PartitionOf); so where the comparison is TRUE the
//     partition's region is one of the values or UnknownValue. A partition
//     whose region is neither gives FALSE or NULL; any other, or one whose
//     region is not known, all three.
//   - element_at(m, 'key') = 'v' and m['key'] = 'v', where m is one of the
//     maps that the view builds from an indexed JSON column
//     (requestparameters, responseelements, additionaleventdata,
//     serviceeventdetails), and v neither empty, nor starting with { or
//     [, nor numeric, true, false or null: the map's value is the JSON
//     value of a top-level key, unquoted when it is a string, and as its
//     JSON text otherwise, which for an object or array starts with { or
//     [, and for a number or boolean looksNumeric; so where the
//     comparison is TRUE the column's JSON text has a string value v,
//     which json_extract_scalar returns: the token probe of
//     json_extract_scalar(col, path) = 'v' holds (probes, op json=).
//   - =, IN and LIKE on the view's columns that are the lake's column
//     unchanged (lakePassthrough: eventid, sourceipaddress,
//     useridentity.arn, ...): the same value as in cloudtrail, so the token
//     probe of prune.go holds as it does there (leaf, probes). The maps
//     (requestparameters, ...), booleans, timestamps and computed fields
//     are not passed through: their conditions keep every file.
//
// recipientaccountid is not read as the account partition: a record
// without one is put under its object key's account. Anything else is a
// leaf not understood (all three values).
//
// TestLakePruneSameAnswers (every sample with and without pruning) and
// TestLakePruneProperty (random trees with the files' own boundary times)
// compare pruned and unpruned answers.

// lakePassthrough are the columns of Lake's view (lower-case paths) whose
// value is the lake column of the same path, unchanged.
var lakePassthrough = map[string]bool{
	"eventversion": true, "eventsource": true, "eventname": true, "awsregion": true, "sourceipaddress": true,
	"useragent": true, "errorcode": true, "errormessage": true, "requestid": true, "eventid": true,
	"eventtype": true, "apiversion": true, "recipientaccountid": true, "sharedeventid": true,
	"vpcendpointid": true, "vpcendpointaccountid": true, "eventcategory": true, "sessioncredentialfromconsole": true,
	"useridentity.type": true, "useridentity.principalid": true, "useridentity.arn": true,
	"useridentity.accountid": true, "useridentity.accesskeyid": true, "useridentity.username": true,
	"useridentity.invokedby": true, "useridentity.identityprovider": true, "useridentity.credentialid": true,
	"useridentity.onbehalfof":                                           true,
	"useridentity.sessioncontext.sessionissuer.type":                    true,
	"useridentity.sessioncontext.sessionissuer.principalid":             true,
	"useridentity.sessioncontext.sessionissuer.arn":                     true,
	"useridentity.sessioncontext.sessionissuer.accountid":               true,
	"useridentity.sessioncontext.sessionissuer.username":                true,
	"useridentity.sessioncontext.sourceidentity":                        true,
	"useridentity.sessioncontext.ec2roledelivery":                       true,
	"useridentity.sessioncontext.attributes.mfaauthenticated":           true,
	"useridentity.sessioncontext.webidfederationdata.federatedprovider": true,
	"tlsdetails.clientprovidedhostheader":                               true,
	"tlsdetails.tlsversion":                                             true,
	"tlsdetails.ciphersuite":                                            true,
}

// lakeViewOver is the query of Lake's view over src, a relation with the
// columns of the view cloudtrail (its name, or a subquery with an alias).
func lakeViewOver(src string) string {
	return strings.TrimSuffix(lakeViewSQL(), " FROM cloudtrail") + " FROM " + src
}

// lakeSourceSQL is the query of Lake's view over only the given files.
func lakeSourceSQL(files []dataFile) string {
	return lakeViewOver("(" + sourceSQL(files) + ") AS cloudtrail")
}

// lakeTimeLit reads the time of a literal compared with Lake's eventtime:
// a string or a TIMESTAMP literal in the forms 'YYYY-MM-DD' and
// 'YYYY-MM-DD HH:MM:SS[.f...]' (space or T, at most six digits of
// fraction, no zone), or a DATE literal 'YYYY-MM-DD', as UTC
// microseconds. Any other form, whose cast DuckDB may read otherwise, is
// not read.
func lakeTimeLit(e sqltree.Expr) (int64, bool) {
	var s string
	dateOnly := false
	switch x := e.(type) {
	case *sqltree.StringLit:
		if x.Unicode {
			return 0, false
		}
		s = x.Value
	case *sqltree.TypedLit:
		switch strings.ToUpper(x.Type) {
		case "TIMESTAMP":
		case "DATE":
			dateOnly = true
		default:
			return 0, false
		}
		s = x.Value
	default:
		return 0, false
	}
	layouts := []string{"2006-01-02"}
	if !dateOnly && len(s) > 10 {
		layouts = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05"}
		if len(s) > 19 {
			if len(s) > 26 || s[19] != '.' || len(s) == 20 || strings.Trim(s[20:], "0123456789") != "" {
				return 0, false
			}
			frac := ".000000"[:len(s)-19]
			layouts = []string{"2006-01-02 15:04:05" + frac, "2006-01-02T15:04:05" + frac}
		}
	}
	for _, l := range layouts {
		if len(s) != len(l) {
			continue
		}
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
			return t.UnixMicro(), true
		}
	}
	return 0, false
}

// buildLakePred reads e, the WHERE clause of a SELECT whose only FROM item
// is Lake's view ref, with the view's column semantics (see above).
func buildLakePred(e sqltree.Expr, ref *lakeRef) *pred {
	switch x := e.(type) {
	case *sqltree.Binary:
		switch strings.ToUpper(x.Op) {
		case "AND":
			return &pred{kind: predAnd, kids: []*pred{buildLakePred(x.X, ref), buildLakePred(x.Y, ref)}}
		case "OR":
			return &pred{kind: predOr, kids: []*pred{buildLakePred(x.X, ref), buildLakePred(x.Y, ref)}}
		case "=", "<>", "<", "<=", ">", ">=":
			return lakeComparison(x.X, x.Op, x.Y, ref)
		}
	case *sqltree.Unary:
		if strings.EqualFold(x.Op, "NOT") {
			return not(buildLakePred(x.X, ref))
		}
	case *sqltree.In:
		if x.Query != nil || len(x.List) == 0 {
			return anyPred
		}
		col, ok := columnPath(x.X, ref)
		if !ok {
			return anyPred
		}
		vals := make([]string, 0, len(x.List))
		for _, v := range x.List {
			s, ok := stringLit(v)
			if !ok {
				return anyPred
			}
			vals = append(vals, s)
		}
		p := lakeLeaf(condition{column: col, op: "in", values: vals})
		if x.Not {
			return not(p)
		}
		return p
	case *sqltree.Like:
		pat, ok := stringLit(x.Pattern)
		col, okc := columnPath(x.X, ref)
		if !ok || !okc || x.Escape != nil || col == "awsregion" {
			return anyPred
		}
		p := lakeLeaf(condition{column: col, op: "like", values: []string{pat}})
		if x.Not {
			return not(p)
		}
		return p
	case *sqltree.Between:
		col, ok := columnPath(x.X, ref)
		lo, okl := lakeTimeLit(x.Low)
		hi, okh := lakeTimeLit(x.High)
		if !ok || !okl || !okh || col != "eventtime" {
			return anyPred
		}
		p := &pred{kind: predAnd, kids: []*pred{stampPred(">=", lo), stampPred("<=", hi)}}
		if x.Not {
			return not(p)
		}
		return p
	}
	return anyPred
}

// predLakeTime and predLakeRegion are the leaves of Lake's view: its
// eventtime compared with a time (cond.op, stamp), and awsregion = or IN
// strings (cond.values).
const (
	predLakeTime predKind = 100 + iota
	predLakeRegion
)

// stampPred is the leaf eventtime op us.
func stampPred(op string, us int64) *pred {
	return &pred{kind: predLakeTime, cond: condition{column: "eventtime", op: op}, stamp: us}
}

// lakeComparison reads x op y with a column of Lake's view on one side
// and a literal on the other.
func lakeComparison(x sqltree.Expr, op string, y sqltree.Expr, ref *lakeRef) *pred {
	if isLit(x) && !isLit(y) {
		x, y, op = y, x, flipped[op]
	}
	if col, ok := lakeMapValue(x, ref); ok {
		v, okv := stringLit(y)
		if !okv || op != "=" || v == "" || v[0] == '{' || v[0] == '[' || looksNumeric(v) {
			return anyPred
		}
		return leaf(condition{column: col, op: "json=", values: []string{v}})
	}
	col, ok := columnPath(x, ref)
	if !ok {
		return anyPred
	}
	if col == "eventtime" {
		us, ok := lakeTimeLit(y)
		if !ok {
			return anyPred
		}
		return stampPred(op, us)
	}
	v, ok := stringLit(y)
	if !ok || op != "=" {
		return anyPred
	}
	return lakeLeaf(condition{column: col, op: op, values: []string{v}})
}

// lakeLeaf is the pred of a condition on a column of Lake's view other
// than eventtime.
func lakeLeaf(c condition) *pred {
	switch {
	case c.column == "awsregion" && (c.op == "=" || c.op == "in"):
		return &pred{kind: predLakeRegion, cond: c}
	case !lakePassthrough[c.column] || needle.ColumnKind(c.column) == needle.NotIndexed:
		return anyPred
	}
	return leaf(c) // an indexed column, as in cloudtrail (never a partition column)
}

// evalLake returns the truth values that a leaf of Lake's view may have
// on the rows of partition v of the file f.
func evalLake(n *pred, f dataFile, v partView) truth {
	switch n.kind {
	case predLakeRegion:
		if !v.known {
			return anyT
		}
		r := v.p.Region
		if r == cloudtrail.UnknownValue {
			return anyT
		}
		for _, lit := range n.cond.values {
			if lit == r {
				return anyT
			}
		}
		return isFalse | isNull
	case predLakeTime:
		lo, hi, stamped, nulls, ok := stampRange(f, v)
		if !ok {
			return anyT
		}
		var t truth
		if nulls {
			t |= isNull
		}
		if stamped {
			t |= rangeTruth(lo, hi, n.cond.op, n.stamp)
		}
		return t
	}
	return anyT
}

// stampRange returns the range of eventtimestamp on the rows of partition
// v of f, whether some row has one and whether some has none; false when
// the summaries cannot tell.
func stampRange(f dataFile, v partView) (lo, hi int64, stamped, nulls, ok bool) {
	s := f.sum
	if s == nil {
		return 0, 0, false, false, false
	}
	if v.known && f.bucket {
		// A part's range bounds the times of its rows; a row without one
		// (none that ingest writes) is NULL, as the file's counts say.
		for _, p := range s.Parts {
			if p.Region == v.p.Region && p.Day == v.p.Day {
				return p.MinStamp, p.MaxStamp, p.Rows > 0, s.Stamped < s.Rows, true
			}
		}
	}
	return s.MinStamp, s.MaxStamp, s.Stamped > 0, s.Stamped < s.Rows, true
}

// rangeTruth returns whether x op lit may be TRUE and may be FALSE for
// some x in [lo, hi] (as TRUE and FALSE in a truth set): times as UTC
// microseconds here, eventtime text in byte order for timeTruth.
func rangeTruth[T cmp.Ordered](lo, hi T, op string, lit T) truth {
	var canTrue, canFalse bool
	switch op {
	case "=":
		canTrue, canFalse = lo <= lit && lit <= hi, lo != lit || hi != lit
	case "<>":
		canTrue, canFalse = lo != lit || hi != lit, lo <= lit && lit <= hi
	case "<":
		canTrue, canFalse = lo < lit, hi >= lit
	case "<=":
		canTrue, canFalse = lo <= lit, hi > lit
	case ">":
		canTrue, canFalse = hi > lit, lo <= lit
	case ">=":
		canTrue, canFalse = hi >= lit, lo < lit
	default:
		return isTrue | isFalse
	}
	var t truth
	if canTrue {
		t |= isTrue
	}
	if canFalse {
		t |= isFalse
	}
	return t
}

// readLakeTop returns the top-N facts of q, whose body s reads Lake's view
// ref alone (see topn.go): as readTopTree, with the first sort key Lake's
// eventtime. Its order is eventtimestamp's (the same microseconds), and
// it is NULL on the same rows, so the files' eventtimestamp ranges (stamp)
// bound it; the probes read it from Lake's view over the files
// (topSpec.source). LIMIT alone is served as for cloudtrail: the view has
// a row for each of the lake's.
func readLakeTop(q *sqltree.Query, s *sqltree.Select, ref *lakeRef) *topSpec {
	spec, iso := readTopTree(q, s, ref)
	if spec == nil || iso || spec.stamp {
		return nil // from_iso8601_timestamp or eventtimestamp: not Lake's columns
	}
	if spec.order {
		spec.stamp = true
	}
	return spec
}

func isLit(e sqltree.Expr) bool {
	switch e.(type) {
	case *sqltree.StringLit, *sqltree.TypedLit:
		return true
	}
	return false
}

// lakeMapValue reads element_at(m, 'key') and m['key'], where m is one of
// Lake's maps built from an indexed JSON column, and returns the column.
func lakeMapValue(e sqltree.Expr, ref *lakeRef) (string, bool) {
	var m, key sqltree.Expr
	switch x := e.(type) {
	case *sqltree.FuncCall:
		if len(x.Name) != 1 || !strings.EqualFold(x.Name[0].Name, "element_at") || len(x.Args) != 2 || x.Distinct || x.Filter != nil || x.Over != nil || x.OverName != nil || len(x.OrderBy) > 0 {
			return "", false
		}
		m, key = x.Args[0], x.Args[1]
	case *sqltree.Subscript:
		m, key = x.X, x.Index
	default:
		return "", false
	}
	col, ok := columnPath(m, ref)
	if _, okk := stringLit(key); !ok || !okk || needle.ColumnKind(col) != needle.JSON {
		return "", false
	}
	switch col {
	case "requestparameters", "responseelements", "additionaleventdata", "serviceeventdetails":
		return col, true
	}
	return "", false
}
