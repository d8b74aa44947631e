package app

import (
	"context"

	"github.com/trailsql/trailsql/internal/query"
)

// Query runs one query in Athena's dialect, with args bound to its ?
// parameters, and returns its rows (up to Config.Query.MaxRows) with scan
// statistics.
func (a *App) Query(ctx context.Context, sql string, args ...any) (*query.Result, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.Query(ctx, sql, args...)
}

// Stream runs one query like Query and yields its rows as they are read
// (query.Engine.Stream): the caller reads them until Next is false, then
// checks Err, and closes the Rows.
func (a *App) Stream(ctx context.Context, sql string, args ...any) (*query.Rows, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.Stream(ctx, sql, args...)
}

// Tables returns the tables a query can read with their columns, and what
// the lake holds per account and region.
func (a *App) Tables(ctx context.Context) (*query.Catalog, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.Catalog(ctx)
}
