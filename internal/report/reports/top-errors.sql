-- title: Most common errors by principal
-- question: What are the most common errors, and who gets them?
-- description: Calls that failed with an error code, counted by principal and error code, most frequent first, with the calls that failed and when.
-- param: limit (int, default 50): how many rows to show
SELECT coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS principal, errorcode, count(*) AS errors,
       count(DISTINCT eventname) AS distinct_calls, min(eventname) AS example_call,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND errorcode IS NOT NULL AND errorcode <> ''
GROUP BY 1, 2
ORDER BY errors DESC, principal, errorcode
LIMIT :limit
