-- Incident-response guides: the three hours before midnight on 30 September (INTERVAL '3' HOUR).
-- order: exact
SELECT count(*) AS events
FROM cloudtrail
WHERE from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('2019-09-30T00:00:00Z') - INTERVAL '3' HOUR
  AND from_iso8601_timestamp(eventtime) < from_iso8601_timestamp('2019-09-30T00:00:00Z');
