-- AWS Customer Playbook Framework (cryptocurrency mining): instance launches with type and count from the request.
-- order: exact
SELECT eventtime, json_extract_scalar(requestparameters, '$.instanceType') AS type,
       json_extract_scalar(requestparameters, '$.instancesSet.items[0].maxCount') AS count, errorcode
FROM cloudtrail
WHERE eventname = 'RunInstances' AND eventtype = 'AwsApiCall'
ORDER BY eventtime;
