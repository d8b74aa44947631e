// Package athena writes the statements that give the lake, and the raw
// CloudTrail logs it came from, to Amazon Athena (AWS Glue) or to a Trino
// Hive catalog: a table over the Parquet lake with partition projection on
// account, year and month (the lake's buckets, lake.Bucket), whose files
// hold region and day as columns; a table over the raw CloudTrail JSON with
// partition projection on account, region, year, month and day, in the
// layout CloudTrail writes (organization trails included); per-account
// views, the cloudtrail_logs union view and the logs view whose records
// column CROSS JOIN UNNEST queries expect. Every table and view has the
// columns account, region, year, month and day, so queries run unchanged on
// any of them; in the lake's table region and day come before the partition
// columns in SELECT *.
//
// The lake's table does not read the folders of the older layout (one per
// account, region and day, whose files have no region and day columns):
// `trailsql compact` converts them.
//
// Every column list is derived from the Parquet schema of lake.Row (the
// columns of cloudtrail.Event, then region and day), the same definition
// that writes the lake's files, so the DDL cannot drift from the data.
package athena
