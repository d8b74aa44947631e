-- CIS AWS Foundations 3.2 / IR guides: successful console sign-ins without MFA.
-- order: exact
SELECT useridentity.username, sourceipaddress, eventtime
FROM cloudtrail
WHERE eventname = 'ConsoleLogin'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
ORDER BY eventtime;
