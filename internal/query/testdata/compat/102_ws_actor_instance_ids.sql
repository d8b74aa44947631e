-- aws-samples/aws-incident-response-playbooks-workshop playbooks/crypto_mining/EC2_crypto_mining.md (MIT-0): instance ids the actor launched (json_extract_scalar of an array element); the table "irworkshopgluedatabase"."irworkshopgluetablecloudtrail" = cloudtrail, date_partition 2021/07/22..29 = 2019/09/24..2019/10/02, arn:aws:iam::999999999999:user/pipeline = arn:aws:iam::444455556666:user/mallory.
-- order: any
SELECT json_extract_scalar(responseelements, '$.instancesSet.items[0].instanceId') AS instance_id
FROM cloudtrail
WHERE useridentity.arn = 'arn:aws:iam::444455556666:user/mallory'
      AND date_partition >= '2019/09/24'
      AND date_partition <= '2019/10/02'
      AND eventname IN ('RunInstances');
