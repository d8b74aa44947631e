-- awslabs/aws-security-analytics-bootstrap AWSSecurityAnalyticsBootstrap/sql/dml/analytics/cloudtrail/cloudtrail_demo_queries.sql (Apache-2.0): user activity summary with user name, read-only Get/List/Describe calls left out (three ordered array_agg); the file's default partition constraints narrowed to the fixture as it asks (date_partition 2021/07/01..31 to 2019/09/01..2019/10/31).
-- order: any
SELECT useridentity.arn, useridentity.username,
	array_agg(DISTINCT(eventname) ORDER BY eventname) AS eventnames,
	array_agg(DISTINCT(sourceipaddress) ORDER BY sourceipaddress) AS sourceips,
	array_agg(DISTINCT(useragent) ORDER BY useragent) AS useragents FROM cloudtrail
WHERE eventname <> 'AssumeRole'
AND eventname NOT LIKE 'Get%'
AND eventname NOT LIKE 'List%'
AND eventname NOT LIKE 'Describe%'
AND date_partition >= '2019/09/01'
AND date_partition <= '2019/10/31'
AND account_partition = '111122223333'
AND region_partition in ('us-east-1','us-east-2','us-west-2', 'us-west-2')
GROUP BY useridentity.arn, useridentity.principalid, useridentity.username
