-- title: CloudTrail tampering
-- question: Who stopped, deleted or reconfigured logging (trails, event selectors, event data stores)?
-- description: StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors, PutInsightSelectors and the CloudTrail Lake calls that stop or delete event data stores, with the trail or store they touched.
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.name'), json_extract_scalar(requestparameters, '$.trailName'),
                json_extract_scalar(requestparameters, '$.eventDataStore')) AS trail,
       sourceipaddress, useragent, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 'cloudtrail.amazonaws.com'
  AND eventname IN ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors',
                    'DeleteEventDataStore', 'StopEventDataStoreIngestion', 'UpdateEventDataStore')
ORDER BY eventtimestamp, eventid
