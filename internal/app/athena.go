package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
)

// RawHasOrg reports whether a raw trail URL (s3://bucket/[prefix/]AWSLogs/
// [o-org/]) names the organization folder.
func RawHasOrg(raw string) bool {
	parts := strings.Split(strings.TrimSuffix(raw, "/"), "/")
	return strings.HasPrefix(parts[len(parts)-1], "o-")
}

// DiscoverLayout reads, with a few delimited listings, the accounts,
// regions and first year of the s3:// lake lakeURL and of the raw trail
// raw (either may be ""), for the Athena tables over them; it returns raw
// completed with its organization folder when the trail has one. A raw
// folder holding several organizations' logs is an InputError.
func DiscoverLayout(ctx context.Context, cfg source.S3Config, lakeURL, raw string) (mirror.Layout, string, error) {
	var all mirror.Layout
	add := func(l mirror.Layout) {
		all.Accounts = append(all.Accounts, l.Accounts...)
		all.Regions = append(all.Regions, l.Regions...)
		if l.FirstYear != 0 && (all.FirstYear == 0 || l.FirstYear < all.FirstYear) {
			all.FirstYear = l.FirstYear
		}
	}
	if lakeURL != "" {
		bucket, _, err := source.ParseS3URL(lakeURL)
		if err != nil {
			return all, raw, inputErr(err)
		}
		c, err := source.DialS3(ctx, bucket, cfg)
		if err != nil {
			return all, raw, err
		}
		l, err := mirror.Discover(ctx, c, lakeURL)
		if err != nil {
			return all, raw, err
		}
		add(l)
	}
	if raw != "" {
		src, err := source.NewS3(ctx, raw, cfg, source.S3Options{})
		if err != nil {
			return all, raw, err
		}
		places, err := src.Discover(ctx, source.Filter{})
		if err != nil {
			return all, raw, err
		}
		var orgs []string
		var logs []source.Place
		for _, p := range places {
			if p.Kind == "CloudTrail" {
				logs = append(logs, p)
				if !slices.Contains(orgs, p.Org) {
					orgs = append(orgs, p.Org)
				}
			}
		}
		switch {
		case len(orgs) > 1:
			return all, raw, &InputError{Err: fmt.Errorf("%s holds the logs of several organizations (%s): name one, e.g. --raw %s%s/",
				raw, strings.Join(orgs, ", "), strings.TrimSuffix(raw, "/")+"/", orgs[0])}
		case len(orgs) == 1 && orgs[0] != "" && !RawHasOrg(raw):
			raw = strings.TrimSuffix(raw, "/") + "/" + orgs[0] + "/"
		}
		l, err := placesLayout(ctx, src.Client(), logs)
		if err != nil {
			return all, raw, err
		}
		add(l)
	}
	slices.Sort(all.Accounts)
	all.Accounts = slices.Compact(all.Accounts)
	slices.Sort(all.Regions)
	all.Regions = slices.Compact(all.Regions)
	return all, raw, nil
}

// placesLayout reads the first year of each trail folder (one listing
// each).
func placesLayout(ctx context.Context, c *source.S3Client, places []source.Place) (mirror.Layout, error) {
	var l mirror.Layout
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, p := range places {
		l.Accounts = append(l.Accounts, p.Account)
		l.Regions = append(l.Regions, p.Region)
		g.Go(func() error {
			years, err := c.Folders(gctx, p.Prefix)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, y := range years {
				if n, err := strconv.Atoi(y); err == nil && (l.FirstYear == 0 || n < l.FirstYear) {
					l.FirstYear = n
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return l, fmt.Errorf("cannot read the years of the trail: %w", err)
	}
	return l, nil
}
