-- aws-samples/aws-incident-response-playbooks PLAYBOOK_TEMPLATE.md, appendix A, all API activity of one principal in a time window (MIT-0); placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z, the principal = arn:aws:iam::444455556666:user/mallory.
-- order: exact
SELECT eventTime, eventName, awsRegion, sourceIPAddress, userAgent,
       errorCode, errorMessage
FROM cloudtrail_logs
WHERE userIdentity.arn = 'arn:aws:iam::444455556666:user/mallory'
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime ASC;
