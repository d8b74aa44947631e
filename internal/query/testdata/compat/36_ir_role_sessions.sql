-- Incident-response guides: assumed-role sessions by role and session name (split_part).
-- order: any
SELECT useridentity.sessioncontext.sessionissuer.username AS role,
       split_part(useridentity.arn, '/', 3) AS session, count(*) AS n
FROM cloudtrail
WHERE useridentity.type = 'AssumedRole'
GROUP BY 1, 2;
