package tampering

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/query"
)

// SQL is the tampering query, in Athena's dialect. Its parameters are
// listed at its top; Options.Args returns them.
//
//go:embed tampering.sql
var SQL string

// Querier runs SQL over the lake; *query.Engine is one.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (*query.Result, error)
}

// Options select the events examined. The zero value examines every event.
type Options struct {
	// Since and Until bound the event times (Until excluded).
	Since, Until time.Time
	// Account keeps only one account's events.
	Account string
	// Buckets are trail buckets besides those that CreateTrail and
	// UpdateTrail events and log-object requests in the lake name.
	Buckets []string
}

// Args returns the parameters of SQL for o.
func (o Options) Args() []any {
	since, until := o.Since, o.Until
	if since.IsZero() {
		since = time.Unix(0, 0)
	}
	if until.IsZero() {
		until = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return []any{since.UTC(), until.UTC(), o.Account, o.Account, strings.Join(o.Buckets, ",")}
}

// Find runs the tampering query: one row per event that weakens logging,
// with the columns time, account, region, eventname, principal, sourceip,
// target (trail or bucket), reason, severity (high or medium) and eventid.
func Find(ctx context.Context, q Querier, o Options) (*query.Result, error) {
	res, err := q.Query(ctx, SQL, o.Args()...)
	if err != nil {
		return nil, fmt.Errorf("cannot find tampering events: %w", err)
	}
	return res, nil
}
