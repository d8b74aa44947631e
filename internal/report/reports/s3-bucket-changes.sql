-- title: S3 bucket and object changes
-- question: Who changed S3 buckets and objects, and when?
-- description: Every S3 call that is not read-only: buckets created and deleted, policies, ACLs, encryption, versioning, lifecycle and public access blocks changed, objects written and deleted (object calls are data events, recorded only when the trail logs them).
-- param: bucket (string, default ''): only this bucket ('' for every bucket)
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
       json_extract_scalar(requestparameters, '$.key') AS object_key,
       sourceipaddress, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 's3.amazonaws.com'
  AND readonly = 'false'
  AND (:bucket = '' OR json_extract_scalar(requestparameters, '$.bucketName') = :bucket)
ORDER BY eventtimestamp, eventid
