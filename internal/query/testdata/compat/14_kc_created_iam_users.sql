-- AWS Knowledge Center, find the IAM user that created another IAM user.
-- order: exact
SELECT eventtime, useridentity.username AS creator,
       json_extract_scalar(requestparameters, '$.userName') AS new_user
FROM cloudtrail
WHERE eventsource = 'iam.amazonaws.com' AND eventname = 'CreateUser';
