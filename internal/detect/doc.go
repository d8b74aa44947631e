// Package detect evaluates detection rules over the lake and keeps what
// they find.
//
// Rules are Sigma rules (package sigma reads them). Compile turns each
// into the query layer's syntax tree (package sqltree), with the
// semantics that package sigma's documentation defines and its Go
// evaluator implements: a Sigma field is a CloudTrail key path mapped onto
// the Athena columns through the record model's key↔column mapping, or
// followed inside the JSON text columns (case-insensitive keys, arrays
// fanned out); values compare case-insensitively in their text form.
// Rule values enter the tree only as literal nodes, which the printer
// quotes.
//
// Run sends the compiled rules to the query engine as Athena SQL over the
// cloudtrail table, so partition, time and file pruning apply: the plain
// rules share one scan, whose WHERE tests first the event names they can
// match; each correlation (and old count() aggregation) is one GROUP BY
// over tumbling windows aligned to the epoch. A rule that cannot be
// compiled is a *RuleError naming the exact unsupported feature; it is
// never run in part.
//
// A Finding is one matching event of a plain rule, or one group of events
// in one window of a correlation, with a dedup key (rule, group, window),
// so evaluating the same events twice gives the same keys. Store keeps the
// findings under <lake>/_trailsql/findings/ as files of JSON lines written
// atomically, adding only keys it does not hold; the query engine shows
// them as the findings table.
package detect
