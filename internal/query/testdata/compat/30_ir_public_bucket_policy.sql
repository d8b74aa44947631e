-- Incident-response guides (exposure): bucket policies that grant access to everyone.
-- order: exact
SELECT eventtime, useridentity.arn, json_extract_scalar(requestparameters, '$.bucketName') AS bucket
FROM cloudtrail
WHERE eventname IN ('PutBucketPolicy', 'PutBucketAcl', 'DeletePublicAccessBlock')
  AND json_extract_scalar(requestparameters, '$.bucketPolicy.Statement[0].Principal') = '*';
