-- title: Console logins without MFA
-- question: Who signed in to the console successfully without multi-factor authentication?
-- description: Successful ConsoleLogin events whose additionalEventData says MFAUsed No. Federated (SAML, Identity Center) sign-ins authenticate at the identity provider and are not listed.
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, useridentity.type AS identity_type,
       sourceipaddress, useragent
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 'signin.amazonaws.com' AND eventname = 'ConsoleLogin'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
ORDER BY eventtimestamp, eventid
