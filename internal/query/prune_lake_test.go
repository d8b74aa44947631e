package query

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/sqltree"
)

// openLakeFixtures opens the Lake fixture's lake twice: with pruning and
// without.
func openLakeFixtures(t *testing.T) (pruned, full *Engine, evs []*fxEvent) {
	t.Helper()
	evs = lakeEvents()
	src := t.TempDir()
	writeFixtureLogs(t, src, evs)
	dir := t.TempDir()
	if sum := ingestDir(t, src, dir, 0); sum.Written != len(evs) {
		t.Fatalf("lake fixture: ingest wrote %d events of %d", sum.Written, len(evs))
	}
	pruned = openLake(t, dir, Options{})
	full = openLake(t, dir, Options{})
	full.noPrune = true
	return pruned, full, evs
}

// TestLakePruneSameAnswers runs every Lake sample that runs with pruning
// and without: the rows must be the same, and the samples with a time or
// an indexed condition must read fewer files.
func TestLakePruneSameAnswers(t *testing.T) {
	pruned, full, _ := openLakeFixtures(t)
	total := len(pruned.snapshot().files)
	ctx := context.Background()
	ran, fewer := 0, 0
	for i, c := range lakeCases() {
		if c.fails != "" && c.fixes == nil && c.cut == "" {
			continue
		}
		q := readLakeQuery(t, c, lakeForms[i%len(lakeForms)])
		if c.fails != "" {
			q = fixLakeQuery(t, c, q)
		}
		want, err := full.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		got, err := pruned.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: pruned: %v", c.file, err)
		}
		if a, b := sortedRows(got.Rows), sortedRows(want.Rows); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: pruned rows differ\npruned: %v\n  full: %v", c.file, a, b)
		}
		if want.Stats.Files < total {
			t.Errorf("%s: without pruning read %d files of %d", c.file, want.Stats.Files, total)
		}
		ran++
		if got.Stats.Files < total {
			fewer++
		}
		if narrows := lakeNarrows(q); narrows && got.Stats.Files >= total {
			t.Errorf("%s: has a time window or an indexed condition but read all %d files", c.file, total)
		}
	}
	t.Logf("%d Lake samples: same rows pruned and not; %d read fewer than %d files", ran, fewer, total)
	if ran < 40 || fewer == 0 {
		t.Errorf("%d samples ran, %d pruned", ran, fewer)
	}
}

// lakeNarrows says whether a sample's WHERE clause (at its top level, an
// AND) has a condition that the fixture's files decide: an eventTime
// window that leaves out the fixture's February, or an indexed column
// compared with a value. It is computed on the tree, independently of the
// analysis, from what the samples are known to say.
func lakeNarrows(q string) bool {
	stmt, err := parseLake(q)
	if err != nil {
		return false
	}
	qq, ok := stmt.(*sqltree.Query)
	if !ok {
		return false
	}
	s, ok := qq.Body.(*sqltree.Select)
	if !ok || s.Where == nil || len(s.From) != 1 {
		return false
	}
	var conj []sqltree.Expr
	var split func(e sqltree.Expr)
	split = func(e sqltree.Expr) {
		if b, ok := e.(*sqltree.Binary); ok && strings.EqualFold(b.Op, "AND") {
			split(b.X)
			split(b.Y)
			return
		}
		conj = append(conj, e)
	}
	split(s.Where)
	for _, e := range conj {
		b, ok := e.(*sqltree.Binary)
		if !ok {
			continue
		}
		id, ok := b.X.(*sqltree.Ident)
		lit, okl := b.Y.(*sqltree.StringLit)
		if !ok || !okl {
			continue
		}
		switch strings.ToLower(id.Name) {
		case "eventtime":
			if (b.Op == ">" || b.Op == ">=") && lit.Value >= lakeFrom {
				return true
			}
		case "sourceipaddress", "recipientaccountid":
			return b.Op == "="
		}
	}
	return false
}

// TestLakeTimeLiterals checks lakeTimeLit against DuckDB's cast of the
// same text to TIMESTAMP, and that it leaves alone the forms it does not
// compute.
func TestLakeTimeLiterals(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read := []string{"2019-09-29", "2019-09-29 00:00:00", "2019-09-29T23:59:59", "2019-09-30 10:20:00.5", "2019-09-30 10:20:00.123456",
		"2024-02-29 12:00:00.000001", "1970-01-01", "1969-12-31 23:59:59.999999", "9999-12-31 23:59:59"}
	for _, s := range read {
		for _, typ := range []string{"", "TIMESTAMP", "DATE"} {
			var lit sqltree.Expr = &sqltree.StringLit{Value: s}
			cast := "CAST(" + quoteString(s) + " AS TIMESTAMP)"
			if typ != "" {
				lit = &sqltree.TypedLit{Type: typ, Value: s}
				cast = "CAST(" + typ + " " + quoteString(s) + " AS TIMESTAMP)"
			}
			got, ok := lakeTimeLit(lit)
			var want int64
			derr := db.QueryRow("SELECT epoch_us(" + cast + ")").Scan(&want)
			if typ == "DATE" && len(s) > 10 {
				if ok {
					t.Errorf("DATE %q read as %d", s, got)
				}
				continue
			}
			if derr != nil || !ok || got != want {
				t.Errorf("%s %q: lakeTimeLit %d %v, DuckDB %d %v", typ, s, got, ok, want, derr)
			}
		}
	}
	for _, s := range []string{"2019-09-29 00:00:00Z", "2019-09-29 00:00:00+02", "2019-9-29", "2019-09-29 0:00:00", "20190929", "2019-09-29 00:00",
		"2019-09-29 00:00:00.1234567", "2019-09-29 00:00:00.", " 2019-09-29", "2019-02-30", "now", "2019-09-29 24:00:00"} {
		if us, ok := lakeTimeLit(&sqltree.StringLit{Value: s}); ok {
			t.Errorf("%q read as %d", s, us)
		}
	}
}

// lakeGen generates random WHERE clauses in Lake's dialect.
type lakeGen struct {
	whereGen
	stamps []string // time literals: the files' boundary times, and next to them
}

func (g *lakeGen) time() string {
	s := g.pick(g.stamps...)
	switch g.r.Intn(4) {
	case 0:
		return "TIMESTAMP " + quoteString(s)
	case 1:
		if len(s) >= 10 {
			return "DATE " + quoteString(s[:10])
		}
	}
	return quoteString(s)
}

func (g *lakeGen) leaf() string {
	q := g.qual
	switch g.r.Intn(13) {
	case 0, 1, 2:
		return q + "eventTime" + g.pick(" = ", " <> ", " < ", " <= ", " > ", " >= ") + g.time()
	case 3:
		return g.time() + g.pick(" < ", " >= ", " = ") + q + "eventTime"
	case 4:
		return q + "eventTime" + g.pick(" BETWEEN ", " NOT BETWEEN ") + g.time() + " AND " + g.time()
	case 5:
		return q + "awsRegion" + g.pick(" = ", " <> ") + g.str(genRegions...)
	case 6:
		return q + "awsRegion" + g.pick(" IN ", " NOT IN ") + g.list(genRegions...)
	case 7:
		return q + "eventName" + g.pick(" = ", " <> ") + g.str(genNames...)
	case 8:
		if g.r.Intn(2) == 0 {
			return q + "sourceIPAddress = " + g.str(genIPs...)
		}
		return q + "sourceIPAddress" + g.pick(" IN ", " NOT IN ") + g.list(genIPs...)
	case 9:
		return q + "userIdentity.arn" + g.pick(" LIKE ", " NOT LIKE ") + g.str("%user/mallory%", "%:23%", "%assumed-role%")
	case 10:
		return q + "recipientAccountId = " + g.str(genAccounts...)
	case 11:
		v := g.str(sgOpen, bucketPub, "trailsql-logs-archive", "nothing-like-this-1", "true", "{}")
		if g.r.Intn(2) == 0 {
			return "element_at(" + q + "requestParameters, " + g.str("groupId", "bucketName", "x") + ") = " + v
		}
		return q + g.pick("requestParameters", "responseElements") + "[" + g.str("groupId", "bucketName") + "] = " + v
	default:
		return "CASE WHEN " + g.leaf() + " THEN " + g.pick("true", "false") + " ELSE " + g.pick("true", "false", "NULL") + " END"
	}
}

func (g *lakeGen) expr(depth int) string {
	if depth <= 0 || g.r.Intn(3) == 0 {
		return g.leaf()
	}
	switch g.r.Intn(5) {
	case 0, 1:
		return "(" + g.expr(depth-1) + " OR " + g.expr(depth-1) + ")"
	case 2, 3:
		return "(" + g.expr(depth-1) + " AND " + g.expr(depth-1) + ")"
	default:
		return "NOT (" + g.expr(depth-1) + ")"
	}
}

// TestLakePruneProperty runs random Lake WHERE trees (eventTime compared
// with the files' own boundary times as strings, TIMESTAMP and DATE
// literals; awsRegion; indexed columns; AND/OR/NOT), some of them with
// ORDER BY eventTime ... LIMIT (top-N), with and without pruning on the
// three layouts: the rows must be the same.
func TestLakePruneProperty(t *testing.T) {
	n := 100
	if testing.Short() {
		n = 40
	}
	for li, layout := range layouts {
		t.Run(layout, func(t *testing.T) {
			pruned, full, total := prunedAndFull(t, layout)
			pruned.topBatch = 1
			g := &lakeGen{whereGen: whereGen{r: rand.New(rand.NewSource(int64(111 + li)))}}
			g.stamps = []string{"2019-02-24", "2019-09-29", "2019-09-30 10:20:00", "2019-10-01", "2019-10-02T00:00:00", "2020-01-01"}
			add := func(us int64) {
				for _, d := range []int64{-1, 0, 1, 1_000_000} {
					t := time.UnixMicro(us + d).UTC()
					g.stamps = append(g.stamps, t.Format("2006-01-02 15:04:05.999999"), t.Format("2006-01-02T15:04:05"))
				}
			}
			for _, f := range pruned.snapshot().files {
				if s := f.sum; s != nil && s.Stamped > 0 {
					add(s.MinStamp)
					add(s.MaxStamp)
					for _, p := range s.Parts {
						add(p.MinStamp)
						add(p.MaxStamp)
					}
				}
			}
			fewer := 0
			for range n {
				g.qual = ""
				from := "$EDS_ID"
				if g.r.Intn(3) == 0 {
					from, g.qual = "$EDS_ID e", "e."
				}
				var q string
				switch g.r.Intn(4) {
				case 0, 1:
					q = fmt.Sprintf("SELECT %seventID, %seventTime FROM %s WHERE %s ORDER BY 1", g.qual, g.qual, from, g.expr(3))
				case 2:
					// Top-N: the probes run the WHERE clause over Lake's view.
					q = fmt.Sprintf("SELECT %seventID, %seventTime FROM %s WHERE %s ORDER BY %seventTime%s, %seventID LIMIT %d",
						g.qual, g.qual, from, g.expr(2), g.qual, g.pick("", " DESC", " ASC"), g.qual, 1+g.r.Intn(6))
				default:
					q = fmt.Sprintf("SELECT %seventID, %seventTime FROM %s ORDER BY %seventTime%s, %seventID LIMIT %d",
						g.qual, g.qual, from, g.qual, g.pick("", " DESC"), g.qual, 1+g.r.Intn(20))
				}
				want := mustQuery(t, full, q)
				got := mustQuery(t, pruned, q)
				if !reflect.DeepEqual(got.Rows, want.Rows) {
					t.Fatalf("%s\npruned: %v\n  full: %v", q, got.Rows, want.Rows)
				}
				if got.Stats.Files < total {
					fewer++
				}
			}
			t.Logf("%d Lake queries: %d read fewer than %d files", n, fewer, total)
			if fewer < n/4 {
				t.Errorf("only %d of %d queries read fewer files", fewer, n)
			}
		})
	}
}

// TestLakePruneBoundaries compares eventTime with each file's (and each
// part's) least and greatest time (24 of them), with every operator,
// pruned and not: the counts must be the same.
func TestLakePruneBoundaries(t *testing.T) {
	for _, layout := range layouts[:2] {
		t.Run(layout, func(t *testing.T) {
			pruned, full, total := prunedAndFull(t, layout)
			seen := map[int64]bool{}
			var stamps []int64
			for _, f := range pruned.snapshot().files {
				if s := f.sum; s != nil && s.Stamped > 0 {
					us := []int64{s.MinStamp, s.MaxStamp}
					for _, p := range s.Parts {
						us = append(us, p.MinStamp, p.MaxStamp)
					}
					for _, u := range us {
						if !seen[u] {
							seen[u] = true
							stamps = append(stamps, u)
						}
					}
				}
			}
			// A sample of them, the same on every run (each query takes a
			// tenth of a second).
			r := rand.New(rand.NewSource(7))
			r.Shuffle(len(stamps), func(i, j int) { stamps[i], stamps[j] = stamps[j], stamps[i] })
			stamps = stamps[:min(len(stamps), 24)]
			fewer := 0
			for _, us := range stamps {
				lit := time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05.999999")
				for _, op := range []string{"=", "<>", "<", "<=", ">", ">="} {
					q := "SELECT count(*) FROM $EDS_ID WHERE eventTime " + op + " " + quoteString(lit)
					want := mustQuery(t, full, q)
					got := mustQuery(t, pruned, q)
					if !reflect.DeepEqual(got.Rows, want.Rows) {
						t.Fatalf("%s: pruned %v, full %v", q, got.Rows, want.Rows)
					}
					if got.Stats.Files < total {
						fewer++
					}
				}
			}
			t.Logf("%d boundary times, %d of %d queries read fewer than %d files", len(stamps), fewer, 6*len(stamps), total)
			if fewer == 0 {
				t.Error("no query read fewer files")
			}
		})
	}
}

// lakePredString writes a pred of Lake's view for TestLakePred.
func lakePredString(n *pred) string {
	switch n.kind {
	case predAnd, predOr, predNot:
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			parts[i] = lakePredString(k)
		}
		return [...]string{predAnd: "and", predOr: "or", predNot: "not"}[n.kind] + "(" + strings.Join(parts, ", ") + ")"
	case predLakeTime:
		return "time " + n.cond.op + " " + time.UnixMicro(n.stamp).UTC().Format(time.RFC3339Nano)
	case predLakeRegion:
		return "region " + n.cond.op + " " + strings.Join(n.cond.values, " ")
	case predToken:
		return "token " + n.cond.column + " " + n.cond.op + " " + strings.Join(n.cond.values, " ")
	case predAny:
		return "*"
	}
	return fmt.Sprintf("kind %d", n.kind)
}

// TestLakePred checks how the analysis reads WHERE clauses of Lake's view.
func TestLakePred(t *testing.T) {
	f := func(where, want string) {
		t.Helper()
		p, err := parseSQL("SELECT eventID FROM $EDS_ID WHERE " + where)
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := translateMarked(p.text, TranslateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.refs) != 1 || !m.refs[0].lake || !m.refs[0].use {
			t.Fatalf("%s: refs %v", where, m.refs)
		}
		if got := lakePredString(m.refs[0].where); got != want {
			t.Errorf("%s:\n got %s\nwant %s", where, got, want)
		}
	}
	f("eventTime > '2019-09-30 00:00:00'", "time > 2019-09-30T00:00:00Z")
	f("'2019-09-30' <= eventTime", "time >= 2019-09-30T00:00:00Z")
	f("eventTime < TIMESTAMP '2019-09-30 01:02:03.5'", "time < 2019-09-30T01:02:03.5Z")
	f("eventTime > '2019-09-30T00:00:00Z'", "*")
	f("eventTime > from_iso8601_timestamp('2019-09-30T00:00:00Z')", "*")
	f("NOT (eventTime BETWEEN DATE '2019-09-30' AND '2019-10-01 00:00:00')", "not(and(time >= 2019-09-30T00:00:00Z, time <= 2019-10-01T00:00:00Z))")
	f("awsRegion IN ('us-east-1', 'eu-west-1') OR awsRegion = 'x'", "or(region in us-east-1 eu-west-1, region = x)")
	f("awsRegion <> 'us-east-1'", "*")
	f("element_at(requestParameters, 'bucketName') = 'b1'", "token requestparameters json= b1")
	f("requestParameters['bucketName'] = 'b1' AND responseElements['x'] = '{\"a\":1}'", "and(token requestparameters json= b1, *)")
	f("element_at(requestParameters, 'n') = '5' OR element_at(additionalEventData, 'x') = 'true'", "or(*, *)")
	f("sourceIPAddress IN ('1.2.3.4') AND userIdentity.arn LIKE '%user/mallory%'", "and(token sourceipaddress in 1.2.3.4, token useridentity.arn like %user/mallory%)")
	f("recipientAccountId = '111122223333'", "token recipientaccountid = 111122223333")
	f("eventName = 'GetObject'", "*")
	f("userIdentity.sessionContext.attributes.creationDate > '2019-09-30'", "*")
	f("CASE WHEN eventTime > '2019-09-30' THEN true END", "*")
}

// FuzzLakePrune is FuzzPrune's check for Lake queries: any query is
// analysed without panics, and when it runs, pruning does not change its
// rows.
func FuzzLakePrune(f *testing.F) {
	for _, s := range []string{
		"SELECT eventID FROM $EDS_ID WHERE eventTime >= '2019-09-30 00:00:00' OR awsRegion = 'eu-west-1' ORDER BY 1",
		"SELECT eventID FROM 0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d e WHERE NOT (e.eventTime BETWEEN DATE '2019-09-29' AND TIMESTAMP '2019-09-30 10:20:00') ORDER BY 1",
		"SELECT eventID FROM $EDS_ID WHERE element_at(requestParameters, 'bucketName') = '" + bucketPub + "' OR requestParameters['groupId'] = '" + sgOpen + "' ORDER BY 1",
		"SELECT eventTime, eventID FROM $EDS_ID WHERE sourceIPAddress IN ('1.2.3.4') ORDER BY eventTime DESC, eventID LIMIT 3",
	} {
		f.Add(s)
	}
	var pruned, full *Engine
	f.Fuzz(func(t *testing.T, sql string) {
		p, err := parseSQL(sql)
		if err != nil || !strings.Contains(p.text, lakeView) {
			return
		}
		if _, _, err := translateMarked(p.text, TranslateOptions{}); err != nil {
			return
		}
		if pruned == nil {
			pruned, full = fuzzEngines(t)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		want, err := full.Query(ctx, sql)
		if err != nil {
			return
		}
		got, err := pruned.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: pruned query failed: %v", sql, err)
		}
		if strings.Contains(strings.ToUpper(sql), "LIMIT") {
			if len(got.Rows) != len(want.Rows) {
				t.Fatalf("%s: pruned %d rows, full %d", sql, len(got.Rows), len(want.Rows))
			}
			return
		}
		if a, b := sortedRows(got.Rows), sortedRows(want.Rows); !reflect.DeepEqual(a, b) {
			t.Fatalf("%s\npruned: %v\n  full: %v", sql, a, b)
		}
	})
}
