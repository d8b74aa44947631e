-- title: Logging weakened
-- question: Who stopped, deleted or weakened CloudTrail logging, or touched the trail bucket's logs, policy, lifecycle or versioning?
-- description: Successful StopLogging and DeleteTrail (and StopEventDataStoreIngestion and DeleteEventDataStore of CloudTrail Lake); UpdateTrail that sets the delivery bucket or key prefix or turns off log file validation, multi-region logging or global service events; PutEventSelectors that turns off management events, keeps only read or write events, excludes event sources or leaves management events out of advanced selectors; PutInsightSelectors that turns Insights off or down; DeleteObject(s) of CloudTrail log or digest keys; and on a trail bucket (named by CreateTrail or UpdateTrail, reached at its AWSLogs/<account>/CloudTrail* keys, given a policy naming cloudtrail.amazonaws.com, or listed in :buckets) PutBucketLifecycle, PutBucketPolicy, DeleteBucketPolicy and PutBucketVersioning that suspends versioning or MFA delete. Each row says why, decided from the request parameters.
-- param: buckets (string, default ''): more trail bucket names, comma-separated
WITH ev AS (
  SELECT eventtimestamp, account, region, eventsource, eventname, eventid,
         requestparameters AS rp,
         coalesce(useridentity.arn, useridentity.principalid, useridentity.type, '') AS principal,
         coalesce(sourceipaddress, '') AS sourceip,
         json_extract_scalar(requestparameters, '$.bucketName') AS bucket
  FROM cloudtrail
  WHERE errorcode IS NULL
    AND eventsource IN ('cloudtrail.amazonaws.com', 's3.amazonaws.com')
    AND year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
    AND eventtimestamp >= :since AND eventtimestamp < :until
    AND (:account = '' OR account = :account)
),
trail_buckets AS (
  -- buckets that trails deliver to, as far as the lake tells
  SELECT DISTINCT json_extract_scalar(requestparameters, '$.s3BucketName') AS bucket
  FROM cloudtrail
  WHERE eventsource = 'cloudtrail.amazonaws.com' AND eventname IN ('CreateTrail', 'UpdateTrail')
    AND errorcode IS NULL AND json_extract_scalar(requestparameters, '$.s3BucketName') IS NOT NULL
  UNION
  SELECT DISTINCT bucket FROM ev
  WHERE eventsource = 's3.amazonaws.com' AND bucket IS NOT NULL
    AND regexp_like(rp, 'AWSLogs/(o-[a-z0-9]+/)?[0-9]{12}/CloudTrail')
),
judged AS (
  SELECT ev.*,
    (bucket IN (SELECT bucket FROM trail_buckets) OR contains(split(:buckets, ','), bucket)
      OR (eventname = 'PutBucketPolicy' AND rp LIKE '%cloudtrail.amazonaws.com%')) AS trail_bucket,
    CASE
      WHEN eventsource = 'cloudtrail.amazonaws.com' AND eventname = 'StopLogging' THEN 'trail stopped'
      WHEN eventsource = 'cloudtrail.amazonaws.com' AND eventname = 'DeleteTrail' THEN 'trail deleted'
      WHEN eventsource = 'cloudtrail.amazonaws.com' AND eventname = 'StopEventDataStoreIngestion' THEN 'event data store ingestion stopped'
      WHEN eventsource = 'cloudtrail.amazonaws.com' AND eventname = 'DeleteEventDataStore' THEN 'event data store deleted'
      WHEN eventsource = 'cloudtrail.amazonaws.com' AND eventname = 'UpdateTrail' THEN nullif(concat_ws('; ',
        CASE WHEN json_extract_scalar(rp, '$.s3BucketName') IS NOT NULL THEN 'delivery bucket set to ' || json_extract_scalar(rp, '$.s3BucketName') END,
        CASE WHEN json_extract_scalar(rp, '$.s3KeyPrefix') IS NOT NULL THEN 'key prefix set to ' || json_extract_scalar(rp, '$.s3KeyPrefix') END,
        CASE WHEN json_extract_scalar(rp, '$.enableLogFileValidation') = 'false' THEN 'log file validation disabled' END,
        CASE WHEN json_extract_scalar(rp, '$.isMultiRegionTrail') = 'false' THEN 'multi-region logging off' END,
        CASE WHEN json_extract_scalar(rp, '$.includeGlobalServiceEvents') = 'false' THEN 'global service events off' END), '')
      WHEN eventsource = 'cloudtrail.amazonaws.com' AND eventname = 'PutEventSelectors' THEN nullif(concat_ws('; ',
        CASE WHEN regexp_like(rp, '"includeManagementEvents"\s*:\s*false') THEN 'management events off' END,
        CASE WHEN regexp_like(rp, '"readWriteType"\s*:\s*"(ReadOnly|WriteOnly)"') THEN 'only ' || regexp_extract(rp, '"readWriteType"\s*:\s*"(ReadOnly|WriteOnly)"', 1) || ' events' END,
        CASE WHEN regexp_like(rp, '"excludeManagementEventSources"\s*:\s*\[\s*"') THEN 'management event sources excluded' END,
        CASE WHEN regexp_like(rp, '"advancedEventSelectors"\s*:\s*\[') AND NOT regexp_like(rp, '"Management"') THEN 'advanced selectors without management events' END,
        CASE WHEN regexp_like(rp, '"advancedEventSelectors"\s*:\s*\[') AND regexp_like(rp, '"field"\s*:\s*"(readOnly|eventSource|eventName)"') THEN 'advanced selectors filter management events' END), '')
      WHEN eventsource = 'cloudtrail.amazonaws.com' AND eventname = 'PutInsightSelectors' THEN
        CASE WHEN regexp_like(rp, '"insightSelectors"\s*:\s*\[\s*\]') THEN 'Insights turned off'
             WHEN NOT (rp LIKE '%ApiCallRateInsight%' AND rp LIKE '%ApiErrorRateInsight%') THEN 'Insights reduced to ' || coalesce(regexp_extract(rp, '(ApiCallRateInsight|ApiErrorRateInsight)', 1), 'nothing') END
      WHEN eventsource = 's3.amazonaws.com' AND eventname IN ('DeleteObject', 'DeleteObjects')
        AND regexp_like(rp, 'AWSLogs/(o-[a-z0-9]+/)?[0-9]{12}/CloudTrail') THEN 'log objects deleted'
      WHEN eventsource = 's3.amazonaws.com' AND eventname IN ('PutBucketLifecycle', 'PutBucketLifecycleConfiguration') THEN
        CASE WHEN regexp_like(rp, '"Expiration"') THEN 'lifecycle rules that expire objects' ELSE 'lifecycle rules set' END
      WHEN eventsource = 's3.amazonaws.com' AND eventname = 'PutBucketPolicy' THEN 'bucket policy replaced'
      WHEN eventsource = 's3.amazonaws.com' AND eventname = 'DeleteBucketPolicy' THEN 'bucket policy deleted'
      WHEN eventsource = 's3.amazonaws.com' AND eventname = 'PutBucketVersioning' THEN nullif(concat_ws('; ',
        CASE WHEN regexp_like(rp, '"Status"\s*:\s*"Suspended"') THEN 'versioning suspended' END,
        CASE WHEN regexp_like(rp, '"MfaDelete"\s*:\s*"Disabled"') THEN 'MFA delete disabled' END), '')
    END AS reason
  FROM ev
)
SELECT eventtimestamp AS time, account, region, eventname, principal, sourceip,
  coalesce(bucket, json_extract_scalar(rp, '$.name'), json_extract_scalar(rp, '$.trailName'), json_extract_scalar(rp, '$.eventDataStore'), '') AS target,
  reason,
  CASE WHEN eventname IN ('StopLogging', 'DeleteTrail', 'DeleteEventDataStore', 'DeleteObject', 'DeleteObjects')
         OR reason LIKE '%validation disabled%' OR reason LIKE '%delivery bucket%' OR reason LIKE '%management events off%'
       THEN 'high' ELSE 'medium' END AS severity,
  eventid
FROM judged
WHERE reason IS NOT NULL
  AND (eventsource = 'cloudtrail.amazonaws.com' OR eventname IN ('DeleteObject', 'DeleteObjects') OR trail_bucket)
ORDER BY eventtimestamp, eventid
