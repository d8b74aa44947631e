-- Incident-response guides (credential access): secrets read from Secrets Manager.
-- order: exact
SELECT eventtime, useridentity.arn, json_extract_scalar(requestparameters, '$.secretId') AS secret, awsregion
FROM cloudtrail
WHERE eventsource = 'secretsmanager.amazonaws.com' AND eventname = 'GetSecretValue'
ORDER BY eventtime;
