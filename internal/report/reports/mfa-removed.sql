-- title: MFA removed
-- question: Who deactivated or deleted MFA devices, and for which users?
-- description: DeactivateMFADevice and DeleteVirtualMFADevice calls, with the user and the device: the events of the built-in detection rule iam-mfa-device-removed (failed calls, which change nothing, are left out).
-- rule: iam-mfa-device-removed
SELECT eventtime, account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       json_extract_scalar(requestparameters, '$.userName') AS for_user,
       json_extract_scalar(requestparameters, '$.serialNumber') AS device,
       sourceipaddress, useragent
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
ORDER BY eventtimestamp, eventid
