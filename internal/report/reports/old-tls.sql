-- title: Old TLS versions
-- question: Which clients still call AWS with TLS 1.0 or 1.1?
-- description: Calls whose tlsDetails.tlsVersion is TLSv1 or TLSv1.1, by principal, user agent and version: they break when AWS requires TLS 1.2, and may be outdated or unusual tooling.
SELECT account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, tlsdetails.tlsversion AS tls_version, useragent, count(*) AS calls,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND tlsdetails.tlsversion IN ('TLSv1', 'TLSv1.1')
GROUP BY 1, 2, 3, 4
ORDER BY calls DESC, account, who, tls_version, useragent
