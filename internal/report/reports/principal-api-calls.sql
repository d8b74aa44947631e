-- title: API calls of one principal
-- question: Which API calls did this principal make, how often, and from where?
-- description: Counts the calls of one principal by service and API, with errors, first and last use and source addresses. The principal is matched by ARN, user name, access key id, principal id, or the role (ARN or name) behind its sessions.
-- param: principal (string, required): ARN, user name, role name, access key id or principal id
SELECT eventsource, eventname, count(*) AS calls,
       count_if(errorcode IS NOT NULL AND errorcode <> '') AS errors,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_join(array_sort(array_agg(DISTINCT sourceipaddress)), ', ') AS source_ips
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND (useridentity.arn = :principal OR useridentity.username = :principal
       OR useridentity.accesskeyid = :principal OR useridentity.principalid = :principal
       OR useridentity.sessioncontext.sessionissuer.arn = :principal
       OR useridentity.sessioncontext.sessionissuer.username = :principal)
GROUP BY 1, 2
ORDER BY calls DESC, eventsource, eventname
