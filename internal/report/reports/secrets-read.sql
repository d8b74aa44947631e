-- title: Secrets read by principal
-- question: Who read secrets from Secrets Manager, which ones, how often?
-- description: GetSecretValue (and BatchGetSecretValue) calls counted by principal, with the secrets read and the source addresses.
SELECT account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, count(*) AS reads, count_if(errorcode IS NOT NULL) AS failed,
       count(DISTINCT json_extract_scalar(requestparameters, '$.secretId')) AS distinct_secrets,
       array_join(array_sort(array_agg(DISTINCT json_extract_scalar(requestparameters, '$.secretId'))), ', ') AS secrets,
       array_join(array_sort(array_agg(DISTINCT sourceipaddress)), ', ') AS source_ips,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 'secretsmanager.amazonaws.com'
  AND eventname IN ('GetSecretValue', 'BatchGetSecretValue')
GROUP BY 1, 2
ORDER BY reads DESC, account, who
