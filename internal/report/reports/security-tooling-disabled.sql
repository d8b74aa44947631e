-- title: Security tooling disabled
-- question: Who disabled or weakened GuardDuty, AWS Config, VPC flow logs, Security Hub or other detection?
-- description: GuardDuty detectors deleted or disabled and members disassociated, Config recorders stopped or deleted and delivery channels deleted, VPC flow logs deleted, Security Hub, Macie, Inspector, Detective and Access Analyzer turned off.
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.detectorId'),
                json_extract_scalar(requestparameters, '$.configurationRecorderName'),
                json_extract_scalar(requestparameters, '$.deliveryChannelName'),
                json_format(json_extract(requestparameters, '$.DeleteFlowLogsRequest')),
                json_extract_scalar(requestparameters, '$.analyzerName')) AS target,
       sourceipaddress, useragent, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND ((eventsource = 'guardduty.amazonaws.com' AND (eventname IN ('DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount', 'DisassociateMembers', 'DeleteMembers', 'StopMonitoringMembers', 'DeletePublishingDestination')
                                                     OR (eventname = 'UpdateDetector' AND json_extract_scalar(requestparameters, '$.enable') = 'false')))
    OR (eventsource = 'config.amazonaws.com' AND eventname IN ('StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'DeleteConfigRule', 'DeleteConformancePack'))
    OR (eventsource = 'ec2.amazonaws.com' AND eventname = 'DeleteFlowLogs')
    OR (eventsource = 'securityhub.amazonaws.com' AND eventname IN ('DisableSecurityHub', 'BatchDisableStandards', 'DisableImportFindingsForProduct'))
    OR (eventsource = 'macie2.amazonaws.com' AND eventname = 'DisableMacie')
    OR (eventsource = 'inspector2.amazonaws.com' AND eventname = 'Disable')
    OR (eventsource = 'detective.amazonaws.com' AND eventname = 'DeleteGraph')
    OR (eventsource = 'access-analyzer.amazonaws.com' AND eventname = 'DeleteAnalyzer'))
ORDER BY eventtimestamp, eventid
