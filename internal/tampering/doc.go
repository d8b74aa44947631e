// Package tampering finds the events that weaken CloudTrail logging:
// trails stopped, deleted or updated to deliver elsewhere or without log
// file validation, event and Insights selectors that log less, and changes
// to the trail bucket itself (log objects deleted, lifecycle rules,
// bucket policies replaced or deleted, versioning suspended).
//
// The investigation is one SQL query in Athena's dialect, decided from each
// event's request parameters: the report library's logging-weakened report
// (internal/report/reports/logging-weakened.sql), which `trailsql report run
// logging-weakened` runs too. This package adds the trail-bucket option and
// the command's output.
package tampering
