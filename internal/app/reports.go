package app

import (
	"context"
	"fmt"

	"github.com/trailsql/trailsql/internal/report"
)

// Reports returns the built-in reports, sorted by name, with their
// parameters (report.Report.Params).
func (a *App) Reports() ([]*report.Report, error) {
	lib, err := report.Load()
	if err != nil {
		return nil, err
	}
	return lib.Reports(), nil
}

// Report returns the built-in report called name; an unknown name is an
// InputError.
func (a *App) Report(name string) (*report.Report, error) {
	lib, err := report.Load()
	if err != nil {
		return nil, err
	}
	r := lib.Lookup(name)
	if r == nil {
		return nil, &InputError{Err: fmt.Errorf("no report %q (see 'trailsql report list')", name)}
	}
	return r, nil
}

// RunReport runs the report called name over the lake with in's
// parameters, bound (never pasted) as the report declares them. An
// unknown report or a parameter that is missing or of the wrong type is an
// InputError.
func (a *App) RunReport(ctx context.Context, name string, in report.Inputs) (*report.Run, error) {
	r, err := a.Report(name)
	if err != nil {
		return nil, err
	}
	if in.Now == nil {
		in.Now = a.cfg.Now
	}
	if _, _, _, err := r.Bind(in); err != nil {
		return nil, inputErr(err)
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx, eng, in)
}
