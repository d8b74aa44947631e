-- The logs table directly: the largest log files by number of records (cardinality of the records array).
-- order: exact
SELECT cardinality(records) AS n, count(*) AS files
FROM logs
GROUP BY 1
ORDER BY n DESC
LIMIT 3;
