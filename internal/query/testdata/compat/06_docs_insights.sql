-- AWS documentation, CloudTrail Insights events in the trail.
-- order: exact
SELECT eventtime, eventsource, eventname, eventtype
FROM cloudtrail_logs
WHERE eventtype = 'AwsCloudTrailInsight';
