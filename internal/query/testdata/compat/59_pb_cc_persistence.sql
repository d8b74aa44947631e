-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-credential-compromise.sql (MIT-0), query 3, persistence mechanisms created by a principal; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, the key = AKIAALICE00000000001.
-- order: exact
SELECT eventTime, eventName, sourceIPAddress, requestParameters, responseElements
FROM cloudtrail_logs
WHERE userIdentity.accessKeyId = 'AKIAALICE00000000001'
  AND eventName IN ('CreateUser', 'CreateRole', 'CreateAccessKey',
                    'CreateLoginProfile', 'AttachUserPolicy', 'AttachRolePolicy',
                    'PutUserPolicy', 'PutRolePolicy', 'UpdateAssumeRolePolicy',
                    'CreateFunction', 'UpdateFunctionCode', 'AddPermission',
                    'CreateEventSourceMapping', 'PutBucketPolicy',
                    'CreateTrail', 'StopLogging', 'DeleteTrail')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
