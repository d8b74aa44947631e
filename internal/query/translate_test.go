package query

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLexRoundTrip(t *testing.T) {
	f := func(src string) {
		t.Helper()
		toks, _ := lex(src)
		var b strings.Builder
		for _, tk := range toks {
			b.WriteString(tk.text)
		}
		if b.String() != src {
			t.Errorf("lex(%q) joined = %q", src, b.String())
		}
	}
	f("SELECT 1")
	f("select eventname, count(*) AS \"COUNT\" from cloudtrail -- note\nwhere x = 'it''s' /* c */ and y::int >= 1.5e3")
	f("select `a` from t where a->>'$.b' = ? and c = $1")
	f("select 'unterminated")
	f("/* open comment")
	f("select \"odd \"\" name\" from é")
}

// TestTranslateGolden checks the translation of every testdata/translate
// case: a file with the Athena query, a line "----", and the DuckDB SQL
// (or "ERROR: message"). Run with -update to rewrite the expectations.
func TestTranslateGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "translate", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no translation cases: %v", err)
	}
	opts := TranslateOptions{Now: time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC), AccountViews: map[string]string{"cloudtrail_111122223333": "111122223333"}}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			in, want, ok := strings.Cut(string(b), "\n----\n")
			if !ok {
				t.Fatalf("%s: no ---- line", file)
			}
			got, err := Translate(in, opts)
			if err != nil {
				got = "ERROR: " + err.Error()
			}
			if *update {
				os.WriteFile(file, []byte(in+"\n----\n"+got+"\n"), 0o644)
				return
			}
			if strings.TrimRight(want, "\n") != got {
				t.Errorf("Translate(%s)\n got: %s\nwant: %s", in, got, want)
			}
		})
	}
}

func TestTranslateCases(t *testing.T) {
	now := time.Date(2019, 10, 2, 3, 4, 5, 0, time.UTC)
	f := func(in, want string) {
		t.Helper()
		got, err := Translate(in, TranslateOptions{Now: now})
		if err != nil {
			t.Errorf("Translate(%q): %v", in, err)
			return
		}
		if got != want {
			t.Errorf("Translate(%q)\n got %q\nwant %q", in, got, want)
		}
	}
	f("select 1;", "SELECT 1")
	f("SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail",
		"SELECT athena_json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail")
	f(`SELECT json_extract_scalar(x, '$["a b"].c[0]')`, `SELECT athena_json_extract_scalar(x, '$."a b".c[0]')`)
	f("SELECT json_extract(x, '$.a')", "SELECT TRY(json_extract(x, '$.a'))")
	f("select from_iso8601_timestamp(eventtime)", "SELECT eventtimestamp")
	f("select from_iso8601_timestamp(t.eventtime)", "SELECT CAST(t.eventtime AS TIMESTAMPTZ)")
	f("select date_format(x, '%Y-%m-%d %H:%i:%s')", "SELECT strftime(x, '%Y-%m-%d %H:%M:%S')")
	f("select date_parse(x, '%d/%m/%Y %T')", "SELECT strptime(x, '%d/%m/%Y %H:%M:%S')")
	f("select format_datetime(x, 'yyyy-MM-dd''T''HH:mm:ss.SSS')", "SELECT strftime(x, '%Y-%m-%dT%H:%M:%S.%g')")
	f("select now(), current_timestamp, current_date", "SELECT TIMESTAMPTZ '2019-10-02 03:04:05.000000+00', TIMESTAMPTZ '2019-10-02 03:04:05.000000+00', DATE '2019-10-02'")
	f("select date_diff('day', a, b), date_add('hour', 1, a)", "SELECT date_sub('day', a, b), athena_date_add('hour', 1, a)")
	f("select regexp_like(a, 'x'), regexp_replace(a, '(b)', '[$1]'), regexp_replace(a, 'b')",
		`SELECT regexp_matches(a, 'x'), regexp_replace(a, '(b)', '[\1]', 'g'), regexp_replace(a, 'b', '', 'g')`)
	f("select cardinality(r), element_at(r, -1), approx_distinct(x, 0.01), arbitrary(y)", "SELECT len(r), (r)[-1], approx_count_distinct(x), any_value(y)")
	f("select any_match(resources, r -> r.type = 'AWS::S3::Object')", "SELECT list_extract(list_transform(list_value(list_transform(resources, r -> r.type = 'AWS::S3::Object')), match_results -> CASE WHEN match_results IS NULL THEN NULL WHEN list_bool_or(match_results) THEN true WHEN list_count(match_results) < len(match_results) THEN NULL ELSE false END), 1)")
	f("select cast(x as array(varchar)), try_cast(y AS row(a bigint, b varchar))", "SELECT CAST(x AS VARCHAR[]), TRY_CAST(y AS STRUCT(a BIGINT, b VARCHAR))")
	f(`select "$path" from cloudtrail`, "SELECT _object FROM cloudtrail")
	f(`select "eventName" from awsdatacatalog.default.cloudtrail`, `SELECT "eventName" FROM cloudtrail`)
	f(`select o.* from "default"."cloudtrail_logs" c join db.logs o on true`, `SELECT o.* FROM "cloudtrail_logs" AS c JOIN logs AS o ON TRUE`)
	f("select * from main.cloudtrail, information_schema.tables", "SELECT * FROM main.cloudtrail, information_schema.tables")
	f("select extract(year from t.eventtimestamp)", "SELECT EXTRACT(YEAR FROM t.eventtimestamp)")
	f("select 'json_extract_scalar(' || x", "SELECT 'json_extract_scalar(' || x")
	f("select x.json_extract_scalar(1)", "SELECT x.json_extract_scalar(1)")
	// IS DISTINCT FROM is not a FROM clause: a.eventname keeps its qualifier.
	f("select 1 from cloudtrail a where exists (select 1 from cloudtrail b where b.eventname is distinct from a.eventname)",
		"SELECT 1 FROM cloudtrail AS a WHERE EXISTS (SELECT 1 FROM cloudtrail AS b WHERE b.eventname IS DISTINCT FROM a.eventname)")
	f("SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)", "SELECT record FROM _logs_records AS t (record)")
	f("SELECT t.record.eventName FROM logs CROSS JOIN UNNEST(records) WITH ORDINALITY AS t (record, i)",
		"SELECT t.record.eventName FROM logs CROSS JOIN UNNEST(records) WITH ORDINALITY AS t(record, i)")
	f("DESCRIBE cloudtrail", `SELECT column_name AS col_name, column_type AS data_type FROM (DESCRIBE "cloudtrail") WHERE column_name NOT IN ('timestamp', 'date_partition', 'account_partition', 'region_partition')`)
	f("explain select now()", "EXPLAIN SELECT TIMESTAMPTZ '2019-10-02 03:04:05.000000+00'")
}

func TestTranslateRefusesAndExplains(t *testing.T) {
	const refused, unsupported, other = "refused", "unsupported", "other"
	f := func(in, wantErr, class string) {
		t.Helper()
		_, err := Translate(in, TranslateOptions{})
		if err == nil {
			t.Errorf("Translate(%q) = nil error, want %q", in, wantErr)
			return
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Errorf("Translate(%q) = %v, want it to say %q", in, err, wantErr)
		}
		got := other
		switch {
		case IsRefused(err):
			got = refused
		case IsUnsupported(err):
			got = unsupported
		}
		if got != class {
			t.Errorf("Translate(%q) = %v: a %s error, want %s", in, err, got, class)
		}
	}
	f("COPY (SELECT 1) TO '/tmp/x.csv'", "COPY is not allowed", refused)
	f("select 1; select 2", "more than one statement", refused)
	f("select 1; copy (select 1) to 'x'", "more than one statement", refused)
	f("ATTACH 'x.db' AS x", "ATTACH is not allowed", refused)
	f("INSTALL httpfs", "extensions cannot be installed", refused)
	f("LOAD httpfs", "extensions cannot be installed", refused)
	f("SET memory_limit = '100GB'", "settings cannot be changed", refused)
	f("PRAGMA threads = 64", "settings cannot be changed", refused)
	f("CREATE TABLE x AS SELECT 1", "CREATE TABLE is not allowed", refused)
	f("INSERT INTO cloudtrail VALUES (1)", "INSERT INTO is not allowed", refused)
	f("DROP VIEW cloudtrail", "DROP VIEW is not allowed", refused)
	f("UNLOAD (SELECT 1) TO 's3://b/' WITH (format = 'PARQUET')", "UNLOAD", refused)
	f("MSCK REPAIR TABLE cloudtrail", "not needed", unsupported)
	f("ALTER TABLE cloudtrail ADD PARTITION (region='us-east-1')", "not needed", unsupported)
	f("SHOW CREATE TABLE cloudtrail", "use DESCRIBE", unsupported)
	f("select reduce(a, 0, f, g)", "reduce(array, initialState, (s, x) -> ..., s -> ...)", unsupported)
	f("select date_format(x, fmt)", "string literal", unsupported)
	f("select date_format(x, '%Q')", "not supported", unsupported)
	f("select date_add('day', 1)", "takes 3 arguments", other)
	f("", "empty query", other)
	f("select 'abc", "syntax error at line 1, column 8: unterminated string", other)
	f("select `eventName` from cloudtrail", "syntax error at line 1, column 8: unexpected character '`'", other)
	f("select eventname from cloudtrail where eventname in ('A'\n'B')", "syntax error at line 2, column 1", other)
	f("-- only a comment", "empty query", other)
}

func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		"SELECT json_extract_scalar(requestparameters, '$.a') FROM cloudtrail WHERE year = '2019'",
		"select record.eventName from logs cross join unnest(records) as t(record)",
		"select date_format(from_iso8601_timestamp(eventtime), '%Y') from default.cloudtrail_logs",
		"select cast(x as array(row(a varchar))) , \"$path\", `x`",
		"SHOW PARTITIONS cloudtrail", "explain analyze select 1", "select 'a''b' -- c\n; ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, _ := lex(s)
		var b strings.Builder
		for _, tk := range toks {
			b.WriteString(tk.text)
		}
		if b.String() != s {
			t.Fatalf("lex does not round-trip %q", s)
		}
		out, err := Translate(s, TranslateOptions{Now: time.Unix(0, 0)})
		if err != nil {
			return
		}
		// A translation is one statement: no top-level semicolon.
		otoks, _ := lex(out)
		depth := 0
		for _, tk := range otoks {
			switch {
			case tk.is("(") || tk.is("["):
				depth++
			case tk.is(")") || tk.is("]"):
				depth--
			case tk.is(";") && depth <= 0:
				t.Fatalf("Translate(%q) = %q has a second statement", s, out)
			}
		}
	})
}

// TestJSONTextColumnsTyped checks that element_at, subscripts,
// cardinality and the map functions are refused on the lake's columns of
// JSON text when the query is compiled, with the position and what to
// write instead, and only there: CloudTrail Lake's view has them as maps,
// and a WITH query, a subquery or a lambda parameter of the same name is
// not the column.
func TestJSONTextColumnsTyped(t *testing.T) {
	refused := func(in, want string) {
		t.Helper()
		_, err := Translate(in, TranslateOptions{})
		if _, ok := asError[*TypeError](err); !ok || !strings.Contains(err.Error(), want) {
			t.Errorf("Translate(%q) = %v, want a type error that says %q", in, err, want)
		}
	}
	accepted := func(in string) {
		t.Helper()
		if _, err := Translate(in, TranslateOptions{}); err != nil {
			t.Errorf("Translate(%q) = %v, want it accepted", in, err)
		}
	}
	refused("SELECT element_at(requestparameters, 'bucketName') FROM cloudtrail",
		"line 1, column 8: element_at(requestparameters, ...): requestparameters is varchar (JSON text) in Athena's table, not a map; write json_extract_scalar(requestparameters, '$.bucketName')")
	refused("SELECT 1 FROM cloudtrail_logs c\nWHERE c.responseElements['x'] = 'y'", "line 2, column 7: responseelements[...]")
	refused("SELECT 1 FROM cloudtrail WHERE cardinality(additionaleventdata) > 2", "write json_size(additionaleventdata, '$')")
	refused("SELECT map_keys(serviceeventdetails) FROM cloudtrail_111122223333", "map_keys(serviceeventdetails)")
	refused("SELECT a.eventname FROM cloudtrail a JOIN cloudtrail b ON element_at(b.requestparameters, 'k') = a.eventname", "element_at(requestparameters, ...)")
	refused("SELECT (SELECT element_at(requestparameters, 'k') FROM cloudtrail LIMIT 1)", "element_at")
	refused("WITH t AS (SELECT requestparameters['k'] AS k FROM cloudtrail) SELECT * FROM t", "requestparameters[...]")
	// CloudTrail Lake's view, where these columns are maps.
	accepted("SELECT element_at(requestParameters, 'bucketName'), requestParameters['key'], cardinality(responseElements) FROM cloudtrail_lake_events")
	accepted("SELECT element_at(requestParameters, 'bucketName') FROM 11111111-2222-3333-4444-555555555555")
	// A WITH query named like the table, a subquery, a lambda parameter.
	accepted("WITH cloudtrail AS (SELECT map(ARRAY['k'], ARRAY['v']) AS requestparameters) SELECT element_at(requestparameters, 'k') FROM cloudtrail")
	accepted("SELECT element_at(requestparameters, 'k') FROM (SELECT map(ARRAY['k'], ARRAY['v']) AS requestparameters)")
	accepted("SELECT transform(ARRAY[map(ARRAY['k'], ARRAY['v'])], requestparameters -> element_at(requestparameters, 'k')) FROM cloudtrail")
	// The functions Athena users write on these columns.
	accepted("SELECT json_extract_scalar(requestparameters, '$.bucketName'), json_size(responseelements, '$') FROM cloudtrail")
}
