// Package protect guards a CloudTrail bucket: Policy writes a bucket policy
// that lets CloudTrail deliver logs and denies everyone else deleting or
// overwriting them, over TLS only; Check asks S3 how well a bucket is
// protected (versioning, Object Lock, lifecycle rules, bucket policy,
// digest files) and returns one finding per check.
package protect
