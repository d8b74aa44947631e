-- AWS documentation on the resources array: calls that name several resources (cardinality, 1-based subscript).
-- order: exact
SELECT eventname, max(cardinality(resources)) AS n, arbitrary(resources[1].type) AS first_type
FROM cloudtrail
WHERE cardinality(resources) > 1
GROUP BY eventname
ORDER BY eventname;
