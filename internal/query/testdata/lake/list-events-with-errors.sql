-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/list-events-with-errors.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.
/* This query analyzes CloudTrail Events and identifies any calls that result in errors.
Replace <EDS ID> with your Event Data Store Id number.
*/

SELECT
    userIdentity.arn,eventTime,eventSource,eventName,awsRegion,sourceIPAddress,userAgent,errorCode,errorMessage,requestParameters,readOnly,resources,recipientAccountId,tlsDetails
FROM
    <event-data-store-ID>
WHERE
    errorCode IS NOT NULL  
    AND eventTime > '2022-01-01 00:00:00'  
    AND eventTime < '2022-01-01 00:00:00'