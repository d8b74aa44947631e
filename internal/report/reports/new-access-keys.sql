-- title: New access keys and login profiles
-- question: Who created access keys or console passwords, and for whom?
-- description: CreateAccessKey, CreateLoginProfile and UpdateLoginProfile calls, with the user they were for and the key created. A key created for another user is a classic persistence step.
SELECT eventtime, account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.userName'), useridentity.username) AS for_user,
       json_extract_scalar(responseelements, '$.accessKey.accessKeyId') AS access_key_id,
       sourceipaddress, useragent, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 'iam.amazonaws.com'
  AND eventname IN ('CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile')
ORDER BY eventtimestamp, eventid
