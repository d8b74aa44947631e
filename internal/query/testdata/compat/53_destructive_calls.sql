-- Incident-response guides (impact): destructive calls (regexp_like).
-- order: exact
SELECT DISTINCT eventname
FROM cloudtrail
WHERE regexp_like(eventname, '^(Delete|Stop|Remove|Revoke)')
ORDER BY 1;
