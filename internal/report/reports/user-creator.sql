-- title: Who created a user
-- question: Who created this IAM user, when, from where, and what did they give it?
-- description: The CreateUser call for the user (every CreateUser when no user is given), with the creator and, for each created user, the policies attached, groups joined, access keys and login profiles created for it afterwards.
-- param: user (string, default ''): the IAM user name ('' for every user created)
WITH created AS (
  SELECT eventtime, eventtimestamp, account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS creator,
         json_extract_scalar(requestparameters, '$.userName') AS user_name,
         sourceipaddress, useragent, errorcode
  FROM cloudtrail
  WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
    AND eventsource = 'iam.amazonaws.com' AND eventname = 'CreateUser'
    AND (:user = '' OR json_extract_scalar(requestparameters, '$.userName') = :user)
),
granted AS (
  SELECT json_extract_scalar(requestparameters, '$.userName') AS user_name, account,
         array_join(array_sort(array_agg(DISTINCT eventname || coalesce(' ' || json_extract_scalar(requestparameters, '$.policyArn'), ' ' || json_extract_scalar(requestparameters, '$.groupName'), ' ' || json_extract_scalar(responseelements, '$.accessKey.accessKeyId'), ''))), '; ') AS then_granted
  FROM cloudtrail
  WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
    AND eventsource = 'iam.amazonaws.com'
    AND eventname IN ('AttachUserPolicy', 'PutUserPolicy', 'AddUserToGroup', 'CreateAccessKey', 'CreateLoginProfile')
  GROUP BY 1, 2
)
SELECT c.eventtime, c.account, c.user_name, c.creator, c.sourceipaddress, c.useragent, c.errorcode, g.then_granted
FROM created c LEFT JOIN granted g ON g.user_name = c.user_name AND g.account = c.account
ORDER BY c.eventtimestamp, c.user_name
