-- aws-samples/aws-incident-response-playbooks playbooks/resources/athena-queries-credential-compromise.sql (MIT-0), query 2, source IPs and user agents of a credential with first and last sighting; placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, the key = AKIABOB0000000000002.
-- order: exact
SELECT sourceIPAddress, userAgent, COUNT(*) as call_count,
       MIN(eventTime) as first_seen, MAX(eventTime) as last_seen
FROM cloudtrail_logs
WHERE userIdentity.accessKeyId = 'AKIABOB0000000000002'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
GROUP BY sourceIPAddress, userAgent
ORDER BY first_seen ASC;
