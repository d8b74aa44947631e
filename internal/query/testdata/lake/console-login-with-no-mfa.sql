-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/console-login-with-no-mfa.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.
/* This query returns console logins with no MFA. 
Replace <EDS ID> with your Event Data Store Id number.
*/

SELECT
    *
FROM
    $EDS_ID 
WHERE
    eventsource = 'signin.amazonaws.com'  
    AND eventname = 'ConsoleLogin'  
    AND Element_at(additionaleventdata, 'MFAUsed' 
    ) = 'No'