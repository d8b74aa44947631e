-- AWS Big Data Blog (same post): console sign-ins during one day, with a database-qualified table name.
-- order: exact
SELECT useridentity.username, sourceipaddress, eventtime, additionaleventdata
FROM default.cloudtrail_logs
WHERE eventname = 'ConsoleLogin'
  AND eventtime >= '2019-09-29T00:00:00Z'
  AND eventtime < '2019-09-30T00:00:00Z'
ORDER BY eventtime;
