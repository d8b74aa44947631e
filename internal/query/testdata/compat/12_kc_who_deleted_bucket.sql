-- AWS Knowledge Center, find who deleted an S3 bucket with Athena.
-- order: exact
SELECT eventtime, useridentity.arn, json_extract_scalar(requestparameters, '$.bucketName') AS bucket
FROM cloudtrail
WHERE eventsource = 's3.amazonaws.com' AND eventname = 'DeleteBucket';
