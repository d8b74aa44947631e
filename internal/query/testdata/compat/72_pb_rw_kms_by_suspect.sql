-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-ransomware.sql (MIT-0), query 1, KMS key creation and use by a suspect (LIKE on the ARN); placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, SUSPECTED_PRINCIPAL = mallory.
-- order: exact
SELECT eventTime, eventName, userIdentity.arn, awsRegion,
       requestParameters, responseElements, sourceIPAddress
FROM cloudtrail_logs
WHERE userIdentity.arn LIKE '%mallory%'
  AND eventSource = 'kms.amazonaws.com'
  AND eventName IN ('CreateKey', 'CreateGrant', 'Encrypt', 'ReEncryptFrom',
                    'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
                    'ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
