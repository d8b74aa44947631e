-- Incident-response guides: how many instances a RunInstances call started, from responseelements.
-- order: exact
SELECT eventtime,
       json_array_length(json_extract(responseelements, '$.instancesSet.items')) AS launched,
       json_extract_scalar(responseelements, '$.instancesSet.items[1].instanceId') AS second_instance
FROM cloudtrail
WHERE eventname = 'RunInstances' AND errorcode IS NULL AND responseelements IS NOT NULL;
