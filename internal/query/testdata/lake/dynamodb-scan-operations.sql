-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/dynamodb-scan-operations.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.
/* This query returns raw records for all "scan" DunamoDB management events.
Replace <EDS ID> with your Event Data Store Id number.
*/

SELECT
    *
FROM
    $EDS_ID 
WHERE
    eventsource = 'dynamodb.amazonaws.com'  
    AND eventname = 'scan'