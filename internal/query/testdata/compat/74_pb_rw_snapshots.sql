-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-ransomware.sql (MIT-0), query 3, EBS snapshots deleted, copied or shared; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z.
-- order: exact
SELECT eventTime, eventName, userIdentity.arn, awsRegion,
       requestParameters, responseElements, errorCode
FROM cloudtrail_logs
WHERE eventSource = 'ec2.amazonaws.com'
  AND eventName IN ('DeleteSnapshot', 'ModifySnapshotAttribute',
                    'CopySnapshot', 'CreateSnapshot', 'CreateSnapshots')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
