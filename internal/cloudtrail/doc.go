// Package cloudtrail is trailsql's model of AWS CloudTrail data: the record
// (Event) as the lake stores it, the decoding of log objects
// ({"Records":[...]} documents, newline-delimited events, JSON arrays) into
// records that keep the source bytes, the rebuilding of a record from its
// columns (both driven by the one mapping between record keys and columns,
// the ct tags of Event's fields: see fields.go), the S3 key layout of trails (organization trails and digest files
// included) and the partition an event belongs to.
package cloudtrail
