package app

import (
	"context"
	"fmt"

	"github.com/trailsql/trailsql/internal/attrib"
	"github.com/trailsql/trailsql/internal/gaps"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
	"github.com/trailsql/trailsql/internal/tampering"
)

// Whois follows the credentials who (an access key id, an ARN or a role
// session name) back to the principal that holds them.
func (a *App) Whois(ctx context.Context, who string) (*attrib.Answer, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return attrib.Whois(ctx, eng, who)
}

// Timeline returns every event of a principal, on a resource or from an
// address, in time order. A query that tq.Validate refuses is an
// InputError.
func (a *App) Timeline(ctx context.Context, tq report.TimelineQuery) ([]report.TimelineEvent, error) {
	if err := tq.Validate(); err != nil {
		return nil, inputErr(err)
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return report.Timeline(ctx, eng, tq)
}

// Gaps finds the hours without delivery in the lake, per account and
// region, and the intervals in which trails were stopped.
func (a *App) Gaps(ctx context.Context, opts gaps.Options) (*gaps.Report, error) {
	m, err := lake.LoadManifest(a.dir)
	if err != nil {
		return nil, fmt.Errorf("cannot find gaps: %w", err)
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := gaps.Find(ctx, eng, m.Entries(), opts)
	if err != nil {
		return nil, fmt.Errorf("cannot find gaps: %w", err)
	}
	return rep, nil
}

// Tampering returns the successful calls in the lake that weaken
// CloudTrail logging, with the reason and severity of each.
func (a *App) Tampering(ctx context.Context, opts tampering.Options) (*query.Result, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return tampering.Find(ctx, eng, opts)
}
