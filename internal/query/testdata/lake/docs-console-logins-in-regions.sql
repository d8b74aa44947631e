-- Source: https://github.com/awsdocs/aws-cloudtrail-user-guide/blob/353b3a6/doc_source/query-lake-examples.md (example 4)
-- License: MIT-0 (the sample code license of the AWS documentation, LICENSE-SAMPLECODE). Copied verbatim below this header.
SELECT 
    eventTime, 
    useridentity.arn, 
    awsRegion
FROM 
    event_data_store_ID
WHERE 
    awsRegion in ('us-east-1', 'us-west-2') 
AND
    eventName = 'ConsoleLogin'
