// Package server is trailsql's HTTP API and the web console it serves:
// the handlers of /api/... over one query engine, the embedded web/ files,
// and the safety measures that make it fit to leave running (loopback by
// default, a bearer token when bound elsewhere, CSRF and Host checks, a
// strict Content-Security-Policy, the query layer's read-only sandbox,
// limits on time, memory, rows, bodies and concurrent queries, and
// errors that never carry stack traces or file paths).
//
// The API is described by the OpenAPI document openapi.json, served at
// /api/openapi.json; a test checks that every route is described there
// and every description has a route.
package server
