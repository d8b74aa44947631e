// Package sigma reads Sigma rules as written (the public Sigma
// specification, rules and correlation rules) and evaluates them in plain
// Go over raw CloudTrail records. The evaluator is the reference the SQL
// compiler of package detect is tested against.
package sigma
