-- title: Instance user data changed
-- question: Who changed the user data of an EC2 instance (code that runs at its next boot)?
-- description: ModifyInstanceAttribute calls that set userData (CloudTrail hides the data itself), with the instance: the events of the built-in detection rule ec2-user-data-modified (failed calls, which change nothing, are left out).
-- rule: ec2-user-data-modified
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       json_extract_scalar(requestparameters, '$.instanceId') AS instance_id, sourceipaddress, useragent
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
ORDER BY eventtimestamp, eventid
