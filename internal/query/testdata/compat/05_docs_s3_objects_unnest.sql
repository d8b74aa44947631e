-- AWS documentation, S3 data events: the objects named in the resources array, with CROSS JOIN UNNEST.
-- order: exact
SELECT eventname, r.arn, r.type
FROM cloudtrail_logs
CROSS JOIN UNNEST(resources) AS t(r)
WHERE eventsource = 's3.amazonaws.com' AND r.type = 'AWS::S3::Object'
ORDER BY eventtime;
