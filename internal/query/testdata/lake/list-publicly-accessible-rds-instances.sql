-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/list-publicly-accessible-rds-instances.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.
/* This query lists Publicly Accessible RDS Instances. 
Replace <EDS ID> with your Event Data Store Id number.
*/

SELECT
    *
FROM
    $EDS_ID 
WHERE
    eventsource = 'rds.amazonaws.com'  
    AND eventname = 'CreateDBInstance'  
    AND ELEMENT_AT(requestParameters, 'publiclyAccessible' 
    ) = 'true'SELECT
    *
FROM
    $EDS_ID 
WHERE
    eventsource = 'rds.amazonaws.com'  
    AND eventname = 'CreateDBInstance'  
    AND ELEMENT_AT(requestParameters, 'publiclyAccessible' 
    ) = 'true'