-- Source: https://github.com/awsdocs/aws-cloudtrail-user-guide/blob/353b3a6/doc_source/query-lake-examples.md (example 5)
-- License: MIT-0 (the sample code license of the AWS documentation, LICENSE-SAMPLECODE). Copied verbatim below this header.
SELECT 
    element_at(responseElements, 'queryId'), 
    element_at(requestParameters, 'queryStatement')
FROM 
    event_data_store_ID
WHERE 
    eventName='StartQuery' 
AND 
    eventSource = 'cloudtrail.amazonaws.com' 
AND 
    responseElements IS NOT NULL
AND 
    eventTime > '2023-01-01 00:00:00' 
AND 
    eventTime < '2023-02-01 00:00:00'
