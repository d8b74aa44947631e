// Package lake is trailsql's on-disk store: Parquet files in Hive partitions
// (<lake>/cloudtrail/account=/region=/year=/month=/day=/*.parquet) that
// DuckDB, Athena, Trino and Spark read as they are, and the metadata beside
// them under <lake>/_trailsql/: the manifest of every source object
// ingested, the quarantine of what could not be read, a lock, and the
// journal that makes compaction crash-safe.
//
// Files appear in a partition only by rename, so readers never see a
// partial file. Every event carries a fingerprint (_fp), so that writing the
// same events again — after a crash, or when CloudTrail delivers a record
// twice — stores them once.
package lake
