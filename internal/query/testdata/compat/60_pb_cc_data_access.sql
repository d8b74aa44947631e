-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-credential-compromise.sql (MIT-0), query 4, data reads (S3, DynamoDB, Secrets Manager, SSM) by a credential; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, the key = AKIAALICE00000000001.
-- order: exact
SELECT eventTime, eventName, eventSource, requestParameters, sourceIPAddress
FROM cloudtrail_logs
WHERE userIdentity.accessKeyId = 'AKIAALICE00000000001'
  AND eventSource IN ('s3.amazonaws.com', 'dynamodb.amazonaws.com',
                      'secretsmanager.amazonaws.com', 'ssm.amazonaws.com')
  AND eventName IN ('GetObject', 'GetItem', 'BatchGetItem', 'GetSecretValue',
                    'GetParameter', 'GetParameters')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
