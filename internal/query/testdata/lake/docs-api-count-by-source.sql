-- Source: https://github.com/awsdocs/aws-cloudtrail-user-guide/blob/353b3a6/doc_source/query-lake-examples.md (example 3)
-- License: MIT-0 (the sample code license of the AWS documentation, LICENSE-SAMPLECODE). Copied verbatim below this header.
SELECT 
    eventSource, 
    eventName, 
    COUNT(*) AS apiCount
FROM 
    event_data_store_ID
WHERE 
    eventTime > '2023-01-01 00:00:00' 
GROUP BY 
    eventSource, eventName 
ORDER BY 
    apiCount DESC
