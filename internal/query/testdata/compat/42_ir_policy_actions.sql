-- Incident-response guides: bucket policies that allow s3:GetObject (json_array_contains).
-- order: exact
SELECT eventtime, json_extract_scalar(requestparameters, '$.bucketName') AS bucket
FROM cloudtrail
WHERE eventname = 'PutBucketPolicy'
  AND json_array_contains(json_extract(requestparameters, '$.bucketPolicy.Statement[0].Action'), 's3:GetObject');
