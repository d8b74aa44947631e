-- title: Everything one user did
-- question: What did this user do, call by call, in time order?
-- description: Every event of one principal, in time order: the IAM user itself (by name or ARN), its access keys, and its role sessions (by session name or the user name carried as sourceIdentity).
-- param: user (string, required): IAM user name, ARN, access key id or role session name
-- param: limit (int, default 1000): how many events to show at most
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.userName'), json_extract_scalar(requestparameters, '$.bucketName'),
                json_extract_scalar(requestparameters, '$.groupId'), json_extract_scalar(requestparameters, '$.roleArn'),
                json_extract_scalar(requestparameters, '$.secretId'), json_extract_scalar(requestparameters, '$.name')) AS target,
       sourceipaddress, useragent, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND (useridentity.username = :user OR useridentity.arn = :user OR useridentity.accesskeyid = :user
       OR (useridentity.type = 'AssumedRole' AND (useridentity.arn LIKE '%/' || CAST(:user AS VARCHAR)
           OR useridentity.sessioncontext.sourceidentity = :user)))
ORDER BY eventtimestamp, eventid
LIMIT :limit
