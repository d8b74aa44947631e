-- title: Activity in unusual regions
-- question: Which regions does an account barely use, and who acted there?
-- description: For each account, the regions holding less than max_percent of its events (where attackers launch resources hoping nobody looks), with the principals and calls there. Global services' events are recorded in us-east-1 and count there.
-- param: max_percent (int, default 2): a region is unusual for an account below this share of its events
WITH per_region AS (
  SELECT account, awsregion, count(*) AS events,
         array_join(array_sort(array_agg(DISTINCT coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid))), ', ') AS principals,
         array_join(array_sort(array_agg(DISTINCT eventname)), ', ') AS calls,
         min(eventtime) AS first_seen, max(eventtime) AS last_seen
  FROM cloudtrail
  WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  GROUP BY 1, 2
)
SELECT account, awsregion, events,
       round(100.0 * events / sum(events) OVER (PARTITION BY account), 2) AS percent_of_account,
       principals, calls, first_seen, last_seen
FROM per_region
QUALIFY 100.0 * events / sum(events) OVER (PARTITION BY account) < :max_percent
ORDER BY account, events, awsregion
