-- CIS AWS Foundations 3.6 / IR guides: repeated console sign-in failures per source IP.
-- order: any
SELECT sourceipaddress, count(*) AS failures
FROM cloudtrail
WHERE eventname = 'ConsoleLogin'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure'
GROUP BY sourceipaddress
HAVING count(*) >= 3;
