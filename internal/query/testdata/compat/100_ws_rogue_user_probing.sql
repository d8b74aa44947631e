-- aws-samples/aws-incident-response-playbooks-workshop playbooks/credential_exposure/IAM_credential_exposure.md (MIT-0): the rogue user's probing calls; the table "irworkshopgluedatabase"."irworkshopgluetablecloudtrail" = cloudtrail, date_partition 2021/07/16..24 = 2019/09/24..2019/10/02, JaneDoe = alice.
-- order: any
SELECT eventtime, awsregion, requestparameters, responseelements, errorcode, errormessage
FROM cloudtrail
WHERE useridentity.username = 'alice'
      AND date_partition >= '2019/09/24'
      AND date_partition <= '2019/10/02'
      AND eventname IN ('ListRoles', 'DescribeDestinations', 'ListKeys', 'ListFunctions20150331', 'ListBuckets', 'ListSecrets', 'ListAliases', 'DescribeInstances')
