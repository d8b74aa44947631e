// Package source lists and opens CloudTrail log objects: files in a local
// folder (a copy of a trail bucket, or any folder of .json/.json.gz files), a
// single file, or an S3 (or S3-compatible) bucket read with the AWS SDK for
// Go v2. Listing prunes by the key layout before anything is read: accounts,
// regions and days outside a Filter are never visited, and in S3 they are
// never listed (organizations, accounts and regions are found with
// delimited listings, days become key prefixes).
package source
