-- aws-samples/aws-incident-response-playbooks-workshop playbooks/credential_exposure/IAM_credential_exposure.md (MIT-0): source addresses and user agents of a rogue user; the table "irworkshopgluedatabase"."irworkshopgluetablecloudtrail" = cloudtrail, date_partition 2021/07/16..24 = 2019/09/24..2019/10/02, JaneDoe = alice.
-- order: sorted:-3
SELECT sourceipaddress, useragent, count(eventid) as COUNT 
FROM cloudtrail
WHERE useridentity.username = 'alice'
      AND date_partition >= '2019/09/24'
      AND date_partition <= '2019/10/02'
GROUP BY sourceipaddress, useragent
ORDER BY COUNT DESC
