-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 3, bulk reads per principal and hour (DATE_TRUNC in GROUP BY, HAVING COUNT); placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, BUCKET_NAME = trailsql-demo-public, and the HAVING threshold adjusted to the fixture's volume as the file asks (100 to 2).
-- order: exact
SELECT DATE_TRUNC('hour', from_iso8601_timestamp(eventTime)) as hour_bucket,
       userIdentity.arn, COUNT(*) as read_count
FROM cloudtrail_logs
WHERE eventSource = 's3.amazonaws.com'
  AND eventName = 'GetObject'
  AND requestParameters LIKE '%trailsql-demo-public%'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
GROUP BY DATE_TRUNC('hour', from_iso8601_timestamp(eventTime)), userIdentity.arn
HAVING COUNT(*) > 2
ORDER BY hour_bucket ASC;
