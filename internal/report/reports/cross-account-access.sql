-- title: Cross-account access
-- question: Which principals from other accounts acted in an account, with which calls?
-- description: Events whose caller's account differs from the account that received them (role assumptions across accounts, shared resources used from elsewhere), by caller, account touched and call. AWS services and anonymous callers are left out.
SELECT useridentity.accountid AS caller_account, recipientaccountid AS account_touched,
       coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname, count(*) AS events,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND useridentity.accountid IS NOT NULL AND useridentity.accountid <> ''
  AND useridentity.accountid <> 'ANONYMOUS_PRINCIPAL'
  AND useridentity.type <> 'AWSService'
  AND useridentity.accountid <> recipientaccountid
GROUP BY 1, 2, 3, 4, 5
ORDER BY events DESC, caller_account, account_touched, who, eventname
