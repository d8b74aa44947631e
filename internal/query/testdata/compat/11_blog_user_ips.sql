-- AWS Big Data Blog (same post): where one user called from.
-- order: exact
SELECT sourceipaddress, count(*) AS calls
FROM cloudtrail_logs
WHERE useridentity.username = 'bob'
GROUP BY sourceipaddress
ORDER BY calls DESC, sourceipaddress;
