-- Incident-response guides: activity in an account two hours either side of an alert, with date_add.
-- order: exact
SELECT count(*) AS events
FROM cloudtrail
WHERE from_iso8601_timestamp(eventtime)
      BETWEEN date_add('hour', -2, from_iso8601_timestamp('2019-09-30T10:15:00Z'))
          AND date_add('hour', 2, from_iso8601_timestamp('2019-09-30T10:15:00Z'))
  AND recipientaccountid = '444455556666';
