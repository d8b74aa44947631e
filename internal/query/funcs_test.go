package query

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestAthenaFunctions checks Presto/Athena semantics of the translated
// functions, one expression at a time, against the values Athena returns.
func TestAthenaFunctions(t *testing.T) {
	e, evs, _ := openFixture(t)
	f := func(expr, want string) {
		t.Helper()
		r, err := e.Query(context.Background(), "SELECT "+expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			return
		}
		got := resultRows(r)[0][0]
		if got != want {
			t.Errorf("%s = %s, want %s", expr, got, want)
		}
	}
	// JSON.
	f(`json_extract_scalar('{"a":{"b":"x"}}', '$.a.b')`, "x")
	f(`json_extract_scalar('{"a":{"b":"x"}}', '$.a')`, null)
	f(`json_extract_scalar('{"a":[1,2]}', '$.a[1]')`, "2")
	f(`json_extract_scalar('{"a":null}', '$.a')`, null)
	f(`json_extract_scalar('{"a b":true}', '$["a b"]')`, "true")
	f(`json_extract_scalar('not json', '$.a')`, null)
	f(`json_format(json_extract('{"a":{"b":[1,"x"]}}', '$.a'))`, `{"b":[1,"x"]}`)
	f(`json_array_length('[1,2,3]')`, "3")
	f(`json_array_length('{"a":1}')`, null)
	f(`json_array_contains('["a","b"]', 'b')`, "true")
	f(`json_array_contains('[1,2]', 3)`, "false")
	f(`json_array_get('["a","b","c"]', -1)`, `"c"`)
	f(`json_size('{"a":{"x":1,"y":2}}', '$.a')`, "2")
	// Dates and times (UTC).
	f(`from_iso8601_timestamp('2019-09-30T10:15:00Z')`, "2019-09-30 10:15:00.000 UTC")
	f(`from_iso8601_timestamp('2019-09-30T12:15:00+02:00')`, "2019-09-30 10:15:00.000 UTC")
	f(`from_iso8601_date('2019-09-30')`, "2019-09-30")
	f(`date_parse('2019-09-30 10:15:07', '%Y-%m-%d %H:%i:%s')`, "2019-09-30 10:15:07.000")
	f(`date_format(from_iso8601_timestamp('2019-09-30T10:15:07Z'), '%Y/%m/%d %T %a %b %e')`, "2019/09/30 10:15:07 Mon Sep 30")
	f(`format_datetime(from_iso8601_timestamp('2019-09-30T10:15:07Z'), 'yyyy-MM-dd HH:mm')`, "2019-09-30 10:15")
	f(`format_datetime(from_iso8601_timestamp('2019-09-30T10:15:07Z'), 'HH:mm Z|ZZ|ZZZ|z')`, "10:15 +0000|+00:00|UTC|UTC")
	// date_trunc and date_add keep a DATE a DATE, as in Trino.
	f(`CAST(date_trunc('week', DATE '2024-05-15') AS VARCHAR)`, "2024-05-13")
	f(`typeof(date_trunc('quarter', CAST('2024-05-15' AS DATE)))`, "DATE")
	f(`CAST(date_add('month', 1, from_iso8601_date('2024-01-31')) AS VARCHAR)`, "2024-02-29")
	f(`typeof(date_add('day', 1, current_date))`, "DATE")
	f(`typeof(date_trunc('hour', TIMESTAMP '2024-01-01 10:11:12'))`, "TIMESTAMP")
	if _, err := e.Query(context.Background(), "SELECT date_trunc('hour', DATE '2024-05-15')"); err == nil || !strings.Contains(err.Error(), "'hour' is not a valid DATE field") {
		t.Errorf("date_trunc('hour', DATE ...): %v, want Trino's refusal", err)
	}
	f(`to_unixtime(from_iso8601_timestamp('2019-09-30T00:00:00Z'))`, "1569801600")
	f(`from_unixtime(1569801600)`, "2019-09-30 00:00:00.000 UTC")
	f(`date_add('day', -7, from_iso8601_timestamp('2019-10-02T00:00:00Z'))`, "2019-09-25 00:00:00.000 UTC")
	f(`date_add('month', 1, from_iso8601_timestamp('2019-01-31T00:00:00Z'))`, "2019-02-28 00:00:00.000 UTC")
	f(`date_diff('day', from_iso8601_timestamp('2019-09-29T23:00:00Z'), from_iso8601_timestamp('2019-09-30T01:00:00Z'))`, "0")
	f(`date_diff('hour', from_iso8601_timestamp('2019-09-29T23:00:00Z'), from_iso8601_timestamp('2019-09-30T01:30:00Z'))`, "2")
	f(`date_trunc('day', from_iso8601_timestamp('2019-09-30T10:15:00Z'))`, "2019-09-30 00:00:00.000 UTC")
	f(`now()`, "2019-10-02 00:00:00.000 UTC")
	f(`current_date`, "2019-10-02")
	f(`now() - INTERVAL '7' DAY`, "2019-09-25 00:00:00.000 UTC")
	f(`day_of_week(from_iso8601_date('2019-09-29'))`, "7")
	// Regular expressions.
	f(`regexp_like('AuthorizeSecurityGroupIngress', 'Security')`, "true")
	f(`regexp_extract('arn:aws:iam::111122223333:user/alice', '::(\d+):')`, "::111122223333:")
	f(`regexp_extract('arn:aws:iam::111122223333:user/alice', '::(\d+):', 1)`, "111122223333")
	f(`regexp_extract('no digits', '\d+')`, null)
	f(`regexp_replace('a1b22', '\d')`, "ab")
	f(`regexp_replace('user/alice', '(\w+)/(\w+)', '$2@$1')`, "alice@user")
	// Arrays: 1-based, NULL out of range.
	f(`cardinality(ARRAY['a', 'b'])`, "2")
	f(`element_at(ARRAY['a', 'b'], 1)`, "a")
	f(`element_at(ARRAY['a', 'b'], -1)`, "b")
	f(`element_at(ARRAY['a', 'b'], 5)`, null)
	f(`ARRAY['a', 'b'][2]`, "b")
	f(`ARRAY['a', 'b'][-1 + 2]`, "a")
	f(`split('a/b/c', '/')[n] FROM (VALUES (3)) t(n)`, "c")
	f(`CAST(NULL AS ARRAY(VARCHAR))[2]`, null)
	f(`ARRAY['a', 'b'][CAST(NULL AS INTEGER)]`, null)
	f(`MAP(ARRAY['k'], ARRAY['v'])['k']`, "v")
	// A subscript below one or past the end fails the query, as in
	// Athena (element_at is NULL there instead).
	for _, c := range []struct{ expr, want string }{
		{`ARRAY['a', 'b'][0]`, "Array subscript must be greater than or equal to one"},
		{`ARRAY['a', 'b'][-1]`, "Array subscript must be greater than or equal to one"},
		{`ARRAY['a', 'b'][3]`, "Array subscript 3 out of bounds"},
		{`split('a/b', '/')[n] FROM (VALUES (1), (5)) t(n)`, "Array subscript 5 out of bounds"},
		{`transform(ARRAY[1], x -> x)[2]`, "Array subscript 2 out of bounds"},
	} {
		if _, err := e.Query(context.Background(), "SELECT "+c.expr); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.expr, err, c.want)
		}
	}
	f(`contains(ARRAY['a', 'b'], 'b')`, "true")
	f(`array_join(ARRAY['a', NULL, 'c'], '-')`, "a-c")
	f(`array_join(ARRAY['a', NULL, 'c'], '-', 'N')`, "a-N-c")
	f(`array_distinct(ARRAY[3, 1, 3, 2])`, "[3,1,2]")
	f(`array_position(ARRAY['a', 'b'], 'z')`, "0")
	f(`any_match(ARRAY[1, 5], x -> x > 4)`, "true")
	// any_match, all_match, none_match: three-valued, as in Trino.
	for _, c := range []struct{ arr, anyM, allM, noneM string }{
		{"ARRAY[1, 5]", "true", "false", "false"},
		{"ARRAY[5, 6]", "true", "true", "false"},
		{"ARRAY[1, 2]", "false", "false", "true"},
		{"ARRAY[1, NULL]", null, "false", null},
		{"ARRAY[5, NULL]", "true", null, "false"},
		{"ARRAY[NULL, 5, 1]", "true", "false", "false"},
		{"CAST(ARRAY[NULL] AS ARRAY(INTEGER))", null, null, null},
		{"CAST(ARRAY[] AS ARRAY(INTEGER))", "false", "true", "true"},
		{"CAST(NULL AS ARRAY(INTEGER))", null, null, null},
	} {
		f(`any_match(`+c.arr+`, x -> x > 4)`, c.anyM)
		f(`all_match(`+c.arr+`, x -> x > 4)`, c.allM)
		f(`none_match(`+c.arr+`, x -> x > 4)`, c.noneM)
	}
	f(`transform(ARRAY[1, 2], x -> x * 10)`, "[10,20]")
	f(`filter(ARRAY[1, 2, 3], x -> x <> 2)`, "[1,3]")
	f(`slice(ARRAY[1, 2, 3, 4], 2, 2)`, "[2,3]")
	// Strings.
	f(`split_part('a/b/c', '/', 2)`, "b")
	f(`split_part('a/b/c', '/', 9)`, null)
	f(`split('a/b/c', '/')[3]`, "c")
	f(`strpos('alice', 'i')`, "3")
	f(`replace('a-b-c', '-')`, "abc")
	f(`url_extract_host('https://console.aws.amazon.com/iam/home?x=1')`, "console.aws.amazon.com")
	// URLs, as Presto's tests have them.
	for _, c := range []struct{ url, protocol, host, port, path, query, fragment string }{
		{"http://example.com/path1/p.php?k1=v1&k2=v2#Ref1", "http", "example.com", null, "/path1/p.php", "k1=v1&k2=v2", "Ref1"},
		{"http://example.com/path1/p.php?", "http", "example.com", null, "/path1/p.php", "", ""},
		{"http://example.com/path1/p.php", "http", "example.com", null, "/path1/p.php", "", ""},
		{"http://example.com:8080/path1/p.php?k1=v1&k2=v2#Ref1", "http", "example.com", "8080", "/path1/p.php", "k1=v1&k2=v2", "Ref1"},
		{"https://username@example.com", "https", "example.com", null, "", "", ""},
		{"https://username:password@example.com", "https", "example.com", null, "", "", ""},
		{"mailto:test@example.com", "mailto", "", null, "", "", ""},
		{"foo", "", "", null, "foo", "", ""},
		{"http://example.com/^", null, null, null, null, null, null},
		{"http://example.com/a%2", null, null, null, null, null, null},
		{"https://[::1]:443/a%20b?x=%41+b#f%21", "https", "[::1]", "443", "/a b", "x=A+b", "f!"},
	} {
		f(`url_extract_protocol('`+c.url+`')`, c.protocol)
		f(`url_extract_host('`+c.url+`')`, c.host)
		f(`url_extract_port('`+c.url+`')`, c.port)
		f(`url_extract_path('`+c.url+`')`, c.path)
		f(`url_extract_query('`+c.url+`')`, c.query)
		f(`url_extract_fragment('`+c.url+`')`, c.fragment)
	}
	for _, c := range []struct{ name, want string }{{"k1", "v1"}, {"k2", "v2"}, {"k3", ""}, {"k4", ""}, {"k5", null}} {
		f(`url_extract_parameter('http://example.com/path1/p.php?k1=v1&k2=v2&k3&k4#Ref1', '`+c.name+`')`, c.want)
	}
	f(`url_extract_parameter('http://example.com/path1/p.php?k1=v1&k1=v2&k1&k1#Ref1', 'k1')`, "v1")
	f(`url_extract_parameter('http://example.com/p.php', 'k1')`, null)
	f(`url_extract_parameter('http://example.com/p.php?', 'k1')`, null)
	f(`url_encode('a b/c~*_.-é')`, "a+b%2Fc%7E*_.-%C3%A9")
	f(`url_decode('a+b%2Fc%7E%2B')`, "a b/c~+")
	f(`format('%s has %d keys', 'alice', 2)`, "alice has 2 keys")
	// concat, greatest and least are NULL when an argument is NULL.
	f(`concat('a', 'b', 'c')`, "abc")
	f(`concat('a', NULL, 'c')`, null)
	f(`concat(ARRAY[1], ARRAY[2, 3])`, "[1,2,3]")
	f(`concat(ARRAY[1], NULL)`, null)
	f(`greatest(1, 7, 3)`, "7")
	f(`greatest(1, NULL, 3)`, null)
	f(`least('b', 'a')`, "a")
	f(`least(2, CAST(NULL AS INTEGER))`, null)
	withError := 0
	for _, ev := range evs {
		if ev.ErrorCode != "" {
			withError++
		}
	}
	r0 := mustQuery(t, e, "SELECT count(concat(eventname, ': ', errorcode)) FROM cloudtrail")
	if got := resultRows(r0)[0][0]; got != fmt.Sprint(withError) || withError == len(evs) {
		t.Errorf("concat(eventname, ': ', errorcode) is not NULL on %s events, want the %d with an error code (of %d)", got, withError, len(evs))
	}
	// Aggregates, casts, arithmetic.
	f(`count_if(x > 1) FROM (VALUES (1), (2), (3)) t(x)`, "2")
	f(`approx_distinct(x) FROM (VALUES (1), (2), (2)) t(x)`, "2")
	f(`arbitrary(x) FROM (VALUES ('only')) t(x)`, "only")
	f(`try_cast('x' AS integer)`, null)
	f(`CAST(json_parse('["a","b"]') AS array(varchar))[2]`, "b")
	f(`5 / 2`, "2")
	f(`5.0 / 2`, "2.5")
	f(`if(1 > 0, 'y', 'n')`, "y")
	// Struct fields are case-insensitive.
	r := mustQuery(t, e, "SELECT useridentity.userName, useridentity.sessionContext.sessionIssuer.userName FROM cloudtrail WHERE useridentity.type = 'AssumedRole' LIMIT 1")
	if got := fmt.Sprint(r.Rows[0]); got != "[<nil> Admin]" {
		t.Errorf("case-insensitive struct fields: %s", got)
	}
}

// TestReduce checks reduce(array, init, (s, x) -> ..., s -> ...) against
// the fold computed in Go: sums (NULL elements make the state NULL, as in
// Trino), a ROW state wider than the elements (Trino's average example),
// a varchar state over numbers, an empty and a NULL array, and over the
// lake, the lengths of each event's resource ARNs.
func TestReduce(t *testing.T) {
	e, evs, _ := openFixture(t)
	one := func(expr string) string {
		t.Helper()
		r, err := e.Query(context.Background(), "SELECT "+expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return resultRows(r)[0][0]
	}
	arrays := [][]*int{{}, {ptr(5)}, {ptr(5), ptr(20), ptr(50)}, {ptr(3), nil, ptr(4)}, {ptr(-7), ptr(2), ptr(9), ptr(1)}}
	for _, a := range arrays {
		lit := "CAST(ARRAY[] AS ARRAY(INTEGER))"
		if len(a) > 0 {
			parts := make([]string, len(a))
			for i, x := range a {
				parts[i] = "NULL"
				if x != nil {
					parts[i] = fmt.Sprint(*x)
				}
			}
			lit = "ARRAY[" + strings.Join(parts, ", ") + "]"
		}
		// Sum, then times ten: NULL once a NULL element is added.
		sum, isNull := 0, false
		for _, x := range a {
			if x == nil {
				isNull = true
			} else {
				sum += *x
			}
		}
		want := fmt.Sprint(sum * 10)
		if isNull {
			want = null
		}
		if got := one("reduce(" + lit + ", 0, (s, x) -> s + x, s -> s * 10)"); got != want {
			t.Errorf("reduce sum of %s = %s, want %s", lit, got, want)
		}
		// Average with a ROW state; NULL elements skipped by the lambda.
		total, n := 0.0, 0
		for _, x := range a {
			if x != nil {
				total += float64(*x)
				n++
			}
		}
		want = null
		if n > 0 {
			want = strconv.FormatFloat(total/float64(n), 'g', -1, 64)
		}
		got := one("reduce(" + lit + ", CAST(ROW(0.0, 0) AS ROW(sum DOUBLE, count INTEGER)), " +
			"(s, x) -> IF(x IS NULL, s, CAST(ROW(x + s.sum, s.count + 1) AS ROW(sum DOUBLE, count INTEGER))), " +
			"s -> IF(s.count = 0, NULL, s.sum / s.count))")
		if got != want {
			t.Errorf("reduce average of %s = %s, want %s", lit, got, want)
		}
		// A varchar state over integers; the state's name shadows nothing.
		var b strings.Builder
		b.WriteString("<")
		for _, x := range a {
			if x != nil {
				fmt.Fprintf(&b, "%d,", *x)
			}
		}
		if got, want := one("reduce("+lit+", '<', (acc, x) -> acc || coalesce(CAST(x AS VARCHAR) || ',', ''), acc -> acc)"), b.String(); got != want {
			t.Errorf("reduce to varchar of %s = %s, want %s", lit, got, want)
		}
	}
	if got := one("reduce(CAST(NULL AS ARRAY(INTEGER)), 0, (s, x) -> s + x, s -> s)"); got != null {
		t.Errorf("reduce of a NULL array = %s, want NULL", got)
	}
	// Over the lake: the total length of each event's resource ARNs.
	r := mustQuery(t, e, "SELECT eventid, reduce(resources, 0, (s, r) -> s + length(r.arn), s -> s) FROM cloudtrail")
	want := map[string]string{}
	for _, ev := range evs {
		if len(ev.Resources) == 0 {
			continue // NULL or empty resources: not compared
		}
		n := 0
		for _, res := range ev.Resources {
			n += len(res.ARN)
		}
		want[ev.ID] = fmt.Sprint(n)
	}
	seen := 0
	for _, row := range resultRows(r) {
		if w, ok := want[row[0]]; ok {
			seen++
			if row[1] != w {
				t.Errorf("event %s: reduce over resources = %s, want %s", row[0], row[1], w)
			}
		}
	}
	if seen != len(want) || seen == 0 {
		t.Errorf("compared %d events with resources, want %d (> 0)", seen, len(want))
	}
}

func ptr[T any](v T) *T { return &v }
