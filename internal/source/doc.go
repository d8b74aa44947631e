// Package source lists and opens CloudTrail log objects: files in a local
// folder (a copy of a trail bucket, or any folder of .json/.json.gz files) or
// a single file. Listing prunes by the key layout before anything is read:
// accounts, regions and days outside a Filter are never visited.
package source
