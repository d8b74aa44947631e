-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-ransomware.sql (MIT-0), query 8, snapshots shared with other accounts; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z.
-- order: exact
SELECT eventTime, eventName, userIdentity.arn, requestParameters, responseElements
FROM cloudtrail_logs
WHERE eventName IN ('ModifySnapshotAttribute', 'ModifyDBSnapshotAttribute',
                    'ModifyDBClusterSnapshotAttribute')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
