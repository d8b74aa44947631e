-- AWS documentation (JSON SerDe table of whole log files): records per event source through UNNEST.
-- order: exact
SELECT record.eventSource, count(*) AS n
FROM logs
CROSS JOIN UNNEST(records) AS t(record)
GROUP BY 1
ORDER BY n DESC, 1;
