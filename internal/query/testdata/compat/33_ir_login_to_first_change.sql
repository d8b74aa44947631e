-- Incident-response guides: minutes between a console sign-in and the first IAM change (date_diff).
-- order: exact
WITH l AS (SELECT min(from_iso8601_timestamp(eventtime)) AS t FROM cloudtrail
           WHERE eventname = 'ConsoleLogin' AND useridentity.username = 'alice'),
     c AS (SELECT min(from_iso8601_timestamp(eventtime)) AS t FROM cloudtrail
           WHERE eventname = 'CreateUser')
SELECT date_diff('minute', l.t, c.t) AS minutes FROM l, c;
