-- Incident-response guides: event times as Unix time, and back (to_unixtime, from_unixtime).
-- order: exact
SELECT eventid, to_unixtime(from_iso8601_timestamp(eventtime)) AS epoch,
       from_unixtime(to_unixtime(from_iso8601_timestamp(eventtime))) AS back
FROM cloudtrail
WHERE eventname = 'StopLogging';
