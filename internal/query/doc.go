// Package query answers SQL questions about a trailsql lake with an
// embedded DuckDB, in the dialect CloudTrail users know from Athena.
//
// Open a lake with Open; Engine.Stream runs one query and yields its rows
// as they are read (Rows), with Athena's column names and types (Column),
// and its scan statistics (files and bytes read, partitions pruned, rows,
// wall time) after the last row; Engine.Query collects them in a Result.
// Options.MaxRows caps the rows, inside the query DuckDB runs, and
// Truncated reports the cap. Write and WriteRows print a Result or a
// stream as a table, CSV, JSON or JSON lines.
//
// The tables are views over the lake's Parquet files: cloudtrail (every
// event, with the AWS-documented Athena columns, the Hive partition
// columns account, region, year, month and day as strings, and trailsql's
// helper columns), cloudtrail_logs (the same), cloudtrail_<account> (one
// per account whose id is a valid SQL identifier), and logs (one row per
// source object, with a records list of the object's events, so that
// `FROM logs CROSS JOIN UNNEST(records) AS t(record)` works). Partition
// predicates prune files before any is opened.
//
// A query is parsed first (package sqltree): a syntax error is a
// *sqltree.Error with its line and column (SyntaxContext shows the line
// with a caret). Errors found later point at the user's SQL too: those of
// the passes carry the node's position, and those DuckDB finds when it
// binds the rewritten SQL (an unknown column, field, table or function,
// an operator or function given the wrong types) are placed on the node of
// the user's tree that they name (ErrorPosition). Passes over the tree drop catalog qualifiers, expand a *
// over a lake table into the documented Athena columns (trailsql's helper
// columns stay selectable by name) and resolve ORDER BY names to output
// aliases as Trino does; result columns get Athena's lower-case names.
//
// Queries are then translated from Athena's dialect by Translate: Presto
// functions become DuckDB functions or trailsql's athena_* macros with
// Presto's meaning (the func_*.go files, one family each), date formats are
// converted, SHOW and DESCRIBE become queries, and anything that is not a
// read-only query is refused (IsRefused), as are Athena constructs that
// cannot run here, with what to write instead (IsUnsupported).
//
// Queries read the lake and nothing else: DuckDB runs with external access
// off except for the lake's table folder, its configuration is locked after
// setup, only one SELECT statement runs per call, table functions other
// than unnest, range and a few read-only catalog functions are refused, and
// every query has a timeout and a memory limit.
package query
