-- title: Snapshots and AMIs shared out
-- question: Who shared EBS snapshots, AMIs or RDS snapshots with other accounts or the public?
-- description: ModifySnapshotAttribute adding createVolumePermission, ModifyImageAttribute adding launchPermission, and ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute adding restore values, with whom they were shared (all: public): the events of the built-in detection rules ebs-snapshot-shared, ami-shared and rds-snapshot-shared (failed calls, which change nothing, are left out).
-- rule: ebs-snapshot-shared, ami-shared, rds-snapshot-shared
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.snapshotId'), json_extract_scalar(requestparameters, '$.imageId'),
                json_extract_scalar(requestparameters, '$.dBSnapshotIdentifier'), json_extract_scalar(requestparameters, '$.dBClusterSnapshotIdentifier')) AS shared,
       coalesce(json_format(json_extract(requestparameters, '$.createVolumePermission.add')),
                json_format(json_extract(requestparameters, '$.launchPermission.add')),
                json_format(json_extract(requestparameters, '$.valuesToAdd'))) AS shared_with,
       sourceipaddress, useragent
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
ORDER BY eventtimestamp, eventid
