-- AWS Knowledge Center, who tried to terminate EC2 instances, and whether it worked.
-- order: exact
SELECT eventtime, useridentity.arn, errorcode
FROM cloudtrail
WHERE eventname = 'TerminateInstances'
ORDER BY eventtime;
