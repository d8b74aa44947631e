-- Trino documentation (UNNEST of an array of rows into one column per field), applied to CloudTrail's resources: the S3 objects read or written.
-- order: exact
SELECT eventname, t.arn, t.type
FROM cloudtrail_logs
CROSS JOIN UNNEST(resources) AS t (arn, accountid, type)
WHERE eventsource = 's3.amazonaws.com' AND t.type = 'AWS::S3::Object'
ORDER BY eventtime;
