// Package tampering finds the events that weaken CloudTrail logging:
// trails stopped, deleted or updated to deliver elsewhere or without log
// file validation, event and Insights selectors that log less, and changes
// to the trail bucket itself (log objects deleted, lifecycle rules,
// bucket policies replaced or deleted, versioning suspended).
//
// The investigation is one SQL query in Athena's dialect, tampering.sql,
// decided from each event's request parameters. It is written as a report
// of the report library (internal/report: a -- title/question/description/
// param header and :name parameters), so that it can move there as it is.
package tampering
