-- SQL texts of internal/query's tests that are not valid Athena SQL
-- (DuckDB syntax, table functions, fragments, several statements), one per
-- section; sections are separated by a line "====". TestRejected checks
-- that each is an error and compares the errors with rejected.golden
-- (go test -update rewrites it).
select eventname, count(*) AS "COUNT" from cloudtrail -- note
where x = 'it''s' /* c */ and y::int >= 1.5e3
-- from internal/query/translate_test.go
====
select `a` from t where a->>'$.b' = ? and c = $1
-- from internal/query/translate_test.go
====
select 'unterminated
-- from internal/query/translate_test.go
====
select cast(x AS varchar[]), try_cast(y AS STRUCT(a bigint, b varchar))
-- from internal/query/translate_test.go
====
select `eventName` from awsdatacatalog.default.cloudtrail
-- from internal/query/translate_test.go
====
select * from cloudtrail TABLESAMPLE 10% (bernoulli)
-- from internal/query/translate_test.go
====
SELECT column_name AS col_name, column_type AS data_type FROM (DESCRIBE "cloudtrail")
-- from internal/query/translate_test.go
====
select 1; select 2
-- from internal/query/translate_test.go
====
select 1; copy (select 1) to 'x'
-- from internal/query/translate_test.go
====
select 'abc
-- from internal/query/translate_test.go
====
select cast(x as array(row(a varchar))) , "$path", `x`
-- from internal/query/translate_test.go
====
SELECT * FROM cloudtrail WHERE eventid = 'a' IS NOT TRUE AND (sourceipaddress = 'b')
-- from internal/query/prune_test.go
====
SELECT eventid FROM cloudtrail WHERE requestparameters LIKE '%
-- from internal/query/prune_test.go
====
SELECT eventid FROM cloudtrail_logs WHERE requestparameters like '%
-- from internal/query/prune_test.go
====
SELECT eventid FROM cloudtrail WHERE json_extract_scalar(requestparameters, '$.groupId') = '
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail_logs WHERE requestparameters LIKE '%
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail WHERE eventid = 'no-such-event-id-at-all' IS NOT TRUE
-- from internal/query/prune_test.go
====
SELECT * FROM (SELECT * FROM cloudtrail WHERE (eventid = 'x')) WHERE
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail ORDER BY eventtime DESC LIMIT 10 UNION ALL SELECT * FROM cloudtrail
-- from internal/query/topn_test.go
====
SELECT count(*) FROM
-- from internal/query/engine_test.go
====
SELECT 1 AS i, 2.5 AS f, true AS b, NULL AS n, 'x' AS s, [1, 2] AS l, {'B': 1, 'a': [true]} AS st,
		TIMESTAMPTZ '2019-09-30 10:15:00+00' AS tz, TIMESTAMP '2019-09-30 10:15:00' AS ts, DATE '2019-09-30' AS d,
		sum(10) AS h, INTERVAL '7' DAY AS iv, CAST('{"k": [1]}' AS JSON) AS j, 1.25::DECIMAL(5,2) AS dec, map(['a'], [1]) AS m, 5 / 2 AS div
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail GROUP BY
-- from internal/query/engine_test.go
====
SELECT count(*) FROM range(100000000000) a(x), range(10) b(y) WHERE x % 7 = y
-- from internal/query/engine_test.go
====
SELECT list(x || 'padding-padding-padding') FROM range(20000000) t(x)
-- from internal/query/engine_test.go
====
SHOW TABLES = %s
-- from internal/query/engine_test.go
====
DESCRIBE: %v %v
-- from internal/query/engine_test.go
====
EXPLAIN: %v
-- from internal/query/engine_test.go
====
SHOW DATABASES: %v
-- from internal/query/engine_test.go
====
SELECT 1; COPY (SELECT 1) TO '
-- from internal/query/safety_test.go
====
EXPLAIN COPY (SELECT 1) TO '
-- from internal/query/safety_test.go
====
SELECT * FROM read_csv('
-- from internal/query/safety_test.go
====
SELECT * FROM read_csv_auto('/etc/passwd')
-- from internal/query/safety_test.go
====
SELECT * FROM read_text('/etc/hostname')
-- from internal/query/safety_test.go
====
SELECT * FROM read_blob('
-- from internal/query/safety_test.go
====
SELECT * FROM read_json('
-- from internal/query/safety_test.go
====
SELECT * FROM read_parquet('
-- from internal/query/safety_test.go
====
SELECT * FROM parquet_metadata('
-- from internal/query/safety_test.go
====
SELECT * FROM glob('/etc/*')
-- from internal/query/safety_test.go
====
SELECT * FROM '
-- from internal/query/safety_test.go
====
SELECT * FROM query('SELECT 42')
-- from internal/query/safety_test.go
====
SELECT * FROM query_table('cloudtrail')
-- from internal/query/safety_test.go
====
SELECT * FROM sniff_csv('
-- from internal/query/safety_test.go
====
SELECT * FROM duckdb_settings()
-- from internal/query/safety_test.go
====
SELECT * FROM enable_logging()
-- from internal/query/safety_test.go
====
SELECT * FROM enable_logging(storage = 'file', storage_path = '
-- from internal/query/safety_test.go
====
SELECT * FROM (SELECT * FROM cloudtrail) JOIN checkpoint() ON true
-- from internal/query/safety_test.go
====
WITH x AS (SELECT * FROM read_csv('
-- from internal/query/safety_test.go
====
SELECT (SELECT count(*) FROM read_text('/etc/hostname'))
-- from internal/query/safety_test.go
====
SELECT * FROM read_csv('/etc/passwd')
-- from internal/query/safety_test.go
====
SELECT 1; SELECT 2
-- from internal/query/safety_test.go
