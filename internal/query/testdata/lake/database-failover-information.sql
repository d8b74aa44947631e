-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/database-failover-information.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.
/* This query returns database failover information: Returns Region, DB, user, and time of a failover event for a database
Replace <EDS ID> with your Event Data Store Id number.
*/


SELECT
    awsRegion as AWSRegion,  element_at(requestParameters, 'dBClusterIdentifier'
    ) as DBCluster, userIdentity.sessionContext.sessionIssuer.userName as UserName, eventTime as FailoverTime
FROM
    $EDS_ID 
WHERE
    eventName = 'FailoverDBCluster'