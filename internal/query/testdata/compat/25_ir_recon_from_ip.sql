-- Incident-response guides (discovery): read-only enumeration from a suspicious address.
-- order: exact
SELECT useridentity.arn, count(*) AS calls, count(DISTINCT eventname) AS apis
FROM cloudtrail
WHERE regexp_like(eventname, '^(List|Describe|Get)') AND sourceipaddress = '1.2.3.4'
GROUP BY 1
ORDER BY calls DESC;
