-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 4, DynamoDB reads of a table; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, TABLE_NAME = customers.
-- order: exact
SELECT eventTime, eventName, sourceIPAddress, userIdentity.arn,
       requestParameters
FROM cloudtrail_logs
WHERE eventSource = 'dynamodb.amazonaws.com'
  AND eventName IN ('Scan', 'Query', 'BatchGetItem', 'GetItem')
  AND requestParameters LIKE '%customers%'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
