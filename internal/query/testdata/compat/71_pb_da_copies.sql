-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-data-access.sql (MIT-0), query 12, copies and snapshots made by a principal; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, SUSPECT_PRINCIPAL = arn:aws:iam::111122223333:user/alice.
-- order: exact
SELECT eventTime, eventName, requestParameters
FROM cloudtrail_logs
WHERE userIdentity.arn = 'arn:aws:iam::111122223333:user/alice'
  AND eventName IN ('CopyObject', 'PutObject', 'CreateSnapshot',
                    'CopySnapshot', 'ShareSnapshot')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
