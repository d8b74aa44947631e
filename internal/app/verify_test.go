package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/integrity"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestVerifyWithoutDigests verifies a trail that has no digest files: one
// unverifiable finding per account and region, counting its log files.
func TestVerifyWithoutDigests(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	trailtest.WriteTrail(t, dir, trailtest.Trail{Accounts: []string{"111111111111", "222222222222"}, Regions: []string{"us-east-1", "eu-west-1"},
		Start: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Days: 2, Files: 3, Events: 2, Seed: 61})
	rep, err := Verify(ctx, VerifyOptions{Source: dir, Now: func() time.Time { return time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Groups) != 4 {
		t.Fatalf("OK %v with %d groups, want a failure in 4", rep.OK, len(rep.Groups))
	}
	for _, g := range rep.Groups {
		if len(g.Findings) != 1 || g.Findings[0].Kind != integrity.KindNoDigests || g.Logs.Uncovered != 6 {
			t.Errorf("%s/%s: %d uncovered, findings %+v; want one no-digests finding over 6 log files", g.Account, g.Region, g.Logs.Uncovered, g.Findings)
			continue
		}
		if err := g.Findings[0].Err; !errors.Is(err, integrity.ErrNoDigests) || !integrity.IsUnverifiable(err) || integrity.IsTampered(err) {
			t.Errorf("%s/%s: finding error %v", g.Account, g.Region, err)
		}
	}

	// Bad ranges are the caller's; an empty folder has nothing to verify.
	at := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	if _, err := Verify(ctx, VerifyOptions{Source: dir, Since: at, Until: at}); !IsInput(err) {
		t.Errorf("since = until: %v", err)
	}
	if _, err := Verify(ctx, VerifyOptions{Source: t.TempDir()}); !errors.Is(err, integrity.ErrNothingToVerify) {
		t.Errorf("empty folder: %v", err)
	}
}
