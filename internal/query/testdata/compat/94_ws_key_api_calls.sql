-- aws-samples/aws-incident-response-playbooks-workshop playbooks/credential_exposure/IAM_credential_exposure.md (MIT-0): the past week's API calls of an access key, grouped (count(eventid) AS COUNT, ORDER BY the alias); the table "irworkshopgluedatabase"."irworkshopgluetablecloudtrail" = cloudtrail, date_partition 2021/07/16..24 = 2019/09/24..2019/10/02, AKIAIOSFODNN7EXAMPLE = AKIAALICE00000000001.
-- order: sorted:-7
SELECT awsregion, eventsource, eventname, readonly, errorcode, errormessage, count(eventid) as COUNT 
FROM cloudtrail
WHERE useridentity.accesskeyid = 'AKIAALICE00000000001'
      AND date_partition >= '2019/09/24'
      AND date_partition <= '2019/10/02'
GROUP BY awsregion, eventsource, eventname, readonly, errorcode, errormessage
ORDER BY COUNT DESC
