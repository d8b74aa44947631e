-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-credential-compromise.sql (MIT-0), query 1, all API calls made by an access key in a time window; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, the key = AKIABOB0000000000002.
-- order: exact
SELECT eventTime, eventName, awsRegion, sourceIPAddress, userAgent,
       requestParameters, responseElements, errorCode
FROM cloudtrail_logs
WHERE userIdentity.accessKeyId = 'AKIABOB0000000000002'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
