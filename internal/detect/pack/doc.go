// Package pack is trailsql's built-in detection pack: Sigma rules for AWS
// CloudTrail written for trailsql, embedded in the binary.
//
// Each rule is one file, rules/<name>.yml, whose Sigma `name` is the file
// name; a correlation and the rule it counts share a file when the
// counted rule does not run on its own (access-denied, secrets-value-read).
// Every rule has a case planted by package gen that it must catch and a
// near miss it must not (gen.Plants), and the tests check both, with the
// plain Go evaluator of package sigma and through the lake with package
// detect. The README's "Built-in detections" lists the rules and what
// they catch of the Stratus Red Team detonations.
package pack
