-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 6, GetObject per principal and address with first and last access (a NULL principal groups as one); placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, BUCKET_NAME = trailsql-demo-public.
-- order: sorted:-3
SELECT userIdentity.arn, sourceIPAddress, COUNT(*) as read_count,
       MIN(eventTime) as first_access, MAX(eventTime) as last_access
FROM cloudtrail_logs
WHERE eventSource = 's3.amazonaws.com'
  AND eventName = 'GetObject'
  AND requestParameters LIKE '%trailsql-demo-public%'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
GROUP BY userIdentity.arn, sourceIPAddress
ORDER BY read_count DESC;
