-- title: Identity provider changes
-- question: Who added, changed or removed SAML or OIDC identity providers, or IAM Identity Center access?
-- description: IAM SAML and OpenID Connect provider changes, and IAM Identity Center permission sets and account assignments created or changed: ways to let outside identities into an account.
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.name'), json_extract_scalar(requestparameters, '$.sAMLProviderArn'),
                json_extract_scalar(requestparameters, '$.url'), json_extract_scalar(requestparameters, '$.openIDConnectProviderArn'),
                json_extract_scalar(requestparameters, '$.permissionSetArn')) AS provider,
       sourceipaddress, useragent, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND ((eventsource = 'iam.amazonaws.com' AND eventname IN ('CreateSAMLProvider', 'UpdateSAMLProvider', 'DeleteSAMLProvider',
        'CreateOpenIDConnectProvider', 'DeleteOpenIDConnectProvider', 'UpdateOpenIDConnectProviderThumbprint',
        'AddClientIDToOpenIDConnectProvider', 'RemoveClientIDFromOpenIDConnectProvider'))
    OR (eventsource = 'sso.amazonaws.com' AND eventname IN ('CreatePermissionSet', 'UpdatePermissionSet', 'DeletePermissionSet',
        'AttachManagedPolicyToPermissionSet', 'PutInlinePolicyToPermissionSet', 'CreateAccountAssignment',
        'DeleteAccountAssignment', 'CreateInstanceAccessControlAttributeConfiguration'))
    OR (eventsource = 'identitystore.amazonaws.com' AND readonly = 'false'))
ORDER BY eventtimestamp, eventid
