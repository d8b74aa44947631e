package sqltree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes the parser panic, and that what
// parses prints to SQL that parses to the same tree and prints the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT eventname, count(*) FROM cloudtrail WHERE year = '2019' GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
		"select r.eventname from logs cross join unnest(records) with ordinality as t(r, i)",
		"WITH a (x) AS (SELECT 1) SELECT transform(x, (a, b) -> a || b) FROM a UNION ALL (SELECT 2 ORDER BY 1)",
		"SELECT CAST(x AS array(row(a varchar, b timestamp(3) with time zone))), INTERVAL '1' DAY TO SECOND",
		"SELECT a[1].b, \"q\"\"x\", U&'\\0041', X'ff', - -1, x AT TIME ZONE 'UTC', count(*) FILTER (WHERE a) OVER w",
		"SELECT * FROM t WHERE x IN ('A'\n'B')", "SHOW PARTITIONS cloudtrail", "EXPLAIN ANALYZE SELECT 1",
		"SELECT CASE x WHEN 1 THEN 2 ELSE 3 END, trim(LEADING 'a' FROM b), position('a' IN b), EXTRACT(year FROM d)",
		"SELECT 1 GROUP BY GROUPING SETS ((a, b), ()), ROLLUP (a), CUBE (b) HAVING x = ANY (SELECT 1)",
	} {
		f.Add(s)
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "corpus.sql")); err == nil {
		for _, s := range strings.Split(string(b), "\n====\n")[:40] {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); ok {
				err.(*Error).Context()
			}
			return
		}
		out := Format(s)
		s2, err := Parse(out)
		if err != nil {
			t.Fatalf("cannot parse the print of %q\nprint: %s\nerror: %v", src, out, err)
		}
		if out2 := Format(s2); out2 != out {
			t.Fatalf("print is not a fixpoint for %q\n first: %s\nsecond: %s", src, out, out2)
		}
		if !sameTree(s, s2) {
			t.Fatalf("the print of %q parses to another tree\nprint: %s", src, out)
		}
	})
}
