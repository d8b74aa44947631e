-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-credential-compromise.sql (MIT-0), query 5, cross-account role assumptions by a credential; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, the key = AKIABOB0000000000002.
-- order: exact
SELECT eventTime, eventName, requestParameters, responseElements,
       sourceIPAddress, recipientAccountId
FROM cloudtrail_logs
WHERE userIdentity.accessKeyId = 'AKIABOB0000000000002'
  AND eventName = 'AssumeRole'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
