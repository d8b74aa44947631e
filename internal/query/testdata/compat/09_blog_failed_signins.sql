-- AWS Big Data Blog (same post): failed console sign-ins and their error message.
-- order: exact
SELECT useridentity.username, sourceipaddress, eventtime, errormessage
FROM cloudtrail_logs
WHERE eventname = 'ConsoleLogin' AND errormessage = 'Failed authentication'
ORDER BY eventtime;
