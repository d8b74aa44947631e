// Package detect evaluates detection rules over the lake and keeps what
// they find.
//
// Rules are Sigma rules (package sigma reads them): each compiles to the
// query layer's syntax tree, so partition, time and token-index pruning
// apply to it as to any query. A rule that matches produces Findings; the
// findings are stored under <lake>/_trailsql/findings/ and are queryable as
// the findings table. Each Finding carries a dedup key (rule, group,
// window), so evaluating the same events twice adds nothing.
package detect
