// Package mirror keeps a lake in S3: the same Hive-layout Parquet files as a
// local lake (<prefix>/cloudtrail/account=/region=/year=/month=/day=/*.parquet,
// and beside each its index sidecar _<name>.tokens, which Athena, Trino and
// Spark skip as its name starts with "_"), readable as they are by those
// engines, with the manifest and
// the quarantine beside them under <prefix>/_trailsql/. (The digest files
// and signatures that ingest keeps from an S3 trail stay in the local lake:
// they are small, many, and already in the trail bucket.)
//
// # How a local lake and an S3 lake relate
//
// The local lake is the working copy and the S3 lake its published mirror.
// A writer (ingest or sync with --lake s3://...) works in a local cache of
// the S3 lake: Pull brings the cache up to date, ingest writes there as it
// does for any local lake (temporary files, renames, fsync, the flock), and
// Push then uploads what changed. Each S3 object is written whole by one
// PutObject, so S3 readers never see a partial file; Parquet files are
// uploaded before the manifest lines that name their source objects, so the
// S3 manifest never claims events the S3 lake lacks.
//
// Keeping the cache current costs one GET per run: Push ends by writing a
// generation marker (<prefix>/_trailsql/generation) and the cache remembers
// the generation it last pushed or pulled. When the marker matches, Pull
// does nothing more; when it does not (a fresh cache, another machine
// wrote), Pull lists the S3 lake and downloads what differs. Push compares
// the cache with what it last pushed (sizes and modification times, kept in
// <lake>/_trailsql/mirror.json) and uploads only new and changed files: a
// run that added one partition file uploads one file, one manifest segment
// and the marker. The manifest, which only grows, is uploaded in segments
// (<prefix>/_trailsql/manifest/<offset>.jsonl); Pull joins them again.
//
// Compaction replaces a partition's files with one: Push uploads the new
// file before it deletes the old ones, partition by partition, so an S3
// reader that lists the partition in between may see both for a moment
// (Hive tables on S3 have no atomic replace; a table format such as Iceberg
// would be needed for that).
//
// One writer at a time: Lock takes <prefix>/_trailsql/lock with a
// conditional PutObject (If-None-Match), so two machines never write the
// same S3 lake at once. The holder writes the lock again every
// Options.LockRefresh (LockTTL/4) so a long run keeps it; if it finds the
// lock taken over, the context Lock returned is cancelled with ErrLockLost
// and unlock reports it. Queries read the local cache (trailsql query
// --lake DIR); Pull alone makes a read-only cache of an S3 lake.
package mirror
