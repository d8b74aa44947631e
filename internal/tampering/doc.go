// Package tampering finds the events that weaken CloudTrail logging:
// trails stopped, deleted or updated to deliver elsewhere or without log
// file validation, event and Insights selectors that log less, and changes
// to the trail bucket itself (log objects deleted, lifecycle rules,
// bucket policies replaced or deleted, versioning suspended).
//
// The investigation is one SQL query in Athena's dialect, tampering.sql,
// decided from each event's request parameters, so that it can also run
// as a built-in report.
package tampering
