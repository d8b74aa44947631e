-- Source: https://github.com/awsdocs/aws-cloudtrail-user-guide/blob/353b3a6/doc_source/query-lake-examples.md (example 2)
-- License: MIT-0 (the sample code license of the AWS documentation, LICENSE-SAMPLECODE). Copied verbatim below this header.
SELECT 
    eventID, 
    eventName, 
    eventSource, 
    eventTime
FROM 
    event_data_store_ID
WHERE 
    userIdentity.username = 'bob' 
AND 
    eventTime > '2023-01-22 00:00:00' 
AND 
    eventTime < '2023-01-23 00:00:00'
