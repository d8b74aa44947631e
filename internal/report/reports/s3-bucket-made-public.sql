-- title: S3 buckets made public
-- question: Who made an S3 bucket public, through its policy, its ACL or its public access block?
-- description: The events of the built-in detection rules s3-bucket-policy-public, s3-bucket-acl-public and s3-public-access-block-removed (failed calls, which change nothing, are left out), with how each made a bucket public: PutBucketPolicy whose policy has an Allow statement for Principal * (parsed from the request; statements with conditions are shown with them), PutBucketAcl granting AllUsers or AuthenticatedUsers (or a public canned ACL), and bucket or account public access blocks deleted or relaxed.
-- rule: s3-bucket-policy-public, s3-bucket-acl-public, s3-public-access-block-removed
WITH s3 AS (
  SELECT * FROM cloudtrail
  WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
),
policy AS (
  SELECT s3.*, 'policy allows Principal *' || coalesce(' if ' || json_format(json_extract(st, '$.Condition')), '') AS how
  FROM s3 CROSS JOIN UNNEST(CAST(json_extract(requestparameters, '$.bucketPolicy.Statement') AS ARRAY(JSON))) AS t(st)
  WHERE eventname = 'PutBucketPolicy'
    AND json_extract_scalar(st, '$.Effect') = 'Allow'
    AND (json_extract_scalar(st, '$.Principal') = '*' OR json_extract_scalar(st, '$.Principal.AWS') = '*'
         OR json_array_contains(json_extract(st, '$.Principal.AWS'), '*'))
),
acl AS (
  SELECT s3.*, 'ACL grants ' || coalesce(regexp_extract(requestparameters, '(AllUsers|AuthenticatedUsers)'),
                                         json_extract_scalar(requestparameters, '$.x-amz-acl')) AS how
  FROM s3
  WHERE eventname IN ('PutBucketAcl', 'CreateBucket')
    AND (regexp_like(requestparameters, 'acs\.amazonaws\.com/groups/global/(AllUsers|AuthenticatedUsers)')
         OR regexp_like(coalesce(json_extract_scalar(requestparameters, '$.x-amz-acl'), ''), '^public-read|^authenticated-read'))
),
block AS (
  SELECT s3.*, CASE WHEN eventname LIKE 'Delete%' THEN 'public access block deleted' ELSE 'public access block relaxed' END AS how
  FROM s3
  WHERE eventname LIKE 'Delete%PublicAccessBlock'
     OR (eventname LIKE 'Put%PublicAccessBlock' AND regexp_like(requestparameters, '"(BlockPublicAcls|IgnorePublicAcls|BlockPublicPolicy|RestrictPublicBuckets)":\s*false'))
)
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname,
       json_extract_scalar(requestparameters, '$.bucketName') AS bucket, how, sourceipaddress, useragent
FROM (SELECT * FROM policy UNION ALL SELECT * FROM acl UNION ALL SELECT * FROM block)
ORDER BY eventtimestamp, eventid
