// Package e2e tests the web console end to end: `trailsql serve`'s
// handler over a generated lake, driven in a real headless Chromium
// (Debian's chromium, or $TRAILSQL_CHROMIUM) with chromedp. The tests
// type queries, sort, download CSV and compare it with what
// `trailsql query --format csv` writes, follow links to events and whois
// chains, and save a screenshot of each step (to $TRAILSQL_ARTIFACTS, or
// a temporary folder; -update-screenshots rewrites docs/screenshots).
//
// The package has no code of its own: only tests.
package e2e
