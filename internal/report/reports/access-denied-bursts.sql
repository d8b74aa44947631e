-- title: AccessDenied bursts
-- question: Which principals hit many access denials in a short time (probing their permissions)?
-- description: Calls denied with AccessDenied, UnauthorizedOperation or a similar error code, counted by principal and hour; hours with at least min_denials are listed.
-- param: min_denials (int, default 5): denials in one hour that make a burst
SELECT date_trunc('hour', eventtimestamp) AS hour, account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, count(*) AS denials,
       count(DISTINCT eventname) AS distinct_calls,
       array_join(array_sort(array_agg(DISTINCT eventname)), ', ') AS calls,
       array_join(array_sort(array_agg(DISTINCT sourceipaddress)), ', ') AS source_ips
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND (errorcode LIKE '%AccessDenied%' OR errorcode LIKE '%UnauthorizedOperation%' OR errorcode = 'Forbidden'
       OR errorcode LIKE '%NotAuthorized%')
GROUP BY 1, 2, 3
HAVING count(*) >= :min_denials
ORDER BY denials DESC, hour, who
