-- title: Anonymous S3 requests
-- question: Who read or wrote S3 objects without credentials?
-- description: S3 calls made by ANONYMOUS_PRINCIPAL (no signature), with the bucket, key, source address, user agent and bytes sent out.
SELECT eventtime, account, awsregion, eventname,
       json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
       json_extract_scalar(requestparameters, '$.key') AS object_key,
       sourceipaddress, useragent,
       json_extract_scalar(additionaleventdata, '$.bytesTransferredOut') AS bytes_out, errorcode
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND eventsource = 's3.amazonaws.com'
  AND (useridentity.accountid = 'ANONYMOUS_PRINCIPAL' OR useridentity.principalid = 'ANONYMOUS_PRINCIPAL')
ORDER BY eventtimestamp, eventid
