-- Incident-response playbooks (IAM privilege escalation): AdministratorAccess attached to a principal.
-- order: exact
SELECT eventtime, useridentity.arn,
       json_extract_scalar(requestparameters, '$.userName') AS target,
       json_extract_scalar(requestparameters, '$.policyArn') AS policy
FROM cloudtrail
WHERE eventname IN ('AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy')
  AND json_extract_scalar(requestparameters, '$.policyArn') LIKE '%AdministratorAccess';
