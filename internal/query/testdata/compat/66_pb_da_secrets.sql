-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 5, Secrets Manager and Parameter Store reads; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z.
-- order: exact
SELECT eventTime, eventName, sourceIPAddress, userIdentity.arn,
       requestParameters
FROM cloudtrail_logs
WHERE eventSource IN ('secretsmanager.amazonaws.com', 'ssm.amazonaws.com')
  AND eventName IN ('GetSecretValue', 'GetParameter', 'GetParameters',
                    'GetParametersByPath')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
