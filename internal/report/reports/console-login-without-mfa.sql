-- title: Console logins without MFA
-- question: Who signed in to the console successfully without multi-factor authentication?
-- description: Successful console sign-ins of IAM users and the root user whose additionalEventData says MFAUsed No: the events of the built-in detection rule console-login-without-mfa. Federated (SAML, Identity Center) sign-ins authenticate at the identity provider and are not listed.
-- rule: console-login-without-mfa
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, useridentity.type AS identity_type,
       sourceipaddress, useragent
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
ORDER BY eventtimestamp, eventid
