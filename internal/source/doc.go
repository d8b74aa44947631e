// Package source lists and opens CloudTrail log objects: files in a local
// folder (a copy of a trail bucket, or any folder of .json/.json.gz files), a
// single file, or an S3 (or S3-compatible) bucket read with the AWS SDK for
// Go v2. Listing prunes by the key layout before anything is read: accounts,
// regions and days outside a Filter are never visited, and in S3 they are
// never listed (organizations, accounts and regions are found with
// delimited listings, days become key prefixes).
//
// A read fails for one object (an S3 5xx after retries, access denied, a
// missing key), or for the whole source: an endpoint that refuses
// connections or has no address, credentials that are expired, missing or
// rejected, a folder that is gone. The latter are *UnreachableError,
// marked ErrUnreachable, so that a run stops at once instead of failing
// every other object the same way.
package source
