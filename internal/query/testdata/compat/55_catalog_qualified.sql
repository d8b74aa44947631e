-- Athena console queries name the catalog and database: "awsdatacatalog"."default".table.
-- order: exact
SELECT count(*) AS events
FROM "awsdatacatalog"."default"."cloudtrail_111122223333"
WHERE region = 'eu-west-1';
