-- The SQL texts of internal/query's tests (compat_test, seed_test,
-- translate_test, prune_test, topn_test, engine_test, pushdown_test,
-- safety_test, format_test) that are valid Athena SQL, and the examples of
-- the README, one query per section; sections are separated by a line
-- "====". TestCorpus parses each, checks the round trip, and compares the
-- prints with corpus.golden (go test -update rewrites it).
SELECT eventname, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 2 DESC LIMIT 10
-- from README.md
====
SELECT useridentity.arn, errorcode, count(*) AS count FROM cloudtrail
                WHERE year = '2019' AND month = '09' AND day = '30' AND errorcode != ''
                GROUP BY errorcode, useridentity.arn ORDER BY count DESC LIMIT 50
-- from README.md
====
SELECT record.eventname FROM logs CROSS JOIN UNNEST(records) AS t(record)
-- from README.md
====
SELECT date_add('day', -7, now()), INTERVAL '7' DAY, cardinality(resources), element_at(resources, 1)
FROM cloudtrail CROSS JOIN UNNEST(x, y) AS t(a, b)
-- from README.md
====
SELECT record.eventName AS event, record.userIdentity.arn AS user, record.eventTime, record.resources[1].ARN AS object FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) AS records WHERE record.eventSource = 's3.amazonaws.com' AND (record.eventName IN ('CreateBucket','DeleteBucket') OR record.eventName LIKE '%Object') ORDER BY record.eventTime DESC LIMIT 100;
-- from internal/query/seed_test.go
====
SELECT * FROM cloudtrail_111122223333 WHERE region = 'us-east-1' AND year = '2019' AND month = '09' AND day = '30' LIMIT 5;
-- from internal/query/seed_test.go
====
SELECT useridentity.arn, errorcode, count(*) AS count FROM cloudtrail_111122223333 WHERE year = '2019' AND month = '09' AND day = '30' AND errorcode != '' GROUP BY errorcode, useridentity.arn ORDER BY count DESC LIMIT 50;
-- from internal/query/seed_test.go
====
SELECT eventname, count(*) AS COUNT FROM cloudtrail_111122223333 WHERE year = '2019' AND month = '09' and day = '30' AND useridentity.arn like '%alice%' GROUP BY eventname ORDER BY COUNT DESC
-- from internal/query/seed_test.go
====
SELECT recipientaccountid, count(*) AS COUNT FROM cloudtrail WHERE year = '2019' AND month = '09' AND sourceipaddress = '1.2.3.4' GROUP BY recipientaccountid ORDER BY COUNT DESC
-- from internal/query/seed_test.go
====
select eventname, useridentity.username, sourceIPAddress, eventtime, requestparameters from cloudtrail_logs where eventtime > '2019-02-24T21:22:00Z' and requestparameters like '%sg-0ecc76ac9b16d1e14%' and requestparameters like '%:23%' order by eventtime asc;
-- from internal/query/seed_test.go
====
SELECT * FROM cloudtrail_logs WHERE eventsource = 's3.amazonaws.com' AND eventname in ('GetObject') AND useridentity.accountid LIKE '%ANONYMOUS%' AND useridentity.arn IS NULL AND requestparameters LIKE '%[your bucket name ]%';
-- from internal/query/seed_test.go
====
SELECT useridentity.arn, eventname, sourceipaddress, eventtime FROM cloudtrail_logs LIMIT 100;
-- from internal/query/seed_test.go
====
SELECT 1
-- from internal/query/translate_test.go
====
select "odd "" name" from é
-- from internal/query/translate_test.go
====
select 1;
-- from internal/query/translate_test.go
====
select 1
-- from internal/query/translate_test.go
====
SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail
-- from internal/query/translate_test.go
====
SELECT athena_json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail
-- from internal/query/translate_test.go
====
SELECT json_extract_scalar(x, '$["a b"].c[0]')
-- from internal/query/translate_test.go
====
SELECT athena_json_extract_scalar(x, '$."a b".c[0]')
-- from internal/query/translate_test.go
====
SELECT json_extract(x, '$.a')
-- from internal/query/translate_test.go
====
SELECT TRY(json_extract(x, '$.a'))
-- from internal/query/translate_test.go
====
select from_iso8601_timestamp(eventtime)
-- from internal/query/translate_test.go
====
select eventtimestamp
-- from internal/query/translate_test.go
====
select from_iso8601_timestamp(t.eventtime)
-- from internal/query/translate_test.go
====
select CAST(t.eventtime AS TIMESTAMPTZ)
-- from internal/query/translate_test.go
====
select date_format(x, '%Y-%m-%d %H:%i:%s')
-- from internal/query/translate_test.go
====
select strftime(x, '%Y-%m-%d %H:%M:%S')
-- from internal/query/translate_test.go
====
select date_parse(x, '%d/%m/%Y %T')
-- from internal/query/translate_test.go
====
select strptime(x, '%d/%m/%Y %H:%M:%S')
-- from internal/query/translate_test.go
====
select format_datetime(x, 'yyyy-MM-dd''T''HH:mm:ss.SSS')
-- from internal/query/translate_test.go
====
select strftime(x, '%Y-%m-%dT%H:%M:%S.%g')
-- from internal/query/translate_test.go
====
select now(), current_timestamp, current_date
-- from internal/query/translate_test.go
====
select TIMESTAMPTZ '2019-10-02 03:04:05.000000+00', TIMESTAMPTZ '2019-10-02 03:04:05.000000+00', DATE '2019-10-02'
-- from internal/query/translate_test.go
====
select date_diff('day', a, b), date_add('hour', 1, a)
-- from internal/query/translate_test.go
====
select date_sub('day', a, b), athena_date_add('hour', 1, a)
-- from internal/query/translate_test.go
====
select regexp_like(a, 'x'), regexp_replace(a, '(b)', '[$1]'), regexp_replace(a, 'b')
-- from internal/query/translate_test.go
====
select regexp_matches(a, 'x'), regexp_replace(a, '(b)', '[\1]', 'g'), regexp_replace(a, 'b', '', 'g')
-- from internal/query/translate_test.go
====
select cardinality(r), element_at(r, -1), approx_distinct(x, 0.01), arbitrary(y)
-- from internal/query/translate_test.go
====
select len(r), (r)[-1], approx_count_distinct(x), any_value(y)
-- from internal/query/translate_test.go
====
select any_match(resources, r -> r.type = 'AWS::S3::Object')
-- from internal/query/translate_test.go
====
select (len(list_filter(resources, r -> r.type = 'AWS::S3::Object')) > 0)
-- from internal/query/translate_test.go
====
select cast(x as array(varchar)), try_cast(y AS row(a bigint, b varchar))
-- from internal/query/translate_test.go
====
select "$path" from cloudtrail
-- from internal/query/translate_test.go
====
select _object from cloudtrail
-- from internal/query/translate_test.go
====
select "eventName" from cloudtrail
-- from internal/query/translate_test.go
====
select * from "default"."cloudtrail_logs" join db.logs on true
-- from internal/query/translate_test.go
====
select * from "cloudtrail_logs" join logs on true
-- from internal/query/translate_test.go
====
select * from main.cloudtrail, information_schema.tables
-- from internal/query/translate_test.go
====
select extract(year from t.eventtimestamp)
-- from internal/query/translate_test.go
====
select 'json_extract_scalar(' || x
-- from internal/query/translate_test.go
====
select x.json_extract_scalar(1)
-- from internal/query/translate_test.go
====
SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)
-- from internal/query/translate_test.go
====
SELECT record FROM _logs_records AS t (record)
-- from internal/query/translate_test.go
====
SELECT t.record.eventName FROM logs CROSS JOIN UNNEST(records) WITH ORDINALITY AS t (record, i)
-- from internal/query/translate_test.go
====
DESCRIBE cloudtrail
-- from internal/query/translate_test.go
====
explain select now()
-- from internal/query/translate_test.go
====
explain select TIMESTAMPTZ '2019-10-02 03:04:05.000000+00'
-- from internal/query/translate_test.go
====
SHOW CREATE TABLE cloudtrail
-- from internal/query/translate_test.go
====
select reduce(a, 0, (s, x) -> s + x, s -> s)
-- from internal/query/translate_test.go
====
select date_format(x, fmt)
-- from internal/query/translate_test.go
====
select date_format(x, '%Q')
-- from internal/query/translate_test.go
====
select date_add('day', 1)
-- from internal/query/translate_test.go
====
SELECT json_extract_scalar(requestparameters, '$.a') FROM cloudtrail WHERE year = '2019'
-- from internal/query/translate_test.go
====
select record.eventName from logs cross join unnest(records) as t(record)
-- from internal/query/translate_test.go
====
select date_format(from_iso8601_timestamp(eventtime), '%Y') from default.cloudtrail_logs
-- from internal/query/translate_test.go
====
SHOW PARTITIONS cloudtrail
-- from internal/query/translate_test.go
====
explain analyze select 1
-- from internal/query/translate_test.go
====
select 'a''b' -- c
;
-- from internal/query/translate_test.go
====
SELECT * FROM cloudtrail WHERE requestparameters LIKE '%sg-1%' AND eventtime > '2019'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail c WHERE c.useridentity.accesskeyid = 'AKIA1' AND '1.2.3.4' = sourceipaddress
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail_logs AS l WHERE l.eventid IN ('a', 'b') AND year = '2019'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE athena_json_extract_scalar(requestparameters, '$.groupId') = 'sg-1' LIMIT 3
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE eventid = 'a' OR eventid = 'b'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE NOT eventid = 'a'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE CASE WHEN errorcode = 'x' AND eventid = 'a' AND 1 = 1 THEN true ELSE true END
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE eventtime BETWEEN 'a' AND 'b' AND eventid = 'x'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE lower(eventid) = 'x' AND eventid LIKE 'x' ESCAPE '!'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail_111122223333
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail JOIN cloudtrail_logs USING (eventid) WHERE eventid = 'x'
-- from internal/query/prune_test.go
====
WITH cloudtrail AS (SELECT 1) SELECT * FROM cloudtrail WHERE eventid = 'x'
-- from internal/query/prune_test.go
====
SELECT * FROM (SELECT * FROM cloudtrail WHERE eventid = 'x') t WHERE sourceipaddress = 'y'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE eventid = 'x' UNION ALL SELECT * FROM cloudtrail_logs WHERE (eventid = 'y')
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE eventid = ? AND sourceipaddress = 'y'
-- from internal/query/prune_test.go
====
SELECT * FROM other WHERE eventid = 'x'
-- from internal/query/prune_test.go
====
SELECT eventid FROM cloudtrail WHERE sourceipaddress = '1.2.3.4' ORDER BY 1
-- from internal/query/prune_test.go
====
SELECT eventid FROM cloudtrail t WHERE t.sourceipaddress IN ('1.2.3.4', '203.0.113.99') ORDER BY 1
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail WHERE eventid = 'no-such-event-id-at-all'
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail WHERE requestparameters LIKE '%sg-ffffffffffffffff0%'
-- from internal/query/prune_test.go
====
SELECT useridentity.arn, count(*) FROM cloudtrail_111122223333 WHERE useridentity.arn LIKE '%user/mallory%' GROUP BY 1 ORDER BY 1
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail WHERE account = '444455556666' AND day IN ('29', '30')
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail WHERE sourceipaddress = '1.2.3.4' OR eventname = 'GetObject'
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail WHERE requestparameters LIKE '%ANONYMOUS%'
-- from internal/query/prune_test.go
====
SELECT count(*) FROM cloudtrail WHERE CASE WHEN eventname = 'x' AND sourceipaddress = '1.2.3.4' AND 1 = 1 THEN false ELSE true END
-- from internal/query/prune_test.go
====
SELECT a.eventid FROM cloudtrail a WHERE a.eventid IN (SELECT eventid FROM cloudtrail_logs WHERE sourceipaddress = '1.2.3.4') ORDER BY 1
-- from internal/query/prune_test.go
====
SELECT count(*) FROM (SELECT * FROM cloudtrail WHERE sourceipaddress = '1.2.3.4') x, cloudtrail_logs y WHERE x.eventid = y.eventid
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE requestparameters LIKE '%sg-1%' AND year = '2019'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail_logs l WHERE l.eventid IN ('a', 'b') AND athena_json_extract_scalar(requestparameters, '$.x') = 'y'
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail WHERE CASE WHEN a AND b THEN c END AND x BETWEEN 1 AND 2
-- from internal/query/prune_test.go
====
SELECT * FROM cloudtrail ORDER BY eventtime DESC LIMIT 10
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail c WHERE c.eventname = 'x' ORDER BY c.eventtime LIMIT 5 OFFSET 2
-- from internal/query/topn_test.go
====
SELECT eventid, useridentity.arn AS who, t.* FROM cloudtrail_logs t WHERE year = '2019' AND day IN ('01', '02') ORDER BY "eventtime" DESC NULLS LAST, eventid LIMIT 3
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail WHERE year = '2019' OR eventname = 'x' LIMIT 5
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail WHERE year = '2019' LIMIT 5
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail WHERE eventname = ? ORDER BY eventtime DESC LIMIT 5
-- from internal/query/topn_test.go
====
SELECT * FROM (SELECT * FROM cloudtrail WHERE eventsource = 's3' ORDER BY eventtime DESC LIMIT 100) x
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail t ORDER BY t.eventtimestamp DESC LIMIT 4
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail ORDER BY eventtime DESC NULLS FIRST LIMIT 10
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail ORDER BY eventid DESC LIMIT 10
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail ORDER BY eventtime DESC
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail ORDER BY lower(eventtime) DESC LIMIT 1
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail x ORDER BY y.eventtime DESC LIMIT 1
-- from internal/query/topn_test.go
====
SELECT count(*) FROM cloudtrail ORDER BY eventtime LIMIT 1
-- from internal/query/topn_test.go
====
SELECT DISTINCT eventname FROM cloudtrail LIMIT 3
-- from internal/query/topn_test.go
====
SELECT eventname FROM cloudtrail GROUP BY eventname LIMIT 3
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail ORDER BY eventtime DESC LIMIT 10000000
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail LIMIT ?
-- from internal/query/topn_test.go
====
SELECT * FROM other UNION SELECT * FROM cloudtrail ORDER BY eventtime LIMIT 5
-- from internal/query/topn_test.go
====
SELECT * FROM other UNION ALL SELECT * FROM cloudtrail LIMIT 5
-- from internal/query/topn_test.go
====
SELECT * FROM other UNION ALL (SELECT * FROM cloudtrail LIMIT 5)
-- from internal/query/topn_test.go
====
SELECT eventid, eventtime FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 3
-- from internal/query/topn_test.go
====
SELECT eventid, eventtime FROM cloudtrail ORDER BY eventtime, eventid LIMIT 3
-- from internal/query/topn_test.go
====
SELECT eventid, eventtime FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 2 OFFSET 2
-- from internal/query/topn_test.go
====
SELECT t.eventid, t.eventtime AS at FROM cloudtrail_logs t WHERE t.eventname = 'GetObject' ORDER BY t.eventtime DESC, t.eventid LIMIT 2
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail WHERE errorcode IS NOT NULL ORDER BY eventtime ASC, eventid LIMIT 1
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail_111122223333 WHERE eventsource = 'ec2.amazonaws.com' ORDER BY eventtime DESC, eventid LIMIT 4
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail WHERE year = '2019' ORDER BY eventtime DESC, eventid LIMIT 3
-- from internal/query/topn_test.go
====
SELECT eventid, eventtime FROM cloudtrail ORDER BY from_iso8601_timestamp(eventtime) DESC, eventid LIMIT 3
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail_logs WHERE eventname = 'GetObject' ORDER BY from_iso8601_timestamp(eventtime), eventid LIMIT 2
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail WHERE eventname = 'no such event' ORDER BY eventtime DESC LIMIT 3
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 100000
-- from internal/query/topn_test.go
====
SELECT eventid FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 0
-- from internal/query/topn_test.go
====
SELECT record.eventID FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) AS records WHERE record.eventSource = 's3.amazonaws.com' ORDER BY record.eventTime DESC, record.eventID LIMIT 3
-- from internal/query/topn_test.go
====
SELECT useridentity.arn, eventname, sourceipaddress, eventtime FROM cloudtrail_logs LIMIT 3
-- from internal/query/topn_test.go
====
SELECT * FROM cloudtrail WHERE region = 'us-east-1' LIMIT 2
-- from internal/query/topn_test.go
====
SELECT count(*) FROM (SELECT * FROM cloudtrail LIMIT 5)
-- from internal/query/topn_test.go
====
SELECT count(*) FROM (SELECT * FROM cloudtrail WHERE eventname = 'GetObject' LIMIT 5)
-- from internal/query/topn_test.go
====
SELECT count(*) FROM cloudtrail WHERE account = '111122223333' AND region = 'us-east-1' AND year = '2019' AND month = '09' AND day = '30'
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail_111122223333 WHERE region = 'us-east-1' AND year = '2019' AND month = '09' AND day = '30'
-- from internal/query/engine_test.go
====
SELECT count(eventname) FROM cloudtrail_logs WHERE region = 'us-east-1' AND account = '111122223333' AND concat(year, month, day) = '20190930'
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail WHERE account = '444455556666' AND year = '2019' AND month = '09'
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin'
-- from internal/query/engine_test.go
====
SELECT count(*), count(DISTINCT eventid) FROM cloudtrail
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail_444455556666
-- from internal/query/engine_test.go
====
SELECT record.eventName FROM logs CROSS JOIN UNNEST(records) AS t(record)
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail WHERE account = ?
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail_logs
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail WHERE eventname = ? AND sourceipaddress = ?
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail WHERE eventname = ?
-- from internal/query/engine_test.go
====
SELECT eventname FROM cloudtrail WHERE eventtimestamp = ?
-- from internal/query/engine_test.go
====
SELECT count(*), eventname, useridentity.arn, 1 + 1 FROM cloudtrail GROUP BY 2, 3 LIMIT 1
-- from internal/query/engine_test.go
====
SELECT eventid FROM cloudtrail
-- from internal/query/engine_test.go
====
SELECT eventid FROM cloudtrail LIMIT 10
-- from internal/query/engine_test.go
====
SELECT eventnam FROM cloudtrail
-- from internal/query/engine_test.go
====
SELECT useridentity.usernam FROM cloudtrail
-- from internal/query/engine_test.go
====
SELECT * FROM cloudtrail_logs_mybucket
-- from internal/query/engine_test.go
====
SELECT frobnicate(eventname) FROM cloudtrail
-- from internal/query/engine_test.go
====
SELECT json_extract_scalar(eventname) FROM cloudtrail
-- from internal/query/engine_test.go
====
SELECT eventname FROM cloudtrail WHERE eventtime > 5
-- from internal/query/engine_test.go
====
SELECT date_add('fortnight', 1, eventtimestamp) FROM cloudtrail
-- from internal/query/engine_test.go
====
SHOW PARTITIONS logs
-- from internal/query/engine_test.go
====
SELECT r.eventName FROM (SELECT record AS r FROM logs CROSS JOIN UNNEST(records) AS t(record)) WHERE r.eventName = 'StopLogging'
-- from internal/query/engine_test.go
====
SELECT from_iso8601_timestamp(eventtime) FROM (SELECT '2019-01-01T00:00:00Z' AS eventtime)
-- from internal/query/engine_test.go
====
SELECT current_setting('memory_limit'), current_setting('threads')
-- from internal/query/engine_test.go
====
SELECT count(*) FROM cloudtrail WHERE eventname <> ?
-- from internal/query/engine_test.go
====
SHOW TABLES
-- from internal/query/engine_test.go
====
DESCRIBE cloudtrail_logs
-- from internal/query/engine_test.go
====
EXPLAIN SELECT count(*) FROM cloudtrail WHERE year = '2019' AND json_extract_scalar(requestparameters, '$.userName') = 'ghost-admin'
-- from internal/query/engine_test.go
====
SHOW DATABASES
-- from internal/query/engine_test.go
====
SELECT record.eventName, record.eventTime FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.eventSource = 's3.amazonaws.com' ORDER BY record.eventTime DESC, record.eventName LIMIT 3
-- from internal/query/pushdown_test.go
====
SELECT eventname, eventtime FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' ORDER BY eventtime DESC, eventname LIMIT 3
-- from internal/query/pushdown_test.go
====
SELECT record.eventName AS event, record.userIdentity.arn AS user, record.eventTime, record.resources[1].ARN AS object FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) AS records WHERE record.eventSource = 's3.amazonaws.com' AND (record.eventName IN ('CreateBucket','DeleteBucket') OR record.eventName LIKE '%Object') ORDER BY record.eventTime DESC, record.eventName LIMIT 4
-- from internal/query/pushdown_test.go
====
SELECT eventname, useridentity.arn, eventtime, resources[1].arn FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' AND (eventname IN ('CreateBucket','DeleteBucket') OR eventname LIKE '%Object') ORDER BY eventtime DESC, eventname LIMIT 4
-- from internal/query/pushdown_test.go
====
SELECT count(record.eventName) FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.userIdentity.arn LIKE '%alice%' AND record.userIdentity IS NOT NULL
-- from internal/query/pushdown_test.go
====
SELECT count(eventname) FROM cloudtrail WHERE useridentity.arn LIKE '%alice%'
-- from internal/query/pushdown_test.go
====
SELECT DISTINCT record.eventName FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.eventSource = 's3.amazonaws.com' ORDER BY record.eventName LIMIT 2
-- from internal/query/pushdown_test.go
====
SELECT DISTINCT eventname FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' ORDER BY eventname LIMIT 2
-- from internal/query/pushdown_test.go
====
SELECT record.eventName FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.eventSource = 's3.amazonaws.com' OR record.errorCode IS NOT NULL ORDER BY record.eventTime, record.eventID LIMIT 5
-- from internal/query/pushdown_test.go
====
SELECT eventname FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' OR errorcode IS NOT NULL ORDER BY eventtime, eventid LIMIT 5
-- from internal/query/pushdown_test.go
====
SELECT write_log('x')
-- from internal/query/safety_test.go
====
SELECT setseed(0.5)
-- from internal/query/safety_test.go
====
SELECT getenv('HOME')
-- from internal/query/safety_test.go
====
SELECT current_setting('lock_configuration'), current_setting('enable_external_access'), count(*) FROM cloudtrail
-- from internal/query/safety_test.go
====
SELECT * FROM cloudtrail ORDER BY eventtime
-- from internal/query/format_test.go
====
select * from cloudtrail tablesample bernoulli (10)
-- Athena's TABLESAMPLE (formerly in internal/query/translate_test.go)
