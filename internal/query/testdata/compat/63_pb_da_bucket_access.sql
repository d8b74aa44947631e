-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 1, S3 data access to one bucket in a time window; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, BUCKET_NAME = trailsql-demo-public.
-- order: exact
SELECT eventTime, eventName, sourceIPAddress, userIdentity.arn,
       userAgent, requestParameters, responseElements, errorCode
FROM cloudtrail_logs
WHERE eventSource = 's3.amazonaws.com'
  AND requestParameters LIKE '%trailsql-demo-public%'
  AND eventName IN ('GetObject', 'HeadObject', 'ListObjects', 'ListObjectsV2',
                    'SelectObjectContent', 'CopyObject')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
