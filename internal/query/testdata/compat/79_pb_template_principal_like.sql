-- aws-samples/aws-incident-response-playbooks PLAYBOOK_TEMPLATE.md, section 2.2, API calls of a suspected principal in a time window (MIT-0); SUSPECTED_PRINCIPAL = mallory and the example dates moved to the fixture's (2024-01-01/02 to 2019-09-29/30).
-- order: exact
SELECT eventTime, eventName, sourceIPAddress, userAgent, errorCode
FROM cloudtrail_logs
WHERE userIdentity.arn LIKE '%mallory%'
  AND eventTime BETWEEN '2019-09-29T00:00:00Z' AND '2019-09-30T00:00:00Z'
ORDER BY eventTime ASC;
