-- AWS CloudTrail/Athena documentation, finding callers that still use TLS 1.0 (tlsdetails).
-- order: sorted:-2
SELECT eventsource, count(*) AS numOutdatedTlsCalls
FROM cloudtrail_logs
WHERE tlsdetails.tlsversion = 'TLSv1'
  AND eventtime > '2019-09-01T00:00:00Z'
GROUP BY eventsource
ORDER BY numOutdatedTlsCalls DESC;
