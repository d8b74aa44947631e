-- Incident-response guides: which tools IAM users called with (regexp_extract on useragent).
-- order: exact
SELECT regexp_extract(useragent, '^([A-Za-z-]+)/', 1) AS tool, count(*) AS n
FROM cloudtrail
WHERE useridentity.type = 'IAMUser'
GROUP BY 1
ORDER BY n DESC, tool;
