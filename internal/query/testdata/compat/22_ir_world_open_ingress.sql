-- Incident-response playbooks (exposure): security group rules opened to 0.0.0.0/0, with group and port from the JSON.
-- order: exact
SELECT eventtime, useridentity.arn,
       json_extract_scalar(requestparameters, '$.groupId') AS sg,
       json_extract_scalar(requestparameters, '$.ipPermissions.items[0].fromPort') AS port
FROM cloudtrail
WHERE eventname = 'AuthorizeSecurityGroupIngress' AND requestparameters LIKE '%0.0.0.0/0%'
ORDER BY eventtime;
