-- Incident-response guides: first and last sighting of each source IP, with approx_distinct principals.
-- order: exact
SELECT sourceipaddress, min(eventtime) AS first_seen, max(eventtime) AS last_seen, count(*) AS events,
       approx_distinct(useridentity.arn) AS principals
FROM cloudtrail
WHERE sourceipaddress IS NOT NULL AND sourceipaddress NOT LIKE '%.amazonaws.com'
GROUP BY 1
ORDER BY events DESC, sourceipaddress;
