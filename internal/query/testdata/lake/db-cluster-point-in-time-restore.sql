-- Source: https://github.com/aws-samples/cloud-trail-lake-query-samples/blob/bf9dafc/db-cluster-point-in-time-restore.sql
-- License: MIT-0 (the repository's LICENSE). Copied verbatim below this header.
/* This query returns source and target of an RDS point in time restore
Replace <EDS ID> with your Event Data Store Id number.
*/

SELECT
    element_at(requestParameters, 'sourceDBClusterIdentifier' 
    ) as Source, element_at(requestParameters, 'dBClusterIdentifier' 
    ) as Target, userIdentity.sessionContext.sessionIssuer.userName as UserName, eventTime as RestoreTime
FROM
    $EDS_ID 
WHERE
    eventName = 'RestoreDBClusterToPointInTime'