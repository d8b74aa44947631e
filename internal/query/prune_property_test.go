package query

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// whereGen generates random WHERE clauses over the fixture's values: AND,
// OR and NOT trees of the conditions pruning reads (partitions, the AWS
// tables' partition columns, =, IN, LIKE and json_extract_scalar on
// indexed columns) and of conditions it does not (CASE, functions).
type whereGen struct {
	r    *rand.Rand
	qual string // the table's qualifier in column names ("" or "t.")
	// times are the eventtime strings compared with: genTimes, and the
	// least and greatest eventtime of each file of the lake, so that
	// every file's boundaries are tested.
	times []string
}

func (g *whereGen) pick(vs ...string) string { return vs[g.r.Intn(len(vs))] }

func (g *whereGen) str(vs ...string) string { return quoteString(g.pick(vs...)) }

func (g *whereGen) list(vs ...string) string {
	n := 1 + g.r.Intn(3)
	out := make([]string, n)
	for i := range out {
		out[i] = g.str(vs...)
	}
	return "(" + strings.Join(out, ", ") + ")"
}

var (
	genAccounts = []string{acctProd, acctDev, "999988887777"}
	genRegions  = []string{"us-east-1", "eu-west-1", "us-west-2", "ap-south-1"}
	genDays     = []string{"24", "25", "28", "29", "30", "01", "02"}
	genMonths   = []string{"02", "09", "10", "11"}
	genDates    = []string{"2019/02/24", "2019/09/28", "2019/09/29", "2019/09/30", "2019/10/01", "2019/10/02", "2019/09", "2019/1", "2020/01/01", "2019/09/29x"}
	genIPs      = []string{"1.2.3.4", "203.0.113.99", "198.51.100.7", "10.0.0.1"}
	genLikes    = []string{"%" + sgOpen + "%", "%" + bucketPub + "%", "%user/mallory%", "%sg-ffffffffffffffff0%", "%ANONYMOUS%", "%:23%"}
	// genTimes are eventtime strings: days, and the very times of events
	// (so that the boundaries are tested).
	genTimes = []string{"2019", "2019-09-30", "2019-09-29T22:00:00Z", "2019-09-30T10:20:00Z", "2019-09-30T11:00:00Z", "2019-10-01", "2019-10-01T01:00:00Z", "2019-10-02", "2020"}
	genNames = []string{"GetObject", "CreateUser", "AssumeRole", "ConsoleLogin", "RunInstances"}
)

func (g *whereGen) leaf() string {
	q := g.qual
	switch g.r.Intn(18) {
	case 0:
		return g.pick(q+"account", q+"account_partition") + " = " + g.str(genAccounts...)
	case 1:
		return g.pick(q+"region", q+"region_partition") + " IN " + g.list(genRegions...)
	case 2:
		return q + "day" + g.pick(" = ", " <> ", " >= ", " < ") + g.str(genDays...)
	case 3:
		return q + "month" + g.pick(" = ", " <= ", " > ") + g.str(genMonths...)
	case 4:
		return g.pick(q+"timestamp", q+"date_partition") + g.pick(" = ", " <> ", " < ", " <= ", " > ", " >= ") + g.str(genDates...)
	case 5:
		return g.pick(q+"timestamp", q+"date_partition") + g.pick(" BETWEEN ", " NOT BETWEEN ") + g.str(genDates...) + " AND " + g.str(genDates...)
	case 6:
		return g.str(genDates...) + g.pick(" = ", " < ", " >= ") + g.pick(q+"timestamp", q+"date_partition")
	case 7:
		return q + "sourceipaddress = " + g.str(genIPs...)
	case 8:
		return q + "sourceipaddress" + g.pick(" IN ", " NOT IN ") + g.list(genIPs...)
	case 9:
		return g.pick(q+"requestparameters", q+"useridentity.arn", q+"responseelements") + g.pick(" LIKE ", " NOT LIKE ") + g.str(genLikes...)
	case 10:
		return "json_extract_scalar(" + q + "requestparameters, " + g.str("$.groupId", "$.bucketName") + ") = " + g.str(sgOpen, bucketPub, "trailsql-logs-archive", "nothing-like-this-1")
	case 11:
		return q + "eventname = " + g.str(genNames...)
	case 12:
		return "CASE WHEN " + g.leaf() + " THEN " + g.pick("true", "false") + " ELSE " + g.pick("true", "false", "NULL") + " END"
	case 13:
		return "lower(" + q + "eventname) = " + g.str("getobject", "createuser")
	case 14:
		return q + "errorcode IS " + g.pick("", "NOT ") + "NULL"
	case 15:
		return g.pick(q+"eventtime"+g.pick(" = ", " <> ", " < ", " <= ", " > ", " >= ")+g.str(g.times...),
			g.str(g.times...)+g.pick(" < ", " >= ")+q+"eventtime")
	case 16:
		return q + "eventtime" + g.pick(" BETWEEN ", " NOT BETWEEN ") + g.str(g.times...) + " AND " + g.str(g.times...)
	default:
		return q + "useridentity.accesskeyid = " + g.str("AKIAMALLORY000000004", "AKIAIOSFODNN7EXAMPLE", "AKIANOSUCHKEY0000000")
	}
}

func (g *whereGen) expr(depth int) string {
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

// query returns a random query over a lake table with a random WHERE
// clause, its rows in a settled order, and whether it has an OR.
func (g *whereGen) query() string {
	table := g.pick("cloudtrail", "cloudtrail_logs", "cloudtrail_"+acctDev)
	g.qual = ""
	from := table
	if g.r.Intn(3) == 0 {
		from, g.qual = table+" t", "t."
	}
	where := g.expr(3)
	if g.r.Intn(2) == 0 {
		dir := g.pick("", " DESC")
		return fmt.Sprintf("SELECT %seventid, %seventtime FROM %s WHERE %s ORDER BY %seventtime%s, %seventid LIMIT %d",
			g.qual, g.qual, from, where, g.qual, dir, g.qual, 1+g.r.Intn(6))
	}
	return fmt.Sprintf("SELECT %seventid FROM %s WHERE %s ORDER BY 1", g.qual, from, where)
}

// TestPruneProperty runs random WHERE trees with and without pruning on
// the three layouts: the rows must be the same.
func TestPruneProperty(t *testing.T) {
	n := 100
	if testing.Short() {
		n = 40
	}
	for li, layout := range layouts {
		t.Run(layout, func(t *testing.T) {
			pruned, full, total := prunedAndFull(t, layout)
			pruned.topBatch = 1
			g := &whereGen{r: rand.New(rand.NewSource(int64(11 + li))), times: genTimes}
			for _, f := range pruned.snapshot().files {
				if f.sum != nil && f.sum.Timed > 0 {
					g.times = append(g.times, f.sum.MinTime, f.sum.MaxTime)
				}
			}
			fewer, ors, orFewer := 0, 0, 0
			start := time.Now()
			for range n {
				q := g.query()
				want := mustQuery(t, full, q)
				got := mustQuery(t, pruned, q)
				if !reflect.DeepEqual(got.Rows, want.Rows) {
					t.Fatalf("%s\npruned: %v\n  full: %v", q, got.Rows, want.Rows)
				}
				or := strings.Contains(q, " OR ")
				if or {
					ors++
				}
				if got.Stats.Files < total {
					fewer++
					if or {
						orFewer++
					}
				}
			}
			t.Logf("%d queries in %s: %d read fewer than %d files; %d of %d with OR did", n, time.Since(start).Round(time.Millisecond), fewer, total, orFewer, ors)
			if fewer == 0 || orFewer == 0 {
				t.Errorf("pruning left out files in %d queries (%d with OR)", fewer, orFewer)
			}
		})
	}
}

// FuzzPrune checks that any query is analysed without panics, and that
// when it runs, pruning does not change its rows.
func FuzzPrune(f *testing.F) {
	for _, s := range []string{
		"SELECT eventid FROM cloudtrail WHERE requestparameters LIKE '%" + sgOpen + "%' OR sourceipaddress = '1.2.3.4' ORDER BY 1",
		"SELECT eventid FROM cloudtrail_logs l WHERE NOT (l.account = '" + acctDev + "' AND l.timestamp >= '2019/09/30') ORDER BY 1",
		"SELECT eventid, eventtime FROM cloudtrail WHERE date_partition BETWEEN '2019/09/29' AND '2019/09/30' OR region_partition IN ('eu-west-1') ORDER BY eventtime DESC, eventid LIMIT 3",
		"SELECT count(*) FROM cloudtrail WHERE CASE WHEN account_partition = '" + acctProd + "' THEN true END",
		"WITH x AS (SELECT * FROM cloudtrail WHERE year = '2019' OR json_extract_scalar(requestparameters, '$.bucketName') = '" + bucketPub + "') SELECT count(*) FROM x",
		"SELECT record.eventID FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.eventSource = 's3.amazonaws.com' ORDER BY record.eventTime DESC, record.eventID LIMIT 3",
	} {
		f.Add(s)
	}
	var pruned, full *Engine
	f.Fuzz(func(t *testing.T, sql string) {
		p, err := parseSQL(sql)
		if err != nil {
			return
		}
		if _, _, err := translateMarked(p.text, TranslateOptions{}); err != nil {
			return
		}
		if pruned == nil {
			// One small lake for the whole run, kept after this input's
			// test ends (the fuzzer's own folder would be removed).
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
		// Without a settled order the rows may come in another order, and
		// with LIMIT they may be other rows: compare what must agree.
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

// fuzzEngines opens the fixture's lake with and without pruning, in a
// folder of its own that outlives t.
func fuzzEngines(t *testing.T) (pruned, full *Engine) {
	dir, _ := fixtureLake(&keepDirs{T: t})
	opts := Options{Now: func() time.Time { return fixtureNow }, Timeout: 5 * time.Second}
	var err error
	if pruned, err = Open(context.Background(), dir, opts); err != nil {
		t.Fatal(err)
	}
	if full, err = Open(context.Background(), dir, opts); err != nil {
		t.Fatal(err)
	}
	full.noPrune = true
	return pruned, full
}

// keepDirs is a testing.TB whose temporary folders are not removed when
// the test ends.
type keepDirs struct{ *testing.T }

func (k *keepDirs) TempDir() string {
	d, err := osMkdirTemp()
	if err != nil {
		k.Fatal(err)
	}
	return d
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "trailsql-fuzzprune-") }

// sortedRows returns rows as sorted strings.
func sortedRows(rows [][]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprint(r...)
	}
	slices.Sort(out)
	return out
}
