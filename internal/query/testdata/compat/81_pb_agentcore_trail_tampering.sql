-- aws-samples/aws-incident-response-playbooks playbooks/Amazon Bedrock AgentCore Playbooks/IRP-AgentCoreObservabilityTampering.md, section 2.2, CloudTrail lifecycle and selector tampering, newest first (MIT-0); placeholders filled in as the file asks: START_TIME/END_TIME = 2019-09-28T00:00:00Z/2019-10-02T00:00:00Z.
-- order: exact
SELECT eventTime, eventName, userIdentity.arn AS principal,
       sourceIPAddress, requestParameters
FROM cloudtrail_logs
WHERE eventSource = 'cloudtrail.amazonaws.com'
  AND eventName IN ('StopLogging','StartLogging','UpdateTrail','DeleteTrail',
                    'PutEventSelectors','PutInsightSelectors')
  AND eventTime BETWEEN '2019-09-28T00:00:00Z' AND '2019-10-02T00:00:00Z'
ORDER BY eventTime DESC;
