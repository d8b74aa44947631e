-- AWS Athena User Guide, CloudTrail example queries: the most recent API calls with caller and source IP.
-- order: exact
SELECT useridentity.arn, eventname, sourceipaddress, eventtime
FROM cloudtrail_logs
ORDER BY eventtime DESC
LIMIT 10;
