// Package trailtest holds test fixtures and helpers shared by trailsql's
// packages: where the shared corpus of real CloudTrail events is, how to
// build small trails on disk, and real servers started on loopback.
package trailtest
