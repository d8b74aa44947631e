-- Incident-response guides: who used an address (arbitrary).
-- order: exact
SELECT sourceipaddress, arbitrary(useridentity.arn) AS who, count(*) AS n
FROM cloudtrail
WHERE sourceipaddress = '203.0.113.50'
GROUP BY 1;
