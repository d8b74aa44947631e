-- aws-samples/aws-incident-response-playbooks-workshop playbooks/crypto_mining/EC2_crypto_mining.md (MIT-0): the access keys an actor used (SELECT DISTINCT of a struct field); the table "irworkshopgluedatabase"."irworkshopgluetablecloudtrail" = cloudtrail, date_partition 2021/07/22..29 = 2019/09/24..2019/10/02, arn:aws:iam::999999999999:user/pipeline = arn:aws:iam::444455556666:user/mallory.
-- order: any
SELECT DISTINCT useridentity.accesskeyid
FROM cloudtrail
WHERE useridentity.arn = 'arn:aws:iam::444455556666:user/mallory'
      AND date_partition >= '2019/09/24'
      AND date_partition <= '2019/10/02'
