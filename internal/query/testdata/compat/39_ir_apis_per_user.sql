-- Incident-response guides: the distinct API calls of each suspect, as one string (array_agg, array_join).
-- order: exact
SELECT useridentity.username, array_join(array_sort(array_agg(DISTINCT eventname)), ', ') AS apis
FROM cloudtrail
WHERE useridentity.username IN ('alice', 'mallory')
GROUP BY 1
ORDER BY 1;
