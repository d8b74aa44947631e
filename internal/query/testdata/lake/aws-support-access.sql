-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/aws-support-access.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.

/*This query will show if AWS Support has taken over the AWSServiceRoleForSupport Role, for Data Sovereignty requirements.
Replace <EDS ID> with your Event Data Store Id number.*/


select
    eventTime,  eventSource,  eventName,  awsRegion,  sourceIPAddress, userAgent,  userIdentity.type as userIdtype,  element_at(resources, 1
    ).accountId as ressourceAccountID, element_at(resources, 1
    ).arn as ressourceARN, eventType, eventCategory, managementEvent, recipientAccountId, requestParameters, responseElements 
from
    <EDS ID>
where
    eventSource = 'sts.amazonaws.com' 
    and userAgent = 'support.amazonaws.com'
