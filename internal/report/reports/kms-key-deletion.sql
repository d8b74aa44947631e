-- title: KMS keys scheduled for deletion or disabled
-- question: Who scheduled KMS keys for deletion or disabled them?
-- description: ScheduleKeyDeletion and DisableKey calls, with the key and the waiting period: data encrypted under a deleted key is lost. These are the events of the built-in detection rules kms-key-deletion-scheduled and kms-key-disabled (failed calls, which change nothing, are left out).
-- rule: kms-key-deletion-scheduled, kms-key-disabled
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       json_extract_scalar(requestparameters, '$.keyId') AS key_id,
       json_extract_scalar(requestparameters, '$.pendingWindowInDays') AS pending_days,
       json_extract_scalar(responseelements, '$.deletionDate') AS deletion_date,
       sourceipaddress, useragent
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
ORDER BY eventtimestamp, eventid
