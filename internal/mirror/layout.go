package mirror

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
)

// Layout is what the partition folders of an S3 lake hold.
type Layout struct {
	Accounts, Regions []string
	FirstYear         int // 0 when the lake is empty
}

// Discover reads the account, region and year folders of the S3 lake at
// url with delimited listings: one for the accounts, one per account for
// its years (buckets) or regions (the older layout), and one per account
// and region of the older layout for its years. Regions are named by
// folders of the older layout only; in buckets they are a column.
func Discover(ctx context.Context, c *source.S3Client, url string) (Layout, error) {
	_, prefix, err := source.ParseS3URL(url)
	if err != nil {
		return Layout{}, err
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	table := prefix + lake.Table + "/"
	accts, err := c.Folders(ctx, table)
	if err != nil {
		return Layout{}, err
	}
	var mu sync.Mutex
	var l Layout
	regions := map[string]bool{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, a := range accts {
		acct, ok := strings.CutPrefix(a, "account=")
		if !ok {
			continue
		}
		l.Accounts = append(l.Accounts, acct)
		g.Go(func() error {
			rs, err := c.Folders(gctx, table+a+"/")
			if err != nil {
				return err
			}
			for _, r := range rs {
				if y, ok := strings.CutPrefix(r, "year="); ok {
					// A bucket (account=/year=/month=): no region folders.
					mu.Lock()
					if n, err := strconv.Atoi(strings.TrimSuffix(y, "/")); err == nil && (l.FirstYear == 0 || n < l.FirstYear) {
						l.FirstYear = n
					}
					mu.Unlock()
					continue
				}
				region, ok := strings.CutPrefix(r, "region=")
				if !ok {
					continue
				}
				ys, err := c.Folders(gctx, table+a+"/"+r+"/")
				if err != nil {
					return err
				}
				mu.Lock()
				regions[region] = true
				for _, y := range ys {
					if n, err := strconv.Atoi(strings.TrimPrefix(y, "year=")); err == nil && (l.FirstYear == 0 || n < l.FirstYear) {
						l.FirstYear = n
					}
				}
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Layout{}, err
	}
	for r := range regions {
		l.Regions = append(l.Regions, r)
	}
	slices.Sort(l.Regions)
	slices.Sort(l.Accounts)
	return l, nil
}
