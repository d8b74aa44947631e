-- Incident-response guides: what a user did in the last seven days (now() is the query's time).
-- order: exact
SELECT eventname, count(*) AS n
FROM cloudtrail
WHERE from_iso8601_timestamp(eventtime) > now() - INTERVAL '7' DAY
  AND useridentity.username = 'mallory'
GROUP BY eventname
ORDER BY n DESC, eventname;
