-- awsdocs/amazon-athena-user-guide doc_source/cloudtrail-logs.md (https://docs.aws.amazon.com/athena/latest/ug/cloudtrail-logs.html; sample code MIT-0): resources unnested with a table alias and a column alias, two-argument replace; the example object example/datafile.txt = the fixture's data/export.csv.
-- order: exact
SELECT 
    awsregion,
    replace(unnested.resources_entry.ARN,'arn:aws:s3:::') as s3_resource,
    eventname,
    eventtime,
    useragent
FROM cloudtrail_logs t
CROSS JOIN UNNEST(t.resources) unnested (resources_entry)
WHERE unnested.resources_entry.ARN LIKE '%data/export.csv'
ORDER BY eventtime
