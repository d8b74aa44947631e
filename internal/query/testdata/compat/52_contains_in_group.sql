-- Incident-response guides: which EC2 calls a suspect made (contains on array_agg).
-- order: exact
SELECT eventname, contains(array_agg(DISTINCT useridentity.username), 'mallory') AS by_mallory
FROM cloudtrail
WHERE eventsource = 'ec2.amazonaws.com' AND useridentity.username IS NOT NULL
GROUP BY eventname
ORDER BY eventname;
