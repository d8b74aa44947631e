-- title: IAM policy and trust changes
-- question: Who changed IAM permissions or role trust, opening a path to privilege escalation?
-- description: Policies attached or written inline to users, groups and roles, new policy versions made default, role trust policies changed, users added to groups, and roles created, with the target and the policy.
SELECT eventtime, account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.userName'), json_extract_scalar(requestparameters, '$.roleName'),
                json_extract_scalar(requestparameters, '$.groupName'), json_extract_scalar(requestparameters, '$.policyArn')) AS target,
       coalesce(json_extract_scalar(requestparameters, '$.policyArn'), json_extract_scalar(requestparameters, '$.policyName'),
                json_extract_scalar(requestparameters, '$.versionId')) AS policy,
       sourceipaddress, useragent, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 'iam.amazonaws.com'
  AND eventname IN ('AttachUserPolicy', 'AttachGroupPolicy', 'AttachRolePolicy', 'PutUserPolicy', 'PutGroupPolicy',
                    'PutRolePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'UpdateAssumeRolePolicy',
                    'AddUserToGroup', 'CreateRole', 'PutUserPermissionsBoundary', 'DeleteUserPermissionsBoundary',
                    'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary')
ORDER BY eventtimestamp, eventid
