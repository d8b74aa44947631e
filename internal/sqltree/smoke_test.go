package sqltree

import "testing"

func TestSmoke(t *testing.T) {
	for _, s := range []string{
		"SELECT 1",
		"-- c\nselect a, b as c, t.* from cloudtrail t where year = '2019' and x in ('a', 'b') order by 1 desc nulls last limit 10;",
		"SELECT count(*) FILTER (WHERE x > 1), array_agg(x ORDER BY y) FROM t CROSS JOIN UNNEST(records) WITH ORDINALITY AS u(r, n)",
		"SELECT transform(a, x -> x + 1), reduce(a, 0, (s, x) -> s + x, s -> s), CAST(x AS array(row(a varchar, b bigint))), try_cast(y AS timestamp(3) with time zone) FROM t",
		"select * from (select 1 union select 2 intersect select 3) x(a)",
		"SELECT date, timestamp, year, position('a' in b), trim(leading 'x' from y), substring(s from 2 for 3), extract(year from d), INTERVAL '7' DAY, DATE '2019-01-01', current_date FROM t",
		"SELECT CASE WHEN a THEN 1 ELSE 2 END, CASE x WHEN 1 THEN 'a' END, -(-1), - - 2, a AT TIME ZONE 'UTC', ARRAY[1,2][1], (1, 2), ROW(1), x = ANY (SELECT 1), EXISTS (SELECT 1)",
		"SELECT row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), lag(x) IGNORE NULLS OVER w FROM t WINDOW w AS (ORDER BY c)",
		"(SELECT 1 ORDER BY 1 LIMIT 1) UNION ALL (SELECT 2) ORDER BY 1 OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY",
		"SELECT a FROM t GROUP BY GROUPING SETS ((a, b), a, ()), ROLLUP (a), CUBE (a, b), ()",
		"SHOW PARTITIONS cloudtrail", "DESCRIBE cloudtrail", "EXPLAIN ANALYZE SELECT 1", "SHOW COLUMNS FROM x", "SHOW TABLES",
		"SELECT ((SELECT 1) UNION (SELECT 2))",
		"VALUES (1, 'a'), (2, 'b')",
		`SELECT "a""b", "select", U&'\0041', X'0f' FROM "my cat"."s".t`,
	} {
		out, err := roundTrip(t, s)
		t.Logf("%s\n  -> %s %v", s, out, err)
	}
}
