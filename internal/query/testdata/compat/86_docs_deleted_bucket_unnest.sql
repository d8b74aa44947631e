-- awsdocs/amazon-athena-user-guide doc_source/cloudtrail-logs.md (https://docs.aws.amazon.com/athena/latest/ug/cloudtrail-logs.html; sample code MIT-0): DeleteBucket events with the bucket and its account from the unnested resources, as published.
-- order: exact
SELECT 
    awsregion,
    replace(unnested.resources_entry.ARN,'arn:aws:s3:::') as deleted_bucket,
    eventtime AS time_deleted,
    useridentity.username, 
    unnested.resources_entry.accountid as bucket_acct_id 
FROM cloudtrail_logs t
CROSS JOIN UNNEST(t.resources) unnested (resources_entry)
WHERE eventname = 'DeleteBucket'
ORDER BY eventtime
