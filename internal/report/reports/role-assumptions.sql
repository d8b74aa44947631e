-- title: Role assumptions
-- question: Who assumed which roles, how often, and across which accounts?
-- description: AssumeRole, AssumeRoleWithSAML and AssumeRoleWithWebIdentity calls by caller and role, with the session names used and whether the caller came from another account. 'trailsql whois' follows one session back to its origin.
-- param: role (string, default ''): only roles whose ARN contains this text ('' for every role)
SELECT coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS caller, useridentity.type AS caller_type,
       json_extract_scalar(requestparameters, '$.roleArn') AS role_arn, eventname,
       count(DISTINCT coalesce(sharedeventid, eventid)) AS assumptions,
       count(DISTINCT json_extract_scalar(requestparameters, '$.roleSessionName')) AS session_names,
       bool_or(coalesce(useridentity.accountid, '') <> split_part(json_extract_scalar(requestparameters, '$.roleArn'), ':', 5)
               AND useridentity.type NOT IN ('AWSService', 'SAMLUser', 'WebIdentityUser')) AS cross_account,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 'sts.amazonaws.com'
  AND eventname IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')
  AND (:role = '' OR strpos(json_extract_scalar(requestparameters, '$.roleArn'), :role) > 0)
GROUP BY 1, 2, 3, 4
ORDER BY assumptions DESC, caller, role_arn
