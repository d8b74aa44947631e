-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/list-all-errors-for-s3-events.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.
/*This query can be used for troubleshooting purposes as it lists all the error messages for S3 source.  You can use the query for all resources, just modifying the eventSource.
Replace <EDS ID> with your Event Data Store Id number.*/

select
    eventType, eventName, errorMessage 
from
    <event_data_store_id> 
where
    errorMessage is not null  
    and eventSource='s3.amazonaws.com'example: select
        eventType, eventName, errorMessage  
    from
        <event_data_store_id>  
    where
        errorMessage is not null  
        and eventSource='s3.amazonaws.com'