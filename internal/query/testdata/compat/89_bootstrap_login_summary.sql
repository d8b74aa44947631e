-- awslabs/aws-security-analytics-bootstrap AWSSecurityAnalyticsBootstrap/sql/dml/analytics/cloudtrail/cloudtrail_demo_queries.sql (Apache-2.0): user logins via AssumeRole or ConsoleLogin with their source IPs (array_agg DISTINCT ... ORDER BY); the file's default partition constraints narrowed to the fixture as it asks (date_partition 2021/07/01..31 to 2019/09/01..2019/10/31).
-- order: sorted:1
SELECT  useridentity.arn, eventname, array_agg(DISTINCT(sourceipaddress) ORDER BY sourceipaddress) AS sourceips FROM cloudtrail
WHERE useridentity.arn IS NOT NULL
AND (eventname = 'AssumeRole' OR eventname = 'ConsoleLogin')
AND date_partition >= '2019/09/01'
AND date_partition <= '2019/10/31'
AND account_partition = '111122223333'
AND region_partition in ('us-east-1','us-east-2','us-west-2', 'us-west-2')
GROUP BY useridentity.arn, eventname
ORDER BY eventname
