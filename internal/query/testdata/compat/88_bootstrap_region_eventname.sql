-- awslabs/aws-security-analytics-bootstrap AWSSecurityAnalyticsBootstrap/sql/dml/analytics/cloudtrail/cloudtrail_demo_queries.sql (Apache-2.0): event counts by region and event name; the file's default partition constraints narrowed to the fixture as it asks (date_partition 2021/07/01..31 to 2019/09/01..2019/10/31).
-- order: sorted:0,-3
SELECT region_partition, eventname, count(*) as eventcount FROM cloudtrail
WHERE date_partition >= '2019/09/01'
AND date_partition <= '2019/10/31'
AND account_partition = '111122223333'
AND region_partition in ('us-east-1','us-east-2','us-west-2', 'us-west-2')
GROUP BY region_partition, eventname
ORDER BY region_partition, eventcount DESC
