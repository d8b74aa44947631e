package app

import (
	"context"
	"fmt"
	"time"

	"github.com/trailsql/trailsql/internal/integrity"
	"github.com/trailsql/trailsql/internal/source"
)

// VerifyOptions are the settings of Verify.
type VerifyOptions struct {
	// Source is a trail bucket, s3://bucket[/prefix], or a local copy of
	// one (a folder holding AWSLogs/...).
	Source string
	// Since and Until bound the time checked (zero: open).
	Since, Until time.Time
	// Account and Region keep only one account and region ("": all).
	Account, Region string
	// Keys are CloudTrail's public keys (nil: none, digests are then
	// reported as signed with an unknown key).
	Keys *integrity.KeySet
	// S3 says how to reach an s3:// Source.
	S3 source.S3Config
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Verify checks the integrity of a trail's log files from its digest files
// (integrity.Verify). An S3 source lists only the accounts, regions and
// days (with a day to spare on each side) that opts select. Nothing to
// verify in the range is an error (integrity.ErrNothingToVerify); a
// report that found problems is not: see Report.OK.
func Verify(ctx context.Context, opts VerifyOptions) (*integrity.Report, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Keys == nil {
		opts.Keys = integrity.NewKeySet()
	}
	if !opts.Since.IsZero() && !opts.Until.IsZero() && !opts.Since.Before(opts.Until) {
		return nil, &InputError{Err: fmt.Errorf("since %s is not before until %s", opts.Since.Format(time.RFC3339), opts.Until.Format(time.RFC3339))}
	}
	st, bucket, err := openStore(ctx, opts)
	if err != nil {
		return nil, err
	}
	rep, err := integrity.Verify(ctx, st, integrity.Options{
		Since: opts.Since, Until: opts.Until, Account: opts.Account, Region: opts.Region, Bucket: bucket, Keys: opts.Keys,
	})
	if err != nil {
		return nil, fmt.Errorf("cannot verify %s: %w", opts.Source, err)
	}
	if len(rep.Groups) == 0 {
		return nil, fmt.Errorf("cannot verify %s: %w in the range and filters given", opts.Source, integrity.ErrNothingToVerify)
	}
	return rep, nil
}

// Verify is the package's Verify with the App's S3 settings (opts.S3 is
// replaced) and, when opts has none, its clock.
func (a *App) Verify(ctx context.Context, opts VerifyOptions) (*integrity.Report, error) {
	opts.S3 = a.cfg.S3
	if opts.Now == nil {
		opts.Now = a.cfg.Now
	}
	return Verify(ctx, opts)
}

// openStore opens opts.Source, and returns the bucket of an s3:// one.
func openStore(ctx context.Context, opts VerifyOptions) (integrity.Store, string, error) {
	if !IsS3(opts.Source) {
		st, err := integrity.OpenDir(opts.Source)
		return st, "", err
	}
	bucket, _, err := source.ParseS3URL(opts.Source)
	if err != nil {
		return nil, "", inputErr(err)
	}
	var flt source.Filter
	if opts.Account != "" {
		flt.Accounts = []string{opts.Account}
	}
	if opts.Region != "" {
		flt.Regions = []string{opts.Region}
	}
	day := func(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
	if !opts.Since.IsZero() {
		flt.Since = day(opts.Since).AddDate(0, 0, -1)
	}
	if !opts.Until.IsZero() {
		flt.Until = day(opts.Until.Add(-time.Nanosecond)).AddDate(0, 0, 1)
	}
	c, err := source.DialS3(ctx, bucket, opts.S3)
	if err != nil {
		return nil, "", fmt.Errorf("cannot open source %s: %w", opts.Source, err)
	}
	st, err := source.NewS3Store(c, opts.Source, flt, opts.Now)
	if err != nil {
		return nil, "", fmt.Errorf("cannot open source %s: %w", opts.Source, err)
	}
	return st, bucket, nil
}
