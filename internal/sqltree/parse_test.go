package sqltree

import (
	"errors"
	"strings"
	"testing"
)

// TestFormat checks the canonical print of statements, and their round
// trip.
func TestFormat(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := roundTrip(t, in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			return
		}
		if got != want {
			t.Errorf("Format(Parse(%q))\n got: %s\nwant: %s", in, got, want)
		}
	}
	f("select 1", "SELECT 1")
	f("-- leading comment\nselect /* inline */ 1 -- trailing", "SELECT 1")
	f("/* leading */ SELECT 1;", "SELECT 1")
	f("select distinct a x, b as \"Y\", t.*, * from t", `SELECT DISTINCT a AS x, b AS "Y", t.*, * FROM t`)
	f("select all a from t", "SELECT a FROM t")
	f(`select "select", "a""b", "year" from "my table"`, `SELECT "select", "a""b", "year" FROM "my table"`)
	f("select x from awsdatacatalog.default.cloudtrail c", "SELECT x FROM awsdatacatalog.default.cloudtrail AS c")
	f("select count(*) from cloudtrail tablesample bernoulli (10)", "SELECT count(*) FROM cloudtrail TABLESAMPLE BERNOULLI (10)")
	f("select count(*) from cloudtrail c tablesample system (2.5) join t on c.a = t.a", "SELECT count(*) FROM cloudtrail AS c TABLESAMPLE SYSTEM (2.5) JOIN t ON c.a = t.a")
	f("select 'it''s', U&'caf\\00E9', X'0A ff', 1.5e3, .5, 1., 007", `SELECT 'it''s', U&'caf\00E9', X'0A ff', 1.5e3, .5, 1., 007`)
	f("select true, false, null, ?, ?", "SELECT TRUE, FALSE, NULL, ?, ?")
	f("select timestamp '2019-09-30 10:00:00', date '2019-09-30', time '10:00', decimal '1.5', double precision '1'",
		"SELECT TIMESTAMP '2019-09-30 10:00:00', DATE '2019-09-30', TIME '10:00', DECIMAL '1.5', DOUBLE '1'")
	f("select interval '7' day, interval - '1' hour, interval '1 10:00:00' day to second, interval '2' year to month",
		"SELECT INTERVAL '7' DAY, INTERVAL -'1' HOUR, INTERVAL '1 10:00:00' DAY TO SECOND, INTERVAL '2' YEAR TO MONTH")
	f("select current_date, current_timestamp, current_time, localtimestamp, localtimestamp(3), current_timestamp(6), current_user",
		"SELECT CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_TIME, LOCALTIMESTAMP, LOCALTIMESTAMP(3), CURRENT_TIMESTAMP(6), CURRENT_USER")
	f("select a.b.c, x[1], x['k'], m['a']['b'].c, (a).b, f(x)[1].y", "SELECT a.b.c, x[1], x['k'], m['a']['b'].c, a.b, f(x)[1].y")
	f("select count(*), count(distinct x), approx_distinct(y), array_agg(x order by y desc, z), count(*) filter (where a > 1)",
		"SELECT count(*), count(DISTINCT x), approx_distinct(y), array_agg(x ORDER BY y DESC, z), count(*) FILTER (WHERE a > 1)")
	f("select listagg(x, ',') within group (order by x) from t", "SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x) FROM t")
	f("select row_number() over (partition by a, b order by c rows between unbounded preceding and current row) from t",
		"SELECT row_number() OVER (PARTITION BY a, b ORDER BY c ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t")
	f("select sum(x) over (range between 1 preceding and unbounded following), lag(x, 1) ignore nulls over (order by t), first_value(x) respect nulls over w from t window w as (partition by a), v as (w order by b groups 2 preceding)",
		"SELECT sum(x) OVER (RANGE BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING), lag(x, 1) IGNORE NULLS OVER (ORDER BY t), first_value(x) RESPECT NULLS OVER w FROM t WINDOW w AS (PARTITION BY a), v AS (w ORDER BY b GROUPS 2 PRECEDING)")
	f("select cast(x as varchar), cast(x as varchar(10)), try_cast(x as decimal(10,2)), cast(x as array(varchar)), cast(x as array<varchar>), cast(x as map(varchar, bigint)), cast(x as map<varchar,array<bigint>>)",
		"SELECT CAST(x AS VARCHAR), CAST(x AS VARCHAR(10)), TRY_CAST(x AS DECIMAL(10, 2)), CAST(x AS ARRAY(VARCHAR)), CAST(x AS ARRAY(VARCHAR)), CAST(x AS MAP(VARCHAR, BIGINT)), CAST(x AS MAP(VARCHAR, ARRAY(BIGINT)))")
	f("select cast(x as row(a varchar, \"b c\" bigint, timestamp timestamp with time zone)), cast(y as timestamp(3) with time zone), cast(z as ipaddress), cast(j as json), cast(d as double precision), cast(i as interval day to second)",
		`SELECT CAST(x AS ROW(a VARCHAR, "b c" BIGINT, timestamp TIMESTAMP WITH TIME ZONE)), CAST(y AS TIMESTAMP(3) WITH TIME ZONE), CAST(z AS IPADDRESS), CAST(j AS JSON), CAST(d AS DOUBLE), CAST(i AS INTERVAL DAY TO SECOND)`)
	f("select case when a = 1 then 'x' when a = 2 then 'y' else 'z' end, case a when 1 then 2 end",
		"SELECT CASE WHEN a = 1 THEN 'x' WHEN a = 2 THEN 'y' ELSE 'z' END, CASE a WHEN 1 THEN 2 END")
	f("select array[1, 2], array[], row(1, 'a'), row(1), (1, 'a'), ((1))", "SELECT ARRAY[1, 2], ARRAY[], (1, 'a'), ROW(1), (1, 'a'), 1")
	f("select extract(year from d), position('a' in s), trim(s), trim(both from s), trim(trailing 'x' from s), trim('x' from s), substring(s from 2), substring(s from 2 for 3), substring(s, 2)",
		"SELECT EXTRACT(YEAR FROM d), position('a' IN s), trim(s), trim(BOTH FROM s), trim(TRAILING 'x' FROM s), trim('x' FROM s), substring(s, 2), substring(s, 2, 3), substring(s, 2)")
	f("select x at time zone 'America/New_York', from_iso8601_timestamp(eventtime) AT TIME ZONE 'UTC' from t",
		"SELECT x AT TIME ZONE 'America/New_York', from_iso8601_timestamp(eventtime) AT TIME ZONE 'UTC' FROM t")
	f("select * from t where x is null and y is not null and a is distinct from b and c is not distinct from d",
		"SELECT * FROM t WHERE x IS NULL AND y IS NOT NULL AND a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d")
	f("select * from t where x between 1 and 2 and y not between 3 and 4 and z in (1, 2) and w not in (select 1) and s like 'a%' and s not like 'a!%' escape '!'",
		"SELECT * FROM t WHERE x BETWEEN 1 AND 2 AND y NOT BETWEEN 3 AND 4 AND z IN (1, 2) AND w NOT IN (SELECT 1) AND s LIKE 'a%' AND s NOT LIKE 'a!%' ESCAPE '!'")
	f("select * from t where exists (select 1 from u where u.a = t.a) and x = (select max(y) from u) and x > all (select y from u) and x = some (select 1)",
		"SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a) AND x = (SELECT max(y) FROM u) AND x > ALL (SELECT y FROM u) AND x = SOME (SELECT 1)")
	f("select a != b, a <> b, a <= b, a >= b, a < b, a > b, a = b", "SELECT a <> b, a <> b, a <= b, a >= b, a < b, a > b, a = b")
	f("select * from a join b on a.x = b.x left join c using (x) left outer join d on true right join e on true full outer join f on true inner join g on true cross join h",
		"SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (x) LEFT JOIN d ON TRUE RIGHT JOIN e ON TRUE FULL JOIN f ON TRUE JOIN g ON TRUE CROSS JOIN h")
	f("select * from a, b x, (select 1) y (c), (select 2) as z, lateral (select 3) w", "SELECT * FROM a, b AS x, (SELECT 1) AS y(c), (SELECT 2) AS z, LATERAL (SELECT 3) AS w")
	f("select * from (a join b on true)", "SELECT * FROM a JOIN b ON TRUE")
	f("select * from (a cross join b) ab", "SELECT * FROM (a CROSS JOIN b) AS ab")
	f("select * from (values (1, 'a'), (2, 'b')) as t (n, s)", "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(n, s)")
	f("with a as (select 1), b (x, y) as (select 1, 2) select * from a, b", "WITH a AS (SELECT 1), b (x, y) AS (SELECT 1, 2) SELECT * FROM a, b")
	f("with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select n from r", "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r")
	f("select a, count(*) from t group by a having count(*) > 1", "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1")
	f("select 1 from t group by all 1, 2", "SELECT 1 FROM t GROUP BY 1, 2")
	f("select 1 from t group by distinct rollup (a, b), cube (c), grouping sets ((a, b), c, ()), ()",
		"SELECT 1 FROM t GROUP BY DISTINCT ROLLUP (a, b), CUBE (c), GROUPING SETS ((a, b), (c), ()), GROUPING SETS (())")
	f("select grouping(a, b) from t group by a, b", "SELECT grouping(a, b) FROM t GROUP BY a, b")
	f("select * from t order by a asc, b desc nulls first, c nulls last offset 10 rows limit 5", "SELECT * FROM t ORDER BY a, b DESC NULLS FIRST, c NULLS LAST OFFSET 10 LIMIT 5")
	f("select * from t limit all", "SELECT * FROM t LIMIT ALL")
	f("select * from t offset 1 row fetch first 3 rows only", "SELECT * FROM t OFFSET 1 FETCH FIRST 3 ROWS ONLY")
	f("select * from t fetch next row with ties", "SELECT * FROM t FETCH FIRST ROWS WITH TIES")
	f("select * from t limit 5 offset 2", "SELECT * FROM t OFFSET 2 LIMIT 5")
	f("select 1 union select 2 union all select 3 except select 4 intersect select 5 intersect distinct select 6",
		"SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 EXCEPT SELECT 4 INTERSECT SELECT 5 INTERSECT SELECT 6")
	f("(select 1 union select 2) intersect select 3", "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3")
	f("select 1 except (select 2 except select 3)", "SELECT 1 EXCEPT (SELECT 2 EXCEPT SELECT 3)")
	f("(select 1 order by 1 limit 1) union all (select 2) order by 1", "(SELECT 1 ORDER BY 1 LIMIT 1) UNION ALL SELECT 2 ORDER BY 1")
	f("((select 1))", "SELECT 1")
	f("select ((select 1) union (select 2))", "SELECT (SELECT 1 UNION SELECT 2)")
	f("values 1, 2", "VALUES (1), (2)")
	f("table cloudtrail", "TABLE cloudtrail")
	f("show tables", "SHOW TABLES")
	f("show tables from default like 'cloud%'", "SHOW TABLES FROM default LIKE 'cloud%'")
	f("show columns in cloudtrail", "SHOW COLUMNS FROM cloudtrail")
	f("show partitions cloudtrail;", "SHOW PARTITIONS cloudtrail")
	f("show create table cloudtrail", "SHOW CREATE TABLE cloudtrail")
	f("show functions like 'json%'", "SHOW FUNCTIONS LIKE 'json%'")
	f("describe default.cloudtrail", "DESCRIBE default.cloudtrail")
	f("explain select 1", "EXPLAIN SELECT 1")
	f("explain analyze select count(*) from cloudtrail", "EXPLAIN ANALYZE SELECT count(*) FROM cloudtrail")
	f("select x from t qualify row_number() over (partition by a) = 1", "SELECT x FROM t QUALIFY row_number() OVER (PARTITION BY a) = 1")
}

// TestKeywordIdentifiers checks that non-reserved keywords name columns,
// tables and aliases, as CloudTrail's year, month, day, region and
// timestamp do, and that reserved words need quotes.
func TestKeywordIdentifiers(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := roundTrip(t, in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			return
		}
		if got != want {
			t.Errorf("Format(Parse(%q))\n got: %s\nwant: %s", in, got, want)
		}
	}
	f("select year, month, day, region, account, timestamp, date, time, position, type, key, value, data, row, array, interval, zone, at, first, last, filter, over, window, limit from t",
		"SELECT year, month, day, region, account, timestamp, date, time, position, type, key, value, data, row, array, interval, zone, at, first, last, filter, over, window, limit FROM t")
	f("select useridentity.type, t.key, t.value, x.row, x.data from cloudtrail t", "SELECT useridentity.type, t.key, t.value, x.row, x.data FROM cloudtrail AS t")
	f("select year(d), date(x), month(d) from t", "SELECT year(d), date(x), month(d) FROM t")
	f("select x date, y year, z timestamp from t", "SELECT x AS date, y AS year, z AS timestamp FROM t")
	f("select * from t year, u as limit", "SELECT * FROM t AS year, u AS limit")
	f("select t.year from t where year = '2019' and month between '01' and '09' and day in ('01') and region like 'us-%'",
		"SELECT t.year FROM t WHERE year = '2019' AND month BETWEEN '01' AND '09' AND day IN ('01') AND region LIKE 'us-%'")
	f("select array[1][1], (array)[1], \"array\"[1], row.x, date 'x', date", `SELECT ARRAY[1][1], (array)[1], "array"[1], row.x, DATE 'x', date`)
	f("select x from t limit 1", "SELECT x FROM t LIMIT 1")
	f("SeLeCt X fRoM T wHeRe A Is NoT nUlL", "SELECT X FROM T WHERE A IS NOT NULL")
	f(`select "from", "group".x, "ORDER" from "select"`, `SELECT "from", "group".x, "ORDER" FROM "select"`)
}

// TestLambdas checks the lambda forms.
func TestLambdas(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := roundTrip(t, in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			return
		}
		if got != want {
			t.Errorf("Format(Parse(%q))\n got: %s\nwant: %s", in, got, want)
		}
	}
	f("select transform(a, x -> x + 1)", "SELECT transform(a, x -> x + 1)")
	f("select filter(a, x -> x is not null and x <> '')", "SELECT filter(a, x -> x IS NOT NULL AND x <> '')")
	f("select reduce(a, 0, (s, x) -> s + x, s -> s)", "SELECT reduce(a, 0, (s, x) -> s + x, s -> s)")
	f("select zip_with(a, b, (x, y) -> (x, y))", "SELECT zip_with(a, b, (x, y) -> (x, y))")
	f("select transform(a, (x) -> x.name)", "SELECT transform(a, x -> x.name)")
	f("select any_match(r, e -> e.type = 'AWS::S3::Object' or e.arn like '%x%')", "SELECT any_match(r, e -> e.type = 'AWS::S3::Object' OR e.arn LIKE '%x%')")
	f("select transform(a, x -> transform(x, y -> y * 2))", "SELECT transform(a, x -> transform(x, y -> y * 2))")
	f("select apply(1, () -> 2)", "SELECT apply(1, () -> 2)")
	f(`select transform(a, "x" -> "x")`, `SELECT transform(a, "x" -> "x")`)
}

// TestUnnest checks the UNNEST forms.
func TestUnnest(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := roundTrip(t, in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			return
		}
		if got != want {
			t.Errorf("Format(Parse(%q))\n got: %s\nwant: %s", in, got, want)
		}
	}
	f("select r from logs cross join unnest(records) as t(r)", "SELECT r FROM logs CROSS JOIN UNNEST(records) AS t(r)")
	f("select r from logs cross join unnest(records) t (r)", "SELECT r FROM logs CROSS JOIN UNNEST(records) AS t(r)")
	f("select * from cloudtrail cross join unnest(resources) as t (arn, accountid, type)", "SELECT * FROM cloudtrail CROSS JOIN UNNEST(resources) AS t(arn, accountid, type)")
	f("select * from unnest(array[1, 2], array['a']) with ordinality as t(n, s, i)", "SELECT * FROM UNNEST(ARRAY[1, 2], ARRAY['a']) WITH ORDINALITY AS t(n, s, i)")
	f("select * from t, unnest(t.a)", "SELECT * FROM t, UNNEST(t.a)")
	f("select * from t left join unnest(t.a) u(x) on true", "SELECT * FROM t LEFT JOIN UNNEST(t.a) AS u(x) ON TRUE")
	f("select * from unnest(map(array['k'], array[1])) as m(key, value)", "SELECT * FROM UNNEST(map(ARRAY['k'], ARRAY[1])) AS m(key, value)")
}

// paren prints e with every operator's operands in parentheses, to show
// how the parser grouped them.
func paren(e Expr) string {
	switch e := e.(type) {
	case *Binary:
		return "(" + paren(e.X) + " " + e.Op + " " + paren(e.Y) + ")"
	case *Unary:
		if e.Op == "NOT" {
			return "(NOT " + paren(e.X) + ")"
		}
		return "(" + e.Op + paren(e.X) + ")"
	case *IsNull:
		return "(" + paren(e.X) + " IS NULL)"
	case *Between:
		return "(" + paren(e.X) + " BETWEEN " + paren(e.Low) + " AND " + paren(e.High) + ")"
	case *Like:
		return "(" + paren(e.X) + " LIKE " + paren(e.Pattern) + ")"
	case *In:
		return "(" + paren(e.X) + " IN ...)"
	case *AtTimeZone:
		return "(" + paren(e.X) + " AT TIME ZONE " + paren(e.Zone) + ")"
	case *Lambda:
		return "(" + e.Params[0].Name + " -> " + paren(e.Body) + ")"
	case *Dereference:
		return paren(e.X) + "." + e.Field.Name
	}
	return Format(e)
}

// TestPrecedence checks how operators group, and that printing keeps the
// grouping with as few parentheses as it needs.
func TestPrecedence(t *testing.T) {
	f := func(in, grouped, printed string) {
		t.Helper()
		e, err := ParseExpr(in)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", in, err)
			return
		}
		if got := paren(e); got != grouped {
			t.Errorf("ParseExpr(%q) grouped\n got: %s\nwant: %s", in, got, grouped)
		}
		out := Format(e)
		if out != printed {
			t.Errorf("Format(ParseExpr(%q))\n got: %s\nwant: %s", in, out, printed)
		}
		e2, err := ParseExpr(out)
		if err != nil || paren(e2) != grouped {
			t.Errorf("ParseExpr(%q) = %v, %v; want %s", out, e2, err, grouped)
		}
	}
	f("a or b and c", "(a OR (b AND c))", "a OR b AND c")
	f("(a or b) and c", "((a OR b) AND c)", "(a OR b) AND c")
	f("not a and b", "((NOT a) AND b)", "NOT a AND b")
	f("not (a and b)", "(NOT (a AND b))", "NOT (a AND b)")
	f("not a = b", "(NOT (a = b))", "NOT a = b")
	f("a = b and c <> d or e", "(((a = b) AND (c <> d)) OR e)", "a = b AND c <> d OR e")
	f("1 + 2 * 3", "(1 + (2 * 3))", "1 + 2 * 3")
	f("(1 + 2) * 3", "((1 + 2) * 3)", "(1 + 2) * 3")
	f("1 - 2 - 3", "((1 - 2) - 3)", "1 - 2 - 3")
	f("1 - (2 - 3)", "(1 - (2 - 3))", "1 - (2 - 3)")
	f("a / b * c % d", "(((a / b) * c) % d)", "a / b * c % d")
	f("-a * b", "((-a) * b)", "-a * b")
	f("-(a * b)", "(-(a * b))", "-(a * b)")
	f("- -a", "(-(-a))", "-(-a)")
	f("a || b + c", "(a || (b + c))", "a || b + c")
	f("(a || b) + c", "((a || b) + c)", "(a || b) + c")
	f("a || b = c || d", "((a || b) = (c || d))", "a || b = c || d")
	f("a + 1 between b and c + 1", "((a + 1) BETWEEN b AND (c + 1))", "a + 1 BETWEEN b AND c + 1")
	f("a between b and c and d", "((a BETWEEN b AND c) AND d)", "a BETWEEN b AND c AND d")
	f("(a = b) = c", "((a = b) = c)", "(a = b) = c")
	f("a = (b = c)", "(a = (b = c))", "a = (b = c)")
	f("(a is null) = false", "((a IS NULL) = FALSE)", "(a IS NULL) = FALSE")
	f("x || 'a' like 'b%'", "((x || 'a') LIKE 'b%')", "x || 'a' LIKE 'b%'")
	f("a in (1) or b", "((a IN ...) OR b)", "a IN (1) OR b")
	f("-x at time zone 'UTC'", "(-(x AT TIME ZONE 'UTC'))", "-x AT TIME ZONE 'UTC'")
	f("(-x) at time zone 'UTC'", "((-x) AT TIME ZONE 'UTC')", "(-x) AT TIME ZONE 'UTC'")
	f("a + b at time zone 'UTC'", "(a + (b AT TIME ZONE 'UTC'))", "a + b AT TIME ZONE 'UTC'")
	f("(a + b).c", "(a + b).c", "(a + b).c")
	f("(1).x", "1.x", "(1).x")
	f("x -> x + 1 > 2 or y", "(x -> (((x + 1) > 2) OR y))", "x -> x + 1 > 2 OR y")
	f("a = (x -> x)", "(a = (x -> x))", "a = (x -> x)")
}

// TestAdjacentStrings checks that strings side by side are an error, as
// in Athena, not joined as in DuckDB.
func TestAdjacentStrings(t *testing.T) {
	f := func(in string, line, col int) {
		t.Helper()
		_, err := Parse(in)
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a syntax error", in, err)
			return
		}
		if se.Line != line || se.Column != col || !strings.Contains(se.Msg, "adjacent string literals") {
			t.Errorf("Parse(%q): %v, want line %d, column %d, adjacent string literals", in, err, line, col)
		}
	}
	f("SELECT * FROM cloudtrail WHERE eventname IN ('A'\n'B')", 2, 1)
	f("SELECT * FROM cloudtrail WHERE eventname IN ('A', 'B'\n  'C', 'D')", 2, 3)
	f("SELECT 'a' 'b'", 1, 12)
	f("SELECT 'a' -- comment\n 'b'", 2, 2)
	f("SELECT 'a' /* x */ U&'b'", 1, 20)
	f("SELECT DATE '2019-01-01' '2019-01-02'", 1, 26)
	f("SELECT X'00' 'b'", 1, 14)
	// Still fine: || between them, or commas.
	if _, err := Parse("SELECT 'a' || 'b', 'c', x IN ('A', 'B')"); err != nil {
		t.Error(err)
	}
}

// TestErrors checks the message and position of syntax errors.
func TestErrors(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		_, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want %s", in, want)
			return
		}
		if err.Error() != want {
			t.Errorf("Parse(%q)\n got: %v\nwant: %s", in, err, want)
		}
	}
	f("SELECT a,\n  b\nFROM t WHERE", "syntax error at line 3, column 13: unexpected end of input, expected an expression")
	f("SELECT a,\nFROM t", "syntax error at line 2, column 1: unexpected 'FROM', expected an expression")
	f("SELECT eventname\n  FROM cloudtrail\n WHERE x = = 1", "syntax error at line 3, column 12: unexpected '=', expected an expression")
	f("SELECT 'é', x = = 1", "syntax error at line 1, column 17: unexpected '=', expected an expression")
	f("SELECT 'abc", "syntax error at line 1, column 8: unterminated string")
	f("SELECT 1 FROM t TABLESAMPLE RESERVOIR (10)", "syntax error at line 1, column 29: unexpected 'RESERVOIR', expected BERNOULLI or SYSTEM")
	f("SELECT 'it''s", "syntax error at line 1, column 8: unterminated string")
	f("SELECT \"abc FROM t", "syntax error at line 1, column 8: unterminated quoted identifier")
	f("SELECT \"\" FROM t", "syntax error at line 1, column 8: zero-length quoted identifier")
	f("SELECT 1 /* never\n closed", "syntax error at line 1, column 10: unterminated comment")
	f("SELECT (1 + 2", "syntax error at line 1, column 14: unexpected end of input, expected ')'")
	f("SELECT f(1, 2", "syntax error at line 1, column 14: unexpected end of input, expected ')'")
	f("SELECT 1 + 2)", "syntax error at line 1, column 13: unexpected ')' without a matching '('")
	f("SELECT * FROM (SELECT 1", "syntax error at line 1, column 24: unexpected end of input, expected ')'")
	f("SELECT * FROM t WHERE x IN (1, 2", "syntax error at line 1, column 33: unexpected end of input, expected ')'")
	f("SELECT a FROM t x y", "syntax error at line 1, column 19: unexpected 'y', expected the end of the statement")
	f("SELECT 1; SELECT 2", "syntax error at line 1, column 11: unexpected 'SELECT', expected the end of the statement")
	f("SELECT 1;;", "syntax error at line 1, column 10: unexpected ';', expected the end of the statement")
	f("SELECT 1a", "syntax error at line 1, column 8: identifiers must not start with a digit; surround the identifier with double quotes")
	f("SELECT `a` FROM t", "syntax error at line 1, column 8: unexpected character '`'")
	f("SELECT x::int", "syntax error at line 1, column 9: unexpected character ':'")
	f("SELECT a FROM t WHERE b = 1 GROUP x", "syntax error at line 1, column 35: unexpected 'x', expected BY")
	f("SELECT CASE END", "syntax error at line 1, column 13: unexpected 'END', expected an expression")
	f("SELECT CASE WHEN a THEN b", "syntax error at line 1, column 26: unexpected end of input, expected END")
	f("SELECT CAST(x varchar)", "syntax error at line 1, column 15: unexpected 'varchar', expected AS")
	f("SELECT x.from FROM t", "syntax error at line 1, column 10: unexpected 'from', expected an identifier (FROM is a reserved word: quote it as \"from\")")
	f("SELECT INTERVAL '1' DAYS", "syntax error at line 1, column 21: unexpected 'DAYS', expected YEAR, MONTH, DAY, HOUR, MINUTE or SECOND")
	f("SELECT a = b = c", "syntax error at line 1, column 14: unexpected '=', expected the end of the statement")
	f("SELECT * FROM t JOIN u", "syntax error at line 1, column 23: unexpected end of input, expected ON or USING")
	f("SELECT 1 ORDER BY 1 NULLS", "syntax error at line 1, column 26: unexpected end of input, expected FIRST or LAST")
	f("", "syntax error at line 1, column 1: unexpected end of input, expected a statement")
	f("-- only a comment", "syntax error at line 1, column 1: unexpected end of input, expected a statement")
	f("42", "syntax error at line 1, column 1: unexpected number 42, expected SELECT, WITH, VALUES, SHOW, DESCRIBE or EXPLAIN")
	f("SELECT "+strings.Repeat("(", 2000)+"1"+strings.Repeat(")", 2000), "syntax error at line 1, column 507: query nested too deeply")
	f("SELECT "+strings.Repeat("- ", 3000)+"1", "syntax error at line 1, column 2006: query nested too deeply")
	f("SELECT \x01", "syntax error at line 1, column 8: unexpected character U+0001")
}

// TestUnsupported checks that other statements are named for the caller.
func TestUnsupported(t *testing.T) {
	f := func(in, kind string) {
		t.Helper()
		_, err := Parse(in)
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Kind != kind {
			t.Errorf("Parse(%q) = %v, want an unsupported %s", in, err, kind)
		}
	}
	f("MSCK REPAIR TABLE cloudtrail", "MSCK REPAIR TABLE")
	f("msck repair table cloudtrail", "MSCK REPAIR TABLE")
	f("ALTER TABLE cloudtrail ADD PARTITION (year='2019')", "ALTER TABLE")
	f("INSERT INTO t SELECT 1", "INSERT INTO")
	f("CREATE EXTERNAL TABLE t (a string)", "CREATE EXTERNAL TABLE")
	f("CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE OR REPLACE VIEW")
	f("CREATE TABLE t AS SELECT 1", "CREATE TABLE")
	f("DROP TABLE t", "DROP TABLE")
	f("UNLOAD (SELECT 1) TO 's3://b/' WITH (format = 'JSON')", "UNLOAD")
	f("-- note\nCOPY t TO 'x'", "COPY")
	f("SHOW GRANTS", "SHOW GRANTS")
	f("EXPLAIN INSERT INTO t VALUES (1)", "INSERT INTO")
	f("SET x = 1", "SET")
	f("PRAGMA version", "PRAGMA")
}

// TestErrorContext checks the caret under the error.
func TestErrorContext(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		_, err := Parse(in)
		var se *Error
		if !errors.As(err, &se) {
			t.Fatalf("Parse(%q) = %v, want a syntax error", in, err)
		}
		if got := se.Context(); got != want {
			t.Errorf("Context of %q\n got:\n%s\nwant:\n%s", in, got, want)
		}
	}
	f("SELECT *\nFROM cloudtrail\nWHERE eventname IN ('A'\n  'B')\n", "    'B')\n    ^")
	f("SELECT é, = 1", "  SELECT é, = 1\n            ^")
	f("SELECT\t\tFROM t", "  SELECT\t\tFROM t\n        \t\t^")
	f("SELECT 1 +\r\n", "  SELECT 1 +\n            ^")
}

// TestLineColumn checks LineColumn at the edges.
func TestLineColumn(t *testing.T) {
	f := func(src string, off, line, col int) {
		t.Helper()
		l, c := LineColumn(src, Pos(off))
		if l != line || c != col {
			t.Errorf("LineColumn(%q, %d) = %d, %d; want %d, %d", src, off, l, c, line, col)
		}
	}
	f("", 0, 1, 1)
	f("ab\ncd", 3, 2, 1)
	f("ab\ncd", 5, 2, 3)
	f("éa\nb", 2, 1, 2)
	f("x", 10, 1, 2)
}

// TestPositions checks the offsets recorded in the tree.
func TestPositions(t *testing.T) {
	src := "SELECT a,\n  f(b) AS c\nFROM t\nWHERE x = 'y'"
	q, err := ParseQuery(src)
	if err != nil {
		t.Fatal(err)
	}
	sel := q.Body.(*Select)
	f := func(n Node, line, col int) {
		t.Helper()
		l, c := LineColumn(src, n.Position())
		if l != line || c != col {
			t.Errorf("%s at %d:%d, want %d:%d", n, l, c, line, col)
		}
	}
	f(q, 1, 1)
	f(sel.Items[1].Expr, 2, 3)
	f(sel.Items[1].Alias, 2, 11)
	f(sel.From[0], 3, 6)
	f(sel.Where, 4, 7)
	f(sel.Where.(*Binary).Y, 4, 11)
}

// TestFormatEdges checks prints that need care to parse back the same.
func TestFormatEdges(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := roundTrip(t, in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			return
		}
		if got != want {
			t.Errorf("Format(Parse(%q))\n got: %s\nwant: %s", in, got, want)
		}
	}
	f("select 1 from t group by grouping sets (((a, b)), (a, b), ())", "SELECT 1 FROM t GROUP BY GROUPING SETS ((ROW(a, b)), (a, b), ())")
	f("select x in ((select 1), 2), x in ((select 1) union (select 2))", "SELECT x IN ((SELECT 1), 2), x IN (SELECT 1 UNION SELECT 2)")
	f("select * from a join (b join c on x) on y", "SELECT * FROM a JOIN (b JOIN c ON x) ON y")
	f("select ((t)).x, (1).x, (array)[1], f(x).*, (x -> x)", "SELECT t.x, (1).x, (array)[1], f(x).*, x -> x")
	f("select x 'a', row 'b', double precision '1'", "SELECT X 'a', ROW 'b', DOUBLE '1'")
	f("select cast(x as row(\"double\" precision, a double precision))", `SELECT CAST(x AS ROW("double" PRECISION, a DOUBLE))`)
	f("select * from ((t)) x", "SELECT * FROM (t) AS x")
	f("select - - - 1, +-1, 1 - -1", "SELECT -(-(-1)), +(-1), 1 - -1")
	f("select 1. x, 1.e5", "SELECT 1. AS x, 1.e5")
}

// TestLimits checks that huge inputs are errors, not crashes.
func TestLimits(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.40q...) = %v, want %s", in, err, want)
		}
	}
	f("SELECT 1"+strings.Repeat(" + 1", maxOps+1), "expression too long")
	f("SELECT * FROM "+strings.Repeat("(", 100000), "query nested too deeply")
	f("SELECT "+strings.Repeat("ARRAY[", 5000), "query nested too deeply")
	f("SELECT "+strings.Repeat("NOT ", 5000)+"x", "query nested too deeply")
	f("SELECT "+strings.Repeat("f(", 5000), "query nested too deeply")
	f("SELECT CAST(x AS "+strings.Repeat("array(", 5000), "query nested too deeply")
	f(strings.Repeat("(", 5000)+"SELECT 1", "query nested too deeply")
	f("SELECT "+strings.Repeat("x -> ", 5000)+"x", "query nested too deeply")
	if _, err := Parse("SELECT 1" + strings.Repeat(" OR x", 5000)); err != nil {
		t.Errorf("5000 ORs: %v", err)
	}
}
