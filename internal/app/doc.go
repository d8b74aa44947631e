// Package app is the application layer both front ends call: the command
// line (internal/cli) and the HTTP server (internal/server). An App is one
// lake, local or in S3, opened once, with one long-lived query engine; its
// methods run queries, list tables, run reports, whois, timelines, gaps,
// tampering checks, integrity verification, ingest and sync.
//
// An s3://bucket/prefix lake is read through a local copy (the cache, see
// CacheDir), the same folder for readers and writers. Opened read-only, the
// copy is brought up to date at Open and by Refresh; opened for writing, the
// lake's local lock is held until Close, and each ingest or sync run takes
// the S3 lake's lock, pulls what changed, writes and publishes.
//
// Detections are not evaluated here: they run on the App's engine (Engine,
// handed to detect.Run) after each sync run, through SyncOptions.AfterRun,
// which Sync calls once the engine sees what the run wrote.
//
// Front ends parse their flags or requests into the option types here,
// call one method, and print or encode what it returns. Errors caused by
// the caller's input are marked (IsInput), so that the command line exits
// with a usage error and the server answers 400.
package app
