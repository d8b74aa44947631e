-- Incident-response playbooks (persistence): access keys created for someone other than the caller.
-- order: exact
SELECT eventtime, useridentity.username, json_extract_scalar(requestparameters, '$.userName') AS for_user
FROM cloudtrail
WHERE eventname = 'CreateAccessKey'
  AND json_extract_scalar(requestparameters, '$.userName') <> useridentity.username;
