-- AWS Security Incident Response Guide / Customer Playbook Framework: logging and detection being switched off.
-- order: exact
SELECT eventtime, eventsource, eventname, useridentity.arn, sourceipaddress
FROM cloudtrail
WHERE eventname IN ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors',
                    'DeleteDetector', 'DeleteFlowLogs', 'DisableSecurityHub')
ORDER BY eventtime;
