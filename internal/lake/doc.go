// Package lake is trailsql's on-disk store: Parquet files in buckets, one
// folder per account and month (<lake>/cloudtrail/account=/year=/month=/),
// whose files hold every region and day of that month with region and day
// as columns, sorted by event time, up to TargetRows rows each; and the
// metadata beside them under <lake>/_trailsql/: the manifest of every
// source object ingested, the quarantine of what could not be read, a lock,
// and the journal that makes compaction crash-safe. DuckDB, Athena, Trino
// and Spark read the files as they are.
//
// Lakes written before buckets have one folder per account, region and day
// (account=/region=/year=/month=/day=, files without region and day
// columns). ListFiles lists both layouts, and Tidy (trailsql compact)
// converts the older one bucket by bucket.
//
// Files appear only by rename, so readers never see a partial file. Every
// event carries a fingerprint (_fp), so that writing the same events again
// — after a crash, or when CloudTrail delivers a record twice — stores them
// once (see DayFingerprints).
package lake
