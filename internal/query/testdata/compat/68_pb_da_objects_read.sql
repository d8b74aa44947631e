-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 8, the objects a principal read (json_extract_scalar of the key); placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, BUCKET_NAME = trailsql-demo-public, SUSPECT_PRINCIPAL = arn:aws:iam::111122223333:user/alice.
-- order: exact
SELECT eventTime, json_extract_scalar(requestParameters, '$.key') as object_key,
       sourceIPAddress, userIdentity.arn
FROM cloudtrail_logs
WHERE eventSource = 's3.amazonaws.com'
  AND eventName = 'GetObject'
  AND requestParameters LIKE '%trailsql-demo-public%'
  AND userIdentity.arn = 'arn:aws:iam::111122223333:user/alice'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
