-- AWS Knowledge Center, everything done with one access key.
-- order: exact
SELECT eventtime, eventname, sourceipaddress
FROM cloudtrail
WHERE useridentity.accesskeyid = 'AKIABOB0000000000002'
ORDER BY eventtime;
