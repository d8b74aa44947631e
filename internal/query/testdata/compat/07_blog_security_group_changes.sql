-- AWS Big Data Blog, Analyze security, compliance and operational activity using CloudTrail and Athena: changes to given security groups since a date.
-- order: exact
SELECT eventname, useridentity.username, sourceipaddress, eventtime, requestparameters
FROM cloudtrail_logs
WHERE (requestparameters LIKE '%sg-0ecc76ac9b16d1e14%' OR requestparameters LIKE '%sg-0123456789abcdef0%')
  AND eventtime > '2019-09-01T00:00:00Z'
ORDER BY eventtime ASC;
