-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-ransomware.sql (MIT-0), query 5, every KMS call in a time window; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z.
-- order: exact
SELECT eventTime, eventName, userIdentity.arn, awsRegion,
       requestParameters, responseElements, sourceIPAddress, errorCode
FROM cloudtrail_logs
WHERE eventSource = 'kms.amazonaws.com'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
