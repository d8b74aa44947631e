-- title: Accounts a source IP touched
-- question: Which accounts did this IP address touch, as whom, and when?
-- description: Events from one source address, by the account that received them, with the principals, regions and time span.
-- param: ip (string, required): the source IP address (or the service name AWS writes as the source)
SELECT recipientaccountid AS account_touched, count(*) AS events,
       count(DISTINCT eventname) AS distinct_calls,
       array_join(array_sort(array_agg(DISTINCT coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid))), ', ') AS principals,
       array_join(array_sort(array_agg(DISTINCT awsregion)), ', ') AS regions,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND sourceipaddress = :ip
GROUP BY 1
ORDER BY events DESC, account_touched
