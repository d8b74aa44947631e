-- Incident-response guides: numbers from JSON text with try_cast.
-- order: exact
SELECT eventtime,
       try_cast(json_extract_scalar(requestparameters, '$.instancesSet.items[0].maxCount') AS integer) * 2 AS doubled,
       try_cast(json_extract_scalar(requestparameters, '$.instanceType') AS integer) AS not_a_number
FROM cloudtrail
WHERE eventname = 'RunInstances' AND requestparameters IS NOT NULL
ORDER BY eventtime;
