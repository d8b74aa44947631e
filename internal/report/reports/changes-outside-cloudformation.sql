-- title: Changes not made through CloudFormation
-- question: Which changes to infrastructure did not go through CloudFormation?
-- description: Management events that are not read-only, made by people and tools rather than by CloudFormation or other AWS services, by principal and call. Data events (object writes), sign-ins and STS calls are left out.
-- param: service (string, default ''): only this event source, like ec2.amazonaws.com ('' for every service)
SELECT account, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventsource, eventname, count(*) AS calls,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
  AND readonly = 'false'
  AND coalesce(managementevent, 'true') = 'true'
  AND coalesce(eventcategory, 'Management') = 'Management'
  AND useridentity.type NOT IN ('AWSService')
  AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
  AND coalesce(useragent, '') NOT LIKE '%cloudformation%'
  AND eventsource NOT IN ('sts.amazonaws.com', 'signin.amazonaws.com')
  AND (:service = '' OR eventsource = :service)
GROUP BY 1, 2, 3, 4
ORDER BY calls DESC, account, who, eventsource, eventname
