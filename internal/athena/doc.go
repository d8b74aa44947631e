// Package athena writes the statements that give the lake, and the raw
// CloudTrail logs it came from, to Amazon Athena (AWS Glue) or to a Trino
// Hive catalog: a table over the Parquet lake with partition projection on
// account, region, year, month and day; a table over the raw CloudTrail
// JSON with partition projection in the layout CloudTrail writes
// (organization trails included); per-account views, the cloudtrail_logs
// union view and the logs view whose records column CROSS JOIN UNNEST
// queries expect.
//
// Every column list is derived from the Parquet schema of cloudtrail.Event,
// the same definition that writes the lake's files, so the DDL cannot drift
// from the data.
package athena
