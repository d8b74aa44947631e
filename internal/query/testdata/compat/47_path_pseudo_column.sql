-- Athena's "$path" pseudo-column: which log files hold the console sign-ins.
-- order: exact
SELECT regexp_extract("$path", '[^/]+$') AS file, count(*) AS n
FROM cloudtrail
WHERE eventname = 'ConsoleLogin'
GROUP BY 1
ORDER BY 1;
