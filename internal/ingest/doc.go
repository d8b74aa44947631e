// Package ingest moves CloudTrail events from sources into the lake:
// list → filter by the manifest → read and decode in parallel → write
// Parquet partitions → record the objects in the manifest. It is
// incremental (only new or changed objects are read), idempotent (an event
// is stored once however often it is delivered or re-read), crash-safe (the
// manifest names an object only after its events are in the lake), and
// bounded in memory (events are flushed in batches).
package ingest
