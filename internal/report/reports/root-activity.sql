-- title: Root account use
-- question: When was the root user used, for what, and from where?
-- description: Every event whose principal is an account's root user (console sign-ins and API calls), excluding calls AWS services made on its behalf.
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname, sourceipaddress, useragent, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND useridentity.type = 'Root'
  AND useridentity.invokedby IS NULL
ORDER BY eventtimestamp, eventid
