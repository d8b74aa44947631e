package query

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// TestAthenaTypes checks the mapping of DuckDB's types to Athena's.
func TestAthenaTypes(t *testing.T) {
	f := func(info duckdb.TypeInfo, want string) {
		t.Helper()
		if got := athenaType(info); got != want {
			t.Errorf("athenaType(%s) = %q, want %q", typeName(info), got, want)
		}
	}
	basic := func(ty duckdb.Type) duckdb.TypeInfo {
		t.Helper()
		info, err := duckdb.NewTypeInfo(ty)
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	for ty, want := range map[duckdb.Type]string{
		duckdb.TYPE_BOOLEAN: "boolean", duckdb.TYPE_TINYINT: "tinyint", duckdb.TYPE_SMALLINT: "smallint",
		duckdb.TYPE_INTEGER: "integer", duckdb.TYPE_BIGINT: "bigint", duckdb.TYPE_HUGEINT: "bigint",
		duckdb.TYPE_UTINYINT: "smallint", duckdb.TYPE_USMALLINT: "integer", duckdb.TYPE_UINTEGER: "bigint",
		duckdb.TYPE_UBIGINT: "decimal(20,0)", duckdb.TYPE_FLOAT: "real", duckdb.TYPE_DOUBLE: "double",
		duckdb.TYPE_VARCHAR: "varchar", duckdb.TYPE_BLOB: "varbinary", duckdb.TYPE_UUID: "uuid",
		duckdb.TYPE_DATE: "date", duckdb.TYPE_TIME: "time", duckdb.TYPE_TIMESTAMP: "timestamp",
		duckdb.TYPE_TIMESTAMP_S: "timestamp", duckdb.TYPE_TIMESTAMP_MS: "timestamp", duckdb.TYPE_TIMESTAMP_NS: "timestamp",
		duckdb.TYPE_TIMESTAMP_TZ: "timestamp with time zone", duckdb.TYPE_INTERVAL: "interval day to second",
	} {
		f(basic(ty), want)
	}
	dec, _ := duckdb.NewDecimalInfo(18, 3)
	f(dec, "decimal(18,3)")
	list, _ := duckdb.NewListInfo(basic(duckdb.TYPE_VARCHAR))
	f(list, "array(varchar)")
	arr, _ := duckdb.NewArrayInfo(basic(duckdb.TYPE_DOUBLE), 3)
	f(arr, "array(double)")
	m, _ := duckdb.NewMapInfo(basic(duckdb.TYPE_VARCHAR), list)
	f(m, "map(varchar, array(varchar))")
	arn, _ := duckdb.NewStructEntry(basic(duckdb.TYPE_VARCHAR), "Arn")
	typ, _ := duckdb.NewStructEntry(basic(duckdb.TYPE_VARCHAR), "type")
	odd, _ := duckdb.NewStructEntry(basic(duckdb.TYPE_BIGINT), "a b")
	st, _ := duckdb.NewStructInfo(arn, typ, odd)
	f(st, `row(arn varchar, type varchar, "a b" bigint)`)
	nested, _ := duckdb.NewStructEntry(st, "ident")
	outer, _ := duckdb.NewStructInfo(nested)
	rows, _ := duckdb.NewListInfo(outer)
	f(rows, `array(row(ident row(arn varchar, type varchar, "a b" bigint)))`)
	enum, _ := duckdb.NewEnumInfo("a", "b")
	f(enum, "varchar")
	f(nil, "unknown")

	// Through the engine: the columns of a query carry both names.
	e, _, _ := openFixture(t)
	r := mustQuery(t, e, `SELECT 1 AS i, 2.5 AS f, true AS b, 'x' AS s, ARRAY[1, 2] AS l, CAST(ROW(1, ARRAY[true]) AS ROW("B" INTEGER, a ARRAY(BOOLEAN))) AS st,
		from_iso8601_timestamp('2019-09-30T10:15:00Z') AS tz, TIMESTAMP '2019-09-30 10:15:00' AS ts, DATE '2019-09-30' AS d,
		sum(10) AS h, CAST('{"k": [1]}' AS JSON) AS j, map(ARRAY['a'], ARRAY[1]) AS m, count(*) AS c, useridentity, resources
		FROM cloudtrail GROUP BY useridentity, resources LIMIT 1`)
	want := []string{"integer", "decimal(2,1)", "boolean", "varchar", "array(integer)", "row(b integer, a array(boolean))",
		"timestamp with time zone", "timestamp", "date", "bigint", "json", "map(varchar, integer)", "bigint"}
	for i, w := range want {
		if c := r.Columns[i]; c.Athena != w {
			t.Errorf("column %s (%s) is %q in Athena, want %q", c.Name, c.Type, c.Athena, w)
		}
	}
	if ui := r.Columns[len(want)].Athena; !strings.HasPrefix(ui, "row(type varchar, principalid varchar, arn varchar, ") {
		t.Errorf("useridentity is %s", ui)
	}
	if res := r.Columns[len(want)+1].Athena; !strings.HasPrefix(res, "array(row(") {
		t.Errorf("resources is %s", res)
	}
}

// streamAll reads every row of a stream.
func streamAll(t *testing.T, rows *Rows) [][]any {
	t.Helper()
	var out [][]any
	for rows.Next() {
		out = append(out, rows.Row())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStreamLarge streams 200,000 rows: the first arrives while the query
// is still running (its producer holds the rest), every row arrives, in
// order, and the statistics come after the last.
func TestStreamLarge(t *testing.T) {
	dir, _ := fixtureLake(t)
	e := openLake(t, dir, Options{MaxRows: -1, Conns: 1})
	const n = 200_000
	rows, err := e.Stream(context.Background(), fmt.Sprintf("SELECT x, 'row ' || CAST(x AS varchar) AS s FROM UNNEST(sequence(1, %d)) AS t(x)", n))
	if err != nil {
		t.Fatal(err)
	}
	if c := rows.Columns(); len(c) != 2 || c[0].Name != "x" || c[0].Athena != "bigint" || c[1].Athena != "varchar" {
		t.Fatalf("columns %+v", c)
	}
	if !rows.Next() {
		t.Fatalf("no first row: %v", rows.Err())
	}
	select {
	case <-rows.done:
		t.Fatal("the query was over before its first row was read")
	default:
	}
	if st := rows.Stats(); st.Rows != 0 {
		t.Errorf("statistics before the last row: %+v", st)
	}
	got := [][]any{rows.Row()}
	got = append(got, streamAll(t, rows)...)
	if len(got) != n {
		t.Fatalf("%d rows, want %d", len(got), n)
	}
	for i, r := range got {
		if r[0] != int64(i+1) || r[1] != fmt.Sprintf("row %d", i+1) {
			t.Fatalf("row %d is %v", i, r)
		}
	}
	if st := rows.Stats(); st.Rows != n || rows.Truncated() || rows.SQL() == "" {
		t.Errorf("after the last row: stats %+v, truncated %v, SQL %q", st, rows.Truncated(), rows.SQL())
	}
}

// TestStreamCancel stops streams early, by Close and by ctx: the
// connection is released (the engine has one) and the next query works.
func TestStreamCancel(t *testing.T) {
	dir, evs := fixtureLake(t)
	e := openLake(t, dir, Options{MaxRows: -1, Conns: 1})
	q := "SELECT x FROM UNNEST(sequence(1, 200000)) AS t(x)"
	next := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		r, err := e.Query(ctx, "SELECT count(*) FROM cloudtrail")
		if err != nil || r.Rows[0][0] != int64(len(evs)) {
			t.Fatalf("next query: %v %v", r, err)
		}
	}
	for _, how := range []string{"close", "ctx"} {
		ctx, cancel := context.WithCancel(context.Background())
		rows, err := e.Stream(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			if !rows.Next() {
				t.Fatalf("%s: row %d missing: %v", how, i, rows.Err())
			}
		}
		if how == "close" {
			if err := rows.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
			if rows.Next() {
				t.Error("close: a row after Close")
			}
		} else {
			cancel()
			for rows.Next() {
			}
			if err := rows.Err(); !errors.Is(err, context.Canceled) {
				t.Errorf("ctx: error %v, want canceled", err)
			}
			rows.Close()
		}
		cancel()
		next()
	}
	// Rows closed before any was read.
	rows, err := e.Stream(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	next()
	// A query that fails before its first row fails in Stream, and holds
	// no connection.
	if _, err := e.Stream(context.Background(), "SELECT nosuchcolumn FROM cloudtrail"); err == nil || !strings.Contains(err.Error(), "nosuchcolumn") {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := e.Stream(context.Background(), "SELECT FROM"); err == nil {
		t.Error("syntax error: no error")
	}
	next()
}

// TestStreamCap checks that the row cap is reported, and is part of the
// query (the first rows of an ORDER BY are the ones kept).
func TestStreamCap(t *testing.T) {
	dir, evs := fixtureLake(t)
	e := openLake(t, dir, Options{MaxRows: 10})
	rows, err := e.Stream(context.Background(), "SELECT x FROM UNNEST(sequence(1, 200000)) AS t(x) ORDER BY x DESC")
	if err != nil {
		t.Fatal(err)
	}
	got := streamAll(t, rows)
	if len(got) != 10 || !rows.Truncated() || rows.Stats().Rows != 10 {
		t.Fatalf("%d rows, truncated %v, stats %+v", len(got), rows.Truncated(), rows.Stats())
	}
	for i, r := range got {
		if r[0] != int64(200000-i) {
			t.Fatalf("row %d is %v", i, r)
		}
	}
	// Exactly the cap: nothing was cut.
	for _, q := range []string{"SELECT eventid FROM cloudtrail LIMIT 10", "SELECT x FROM UNNEST(sequence(1, 10)) AS t(x)"} {
		rows, err = e.Stream(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if got := streamAll(t, rows); len(got) != 10 || rows.Truncated() {
			t.Errorf("%s: %d rows, truncated %v", q, len(got), rows.Truncated())
		}
	}
	// The cap keeps the first rows of an ordered answer, as the whole
	// answer has them.
	full := openLake(t, dir, Options{MaxRows: -1})
	q := "SELECT eventtime, eventid, useridentity FROM cloudtrail ORDER BY eventtime DESC, eventid"
	all := mustQuery(t, full, q)
	capped := mustQuery(t, e, q)
	if len(all.Rows) != len(evs) || all.Truncated || !capped.Truncated || !reflect.DeepEqual(capped.Rows, all.Rows[:10]) {
		t.Errorf("capped rows are not the first of the whole answer (%d rows, truncated %v)", len(all.Rows), capped.Truncated)
	}
}

// TestQueryCollectsStream checks that Query and Stream give the same
// answer, and that WriteRows writes what Write writes.
func TestQueryCollectsStream(t *testing.T) {
	e, evs, _ := openFixture(t)
	q := "SELECT * FROM cloudtrail ORDER BY eventtime, eventid"
	r := mustQuery(t, e, q)
	if len(r.Rows) != len(evs) {
		t.Fatalf("%d rows", len(r.Rows))
	}
	rows, err := e.Stream(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	got := streamAll(t, rows)
	if !reflect.DeepEqual(rows.Columns(), r.Columns) || !reflect.DeepEqual(got, r.Rows) {
		t.Fatal("Stream and Query differ")
	}
	if st := rows.Stats(); st.Rows != r.Stats.Rows || st.Files != r.Stats.Files || st.FilesTotal != r.Stats.FilesTotal {
		t.Errorf("stats: stream %+v, query %+v", st, r.Stats)
	}
	for _, format := range Formats {
		for _, maxRows := range []int{0, -1, 5} {
			opts := WriteOptions{Width: 100, MaxRows: maxRows}
			var want, got bytes.Buffer
			if err := Write(&want, r, format, opts); err != nil {
				t.Fatal(err)
			}
			rows, err := e.Stream(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteRows(&got, rows, format, opts); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if got.String() != want.String() {
				t.Errorf("%s, max rows %d: WriteRows differs from Write", format, maxRows)
			}
		}
	}
}
