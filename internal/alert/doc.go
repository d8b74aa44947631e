// Package alert sends the findings of detection rules to people: JSON
// lines on a stream, a generic signed webhook, a Slack-compatible incoming
// webhook, or an Amazon SNS topic.
//
// Delivery goes through an outbox in the lake (<lake>/_trailsql/outbox/),
// so that a crash or SIGKILL at any moment, then a restart, loses no alert.
// The outbox holds one file per (finding, sink):
//
//	outbox/cursor.json             how far detection has read the manifest
//	outbox/pending/<sink>/<key>.json   to be sent
//	outbox/done/<sink>/<key>.json      acknowledged by the sink
//	outbox/failed/<sink>/<key>.json    refused for good, with the reason
//
// Each file is written to a temporary name, synced, renamed into place and
// its folder synced, so a reader sees a whole entry or none.
//
// # The detection step
//
// Step is what `trailsql sync --detect` runs after each ingest. The lake's
// manifest is an append-only list of the source objects whose events are
// stored; the cursor is the manifest offset up to which detection has run.
// Each step evaluates the rules over the days of the objects appended
// since the cursor, then, in this order:
//
//  1. enqueues one pending entry per (finding, sink), unless the outbox
//     already has an entry of that name in any state (pending, done or
//     failed): an entry is never created twice;
//  2. adds the findings to the findings store, which keeps each dedup key
//     once;
//  3. advances the cursor (written atomically);
//  4. delivers the pending entries.
//
// A crash before step 3 makes the next run evaluate the same objects
// again: the same findings come out with the same keys, and steps 1 and 2
// add nothing that is already there. A crash after step 3 leaves the
// entries pending, and the next run's step 4 sends them. No crash can lose
// a finding between "stored" and "enqueued", because the entry is written
// first. The outbox, not the findings store, decides what has been
// alerted: a finding that `trailsql detect` stored earlier is still sent
// once when sync derives it. When sync first runs with --detect on a lake,
// the cursor starts at the manifest's end: the history already in the lake
// is not alerted. The cursor also keeps a hash of the manifest's bytes
// before it; a manifest replaced by another history (an s3:// lake that
// another machine wrote, pulled into the cache) restarts detection at its
// end, as on a lake new to detection. The outbox stays in the local lake
// (or cache): it is not published to an s3:// lake.
//
// # Exactly once, and its limit
//
// An entry leaves pending only when its sink acknowledged it (a 2xx answer
// from a webhook, a message id from SNS, a completed write to the stream),
// by a rename into done/ that is synced before the next entry is sent. A
// sink that refuses for good (an HTTP answer below 500 other than 2xx,
// 408 and 429, such as a 400, a 404 or a redirect; an SNS client fault
// other than throttling) moves the entry to failed/ with the
// reason; it is reported in the log and as the step's error, and never
// retried. Anything else
// (5xx, 408, 429, a broken connection, a timeout) is retried with
// exponential backoff and jitter, capped; when an entry has been retried
// for Backoff.MaxElapsed, the sink's pass stops and the entries stay
// pending for the next run.
//
// So each finding is sent to each sink at least once, and once unless the
// process dies in one window: after the sink acknowledged and before the
// rename into done/ is durable: one rename and one sync of the done/
// folder, that is one journal commit of the file system (2.4 ms on the
// virtual disk of the test machine, BenchmarkMarkDone). Entries are sent
// one at a time per sink, so at most one entry per sink is in the window. A restart then sends
// that entry again. Receivers can drop the repeat: the webhook carries the
// finding's dedup key in X-Trailsql-Delivery, an SNS FIFO topic gets it as
// MessageDeduplicationId (SNS drops a repeat within five minutes), and the
// JSON line carries it as "key". A Slack incoming webhook has no
// idempotency key; the window remains there.
package alert
