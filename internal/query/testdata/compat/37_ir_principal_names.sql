-- Incident-response guides: the short name of every principal (element_at with a negative index).
-- order: exact
SELECT DISTINCT element_at(split(useridentity.arn, '/'), -1) AS principal, useridentity.type
FROM cloudtrail
WHERE useridentity.arn IS NOT NULL
ORDER BY 1, 2;
