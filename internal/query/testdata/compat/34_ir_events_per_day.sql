-- Incident-response guides: daily volume and errors (date_format, count_if).
-- order: exact
SELECT date_format(from_iso8601_timestamp(eventtime), '%Y-%m-%d') AS day, count(*) AS events,
       count_if(errorcode IS NOT NULL) AS errors
FROM cloudtrail
GROUP BY 1
ORDER BY 1;
