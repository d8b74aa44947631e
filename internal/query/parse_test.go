package query

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
)

func columnNames(r *Result) string {
	names := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ",")
}

// TestParseFirst checks that Engine.Query parses the SQL before anything
// else: syntax errors carry the line and column and show the line, and
// statements that are not queries keep their messages.
func TestParseFirst(t *testing.T) {
	e, _, _ := openFixture(t)
	syntax := func(sql, want, ctxLine string) {
		t.Helper()
		_, err := e.Query(context.Background(), sql)
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", sql, err, want)
			return
		}
		if got, ok := SyntaxContext(err); !ok || got != ctxLine {
			t.Errorf("%q: context\n%s\nwant\n%s", sql, got, ctxLine)
		}
	}
	syntax("SELECT eventname FROM cloudtrail WHERE eventname IN ('CreateUser'\n'DeleteUser')",
		"syntax error at line 2, column 1: unexpected string 'DeleteUser' right after string 'CreateUser': adjacent string literals are not joined; write 'CreateUser' || 'DeleteUser', or separate list items with commas",
		"  'DeleteUser')\n  ^")
	syntax("SELECT count(*)\nFROM cloudtrail\nWHERE eventname = = 'x'",
		"syntax error at line 3, column 19: unexpected '=', expected an expression",
		"  WHERE eventname = = 'x'\n                    ^")
	syntax("SELECT `eventname` FROM cloudtrail", "syntax error at line 1, column 8: unexpected character '`'", "  SELECT `eventname` FROM cloudtrail\n         ^")

	refused := func(sql, want string, unsupported bool) {
		t.Helper()
		_, err := e.Query(context.Background(), sql)
		if err == nil || !strings.Contains(err.Error(), want) || IsUnsupported(err) != unsupported || !IsUnsupported(err) && !IsRefused(err) {
			t.Errorf("%q: %v, want a refusal (unsupported: %v) saying %q", sql, err, unsupported, want)
		}
		if _, ok := SyntaxContext(err); ok {
			t.Errorf("%q: a syntax error", sql)
		}
	}
	refused("MSCK REPAIR TABLE cloudtrail", "MSCK REPAIR TABLE is not supported by trailsql; it is not needed: the tables are built in", true)
	refused("ALTER TABLE cloudtrail ADD PARTITION (year = '2019')", "ALTER TABLE is not supported by trailsql; it is not needed", true)
	refused("UNLOAD (SELECT 1) TO 's3://b/x/' WITH (format = 'JSON')", "UNLOAD is not allowed: trailsql queries only read the lake; to save a result use 'trailsql query --format csv|json --output FILE'", false)
	refused("INSERT INTO cloudtrail SELECT * FROM cloudtrail", "INSERT INTO is not allowed: trailsql queries only read the lake", false)
	refused("CREATE EXTERNAL TABLE t (a string) LOCATION 's3://b/'", "CREATE EXTERNAL is not allowed: trailsql queries only read the lake; to save a result use 'trailsql query --format csv|json --output FILE'; the tables are built in", false)
	refused("-- a note\nSELECT 1; SELECT 2", "more than one statement is not allowed: run one query at a time", false)
}

// TestOutputNames checks that result columns are named as in Athena:
// lower case, quoted aliases too, and _col<i> for unnamed expressions.
func TestOutputNames(t *testing.T) {
	e, _, _ := openFixture(t)
	f := func(sql, want string) {
		t.Helper()
		if got := columnNames(mustQuery(t, e, sql)); got != want {
			t.Errorf("%s\n got %s\nwant %s", sql, got, want)
		}
	}
	f("SELECT EventName, COUNT(*) AS Total FROM cloudtrail GROUP BY 1", "eventname,total")
	f(`SELECT EventName AS "EventName", COUNT(*) "Total" FROM cloudtrail GROUP BY 1`, "eventname,total")
	f("SELECT useridentity.UserName, 1 + 1, count(*), true, -1, 'x' FROM cloudtrail GROUP BY 1", "username,_col1,_col2,_col3,_col4,_col5")
	f(`SELECT "$path", eventName FROM cloudtrail LIMIT 1`, "$path,eventname")
	f("SELECT EventName AS A FROM cloudtrail UNION SELECT EventSource AS B FROM cloudtrail", "a")
	f("SELECT * FROM (SELECT EventName AS Name, count(*) FROM cloudtrail GROUP BY 1)", "name,_col1")
	f("SELECT * FROM (VALUES (1, 'a')) AS t(X, Y)", "x,y")
	f("SHOW COLUMNS FROM cloudtrail", "field")
}

// TestSelectStar checks that * over a lake table is the documented Athena
// table's columns, without trailsql's helper columns, which stay
// selectable by name.
func TestSelectStar(t *testing.T) {
	e, evs, _ := openFixture(t)
	athena := strings.Join(athenaColumns(), ",")
	if !strings.HasPrefix(athena, "eventversion,useridentity,eventtime,") || !strings.HasSuffix(athena, ",account,region,year,month,day") {
		t.Fatalf("athenaColumns() = %s", athena)
	}
	for _, h := range []string{"eventtimestamp", "_raw", "_object", "_extra", "_nulls", "_fp", "_hash"} {
		if slices.Contains(athenaColumns(), h) {
			t.Errorf("athenaColumns() has %s", h)
		}
	}
	twice := athena + "," + athena
	f := func(sql, want string) {
		t.Helper()
		if got := columnNames(mustQuery(t, e, sql)); got != want {
			t.Errorf("%s\n got %s\nwant %s", sql, got, want)
		}
	}
	f("SELECT * FROM cloudtrail LIMIT 1", athena)
	f("SELECT * FROM cloudtrail_logs WHERE year = '2019' LIMIT 1", athena)
	f("SELECT * FROM awsdatacatalog.default.cloudtrail_111122223333 LIMIT 1", athena)
	f("SELECT c.* FROM cloudtrail AS c LIMIT 1", athena)
	f("SELECT *, 1 AS one FROM cloudtrail LIMIT 1", athena+",one")
	f("SELECT * FROM (SELECT * FROM cloudtrail) LIMIT 1", athena)
	f("SELECT * FROM cloudtrail a JOIN cloudtrail_logs b ON a.eventid = b.eventid LIMIT 1", twice)
	f("SELECT * FROM cloudtrail a CROSS JOIN (SELECT 1 AS one) AS o LIMIT 1", athena+",one")
	f("SELECT b.* FROM (SELECT 1 AS one) AS a, cloudtrail AS b LIMIT 1", athena)
	f("SELECT count(*) FROM cloudtrail", "_col0")
	f("SELECT _raw, eventtimestamp, _object FROM cloudtrail LIMIT 1", "_raw,eventtimestamp,_object")
	f("SELECT * FROM (SELECT _object, eventid FROM cloudtrail) LIMIT 1", "_object,eventid")
	f("SELECT * FROM logs LIMIT 1", "object,records")
	f("WITH cloudtrail AS (SELECT 1 AS x) SELECT * FROM cloudtrail", "x")
	// The answer is the table's, column for column.
	r := mustQuery(t, e, "SELECT * FROM cloudtrail WHERE eventname = 'CreateUser' ORDER BY eventid")
	want := 0
	for _, ev := range evs {
		if ev.Name == "CreateUser" {
			want++
		}
	}
	if len(r.Rows) != want || want == 0 {
		t.Errorf("SELECT * ... CreateUser: %d rows, want %d", len(r.Rows), want)
	}
}

// TestSelectStarText checks the rewrite itself: what is expanded and what
// is left alone.
func TestSelectStarText(t *testing.T) {
	f := func(sql, want string) {
		t.Helper()
		p, err := parseSQL(sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		got := strings.ReplaceAll(p.text, strings.Join(athenaColumns(), ", "), "<cols>")
		got = strings.ReplaceAll(got, "a."+strings.Join(athenaColumns(), ", a."), "<a.cols>")
		if got != want {
			t.Errorf("%s\n got %s\nwant %s", sql, got, want)
		}
	}
	f("SELECT * FROM cloudtrail", "SELECT <cols> FROM cloudtrail")
	f("SELECT a.* FROM cloudtrail a, logs l", "SELECT <a.cols> FROM cloudtrail AS a, logs AS l")
	f("SELECT * FROM cloudtrail a, logs l", "SELECT <a.cols>, l.* FROM cloudtrail AS a, logs AS l")
	f("SELECT * FROM cloudtrail, UNNEST(resources)", "SELECT * FROM cloudtrail, UNNEST(resources)")
	f("SELECT * FROM cloudtrail AS c(a, b)", "SELECT * FROM cloudtrail AS c(a, b)")
	f("SELECT * FROM logs CROSS JOIN UNNEST(records) AS t(record)", "SELECT * FROM logs CROSS JOIN UNNEST(records) AS t(record)")
	f("SELECT count(*) FROM cloudtrail", "SELECT count(*) FROM cloudtrail")
	f("SELECT * FROM cloudtrail a JOIN cloudtrail b USING (eventid)", "SELECT * FROM cloudtrail AS a JOIN cloudtrail AS b USING (eventid)")
	f("WITH c AS (SELECT * FROM cloudtrail) SELECT * FROM c", "WITH c AS (SELECT <cols> FROM cloudtrail) SELECT * FROM c")
	f("SELECT x FROM cloudtrail WHERE eventid IN (SELECT * FROM cloudtrail)", "SELECT x FROM cloudtrail WHERE eventid IN (SELECT <cols> FROM cloudtrail)")
	f("EXPLAIN SELECT * FROM cloudtrail", "EXPLAIN SELECT <cols> FROM cloudtrail")
	// A nested * keeps the helper columns the statement names (the built-in
	// reports read sg.eventtimestamp); the outermost never does.
	f("WITH sg AS (SELECT * FROM cloudtrail) SELECT * FROM sg WHERE sg.eventtimestamp > _object",
		"WITH sg AS (SELECT <cols>, eventtimestamp, _object FROM cloudtrail) SELECT * FROM sg WHERE sg.eventtimestamp > _object")
	f("SELECT * FROM cloudtrail ORDER BY eventtimestamp", "SELECT <cols> FROM cloudtrail ORDER BY eventtimestamp")
}

// TestOrderByAlias checks that an ORDER BY name that is an output alias
// means the output column, as in Trino, even when the table has a column
// of that name; and that top-N pruning then does not take it for the
// table's eventtime.
func TestOrderByAlias(t *testing.T) {
	f := func(sql, want string) {
		t.Helper()
		p, err := parseSQL(sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if p.text != want {
			t.Errorf("%s\n got %s\nwant %s", sql, p.text, want)
		}
	}
	f("SELECT sourceipaddress AS eventtime FROM cloudtrail ORDER BY eventtime LIMIT 2",
		"SELECT sourceipaddress AS eventtime FROM cloudtrail ORDER BY 1 LIMIT 2")
	f("SELECT eventtime AS eventtime FROM cloudtrail ORDER BY eventtime LIMIT 2",
		"SELECT eventtime AS eventtime FROM cloudtrail ORDER BY eventtime LIMIT 2")
	f("SELECT b AS a FROM t ORDER BY a + 0, t.a, (SELECT a FROM u)",
		"SELECT b AS a FROM t ORDER BY b + 0, t.a, (SELECT a FROM u)")
	f("SELECT x + 1 AS a FROM t ORDER BY a * 2 DESC",
		"SELECT x + 1 AS a FROM t ORDER BY (x + 1) * 2 DESC")

	// DuckDB agrees with Trino on the answers.
	for _, layout := range layouts {
		t.Run(layout, func(t *testing.T) {
			pruned, full, _ := prunedAndFull(t, layout)
			_, evs, _ := openFixture(t)
			var ips []string
			for _, ev := range evs {
				if ev.IP != "" { // NULL: last either way
					ips = append(ips, ev.IP)
				}
			}
			sort.Strings(ips)
			for _, e := range []*Engine{pruned, full} {
				r := mustQuery(t, e, "SELECT sourceipaddress AS eventtime FROM cloudtrail ORDER BY eventtime LIMIT 2")
				if got := resultRows(r); len(got) != 2 || got[0][0] != ips[0] || got[1][0] != ips[1] {
					t.Errorf("ORDER BY the alias eventtime: %v, want %v", got, ips[:2])
				}
				r = mustQuery(t, e, "SELECT sourceipaddress AS eventtime FROM cloudtrail ORDER BY eventtime DESC LIMIT 1")
				if got := resultRows(r); len(got) != 1 || got[0][0] != ips[len(ips)-1] {
					t.Errorf("ORDER BY the alias eventtime DESC: %v, want %v", got, ips[len(ips)-1])
				}
			}
			r := mustQuery(t, full, "SELECT b AS a FROM (VALUES (1, 2), (3, 1)) AS t(a, b) ORDER BY a + 0")
			if got := resultRows(r); len(got) != 2 || got[0][0] != "1" || got[1][0] != "2" {
				t.Errorf("ORDER BY a + 0 over the alias a: %v, want [[1] [2]]", got)
			}
		})
	}
}

// TestCorrelatedQualifiers checks that a.col after IS DISTINCT FROM keeps
// its qualifier (it once lost it, taken for a table after FROM, and the
// correlated subquery compared b's column with itself).
func TestCorrelatedQualifiers(t *testing.T) {
	e, evs, _ := openFixture(t)
	want := 0
	for _, a := range evs {
		if a.Name != "CreateUser" || a.User.UserName == "" {
			continue
		}
		for _, b := range evs {
			if b.User.UserName == a.User.UserName && b.Name != a.Name {
				want++
				break
			}
		}
	}
	if want == 0 {
		t.Fatal("the fixture has no CreateUser by a user who did anything else")
	}
	r := mustQuery(t, e, `SELECT count(*) FROM cloudtrail a WHERE a.eventname = 'CreateUser' AND EXISTS (SELECT 1 FROM cloudtrail b WHERE b.useridentity.username = a.useridentity.username AND b.eventname IS DISTINCT FROM a.eventname)`)
	if got := resultRows(r); got[0][0] != itoa(want) {
		t.Errorf("count = %v, want %d", got, want)
	}
	r = mustQuery(t, e, `SELECT count(*) FROM cloudtrail a WHERE a.eventname = 'CreateUser' AND NOT EXISTS (SELECT 1 FROM cloudtrail b WHERE b.eventid = a.eventid AND b.eventname IS NOT DISTINCT FROM a.eventname)`)
	if got := resultRows(r); got[0][0] != "0" {
		t.Errorf("NOT EXISTS with IS NOT DISTINCT FROM: %v, want 0", got)
	}
}

// BenchmarkParseSQL measures what parsing first adds to a query: the
// parse, the passes over the tree and the print (well under a millisecond;
// the budget is 5 ms).
func BenchmarkParseSQL(b *testing.B) {
	const sql = `SELECT useridentity.arn, errorcode, count(*) AS Count FROM awsdatacatalog.default.cloudtrail
		WHERE year = '2019' AND month = '09' AND day = '30' AND errorcode != '' AND eventname IN ('A', 'B')
		AND EXISTS (SELECT * FROM cloudtrail b WHERE b.eventid = cloudtrail.eventid)
		GROUP BY errorcode, useridentity.arn ORDER BY Count DESC LIMIT 50`
	b.ReportAllocs()
	b.SetBytes(int64(len(sql)))
	for b.Loop() {
		if _, err := parseSQL(sql); err != nil {
			b.Fatal(err)
		}
	}
}
