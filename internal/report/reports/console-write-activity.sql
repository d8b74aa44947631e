-- title: Console write activity
-- question: Who changed things by hand in the AWS console?
-- description: Calls that are not read-only made with console credentials (sessionCredentialFromConsole true), by principal and call. Changes outside infrastructure as code often start here.
SELECT account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname, count(*) AS calls,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND sessioncredentialfromconsole = 'true'
  AND readonly = 'false'
GROUP BY 1, 2, 3, 4
ORDER BY calls DESC, account, who, eventsource, eventname
