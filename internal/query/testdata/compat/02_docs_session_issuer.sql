-- AWS Athena User Guide: calls made with role sessions, with the session creation date and the role that issued them.
-- order: exact
SELECT eventsource, eventname, useridentity.sessioncontext.attributes.creationdate,
       useridentity.sessioncontext.sessionissuer.arn
FROM cloudtrail_logs
WHERE useridentity.sessioncontext.sessionissuer.arn IS NOT NULL
ORDER BY eventsource, eventname
LIMIT 10;
