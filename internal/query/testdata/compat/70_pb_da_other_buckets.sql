-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 11, the buckets a principal read from (SELECT DISTINCT json_extract_scalar); placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, SUSPECT_PRINCIPAL = arn:aws:iam::111122223333:user/alice.
-- order: any
SELECT DISTINCT json_extract_scalar(requestParameters, '$.bucketName') as bucket_accessed
FROM cloudtrail_logs
WHERE userIdentity.arn = 'arn:aws:iam::111122223333:user/alice'
  AND eventSource = 's3.amazonaws.com'
  AND eventName = 'GetObject'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z';
