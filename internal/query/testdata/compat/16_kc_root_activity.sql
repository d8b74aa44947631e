-- AWS Knowledge Center / Security Hub CIS 1.1: use of the root user that was not made by an AWS service.
-- order: exact
SELECT eventtime, eventname, sourceipaddress, useragent
FROM cloudtrail
WHERE useridentity.type = 'Root'
  AND useridentity.invokedby IS NULL
  AND eventtype <> 'AwsServiceEvent'
ORDER BY eventtime;
