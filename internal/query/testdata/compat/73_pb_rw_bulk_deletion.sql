-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-ransomware.sql (MIT-0), query 2, destructive calls across S3, EBS and RDS; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z.
-- order: exact
SELECT eventTime, eventSource, eventName, userIdentity.arn,
       requestParameters, sourceIPAddress, awsRegion
FROM cloudtrail_logs
WHERE eventName IN ('DeleteObject', 'DeleteObjects', 'DeleteSnapshot',
                    'DeleteDBSnapshot', 'DeleteDBClusterSnapshot',
                    'DeleteRecoveryPoint', 'DeleteBackupVault',
                    'PutBucketVersioning', 'DeleteBucketPolicy')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
