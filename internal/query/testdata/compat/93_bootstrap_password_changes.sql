-- awslabs/aws-security-analytics-bootstrap AWSSecurityAnalyticsBootstrap/sql/dml/analytics/cloudtrail/cloudtrail_demo_queries.sql (Apache-2.0): password changes with the user name (a quoted alias with spaces); the file's default partition constraints narrowed to the fixture as it asks (date_partition 2021/07/01..31 to 2019/09/01..2019/10/31).
-- order: exact
SELECT eventtime, useridentity.arn, useridentity.username, eventname,
	JSON_EXTRACT_SCALAR(requestparameters, '$.userName') AS "username with password modified"
	FROM cloudtrail
WHERE eventname IN ('UpdateLoginProfile', 'CreateLoginProfile')
AND errorcode IS NULL
AND date_partition >= '2019/09/01'
AND date_partition <= '2019/10/31'
AND account_partition = '111122223333'
AND region_partition in ('us-east-1','us-east-2','us-west-2', 'us-west-2')
ORDER BY account_partition, eventtime
