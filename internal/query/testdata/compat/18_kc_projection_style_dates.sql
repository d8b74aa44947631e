-- AWS documentation, partition projection: filtering on a date built from the partition values with date_parse.
-- order: exact
SELECT account, count(*) AS events
FROM cloudtrail
WHERE date_parse(concat(year, '/', month, '/', day), '%Y/%m/%d')
      BETWEEN date_parse('2019/09/30', '%Y/%m/%d') AND date_parse('2019/10/01', '%Y/%m/%d')
GROUP BY account
ORDER BY account;
