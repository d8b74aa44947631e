// Package legacy writes lakes of the layout that trailsql used before
// buckets (one folder per account, region and day), for the tests of
// conversion and of queries over both layouts.
package legacy

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/needle"
)

// Rewrite rewrites the buckets of the lake at dir whose account is in
// accounts (every account when accounts is empty) into the layout that
// trailsql wrote before buckets: one folder per account, region and day
// (account=/region=/year=/month=/day=), whose files have no region and day
// columns, each with its sidecar of that time (no parts). It is how tests
// make a lake of the older layout, or a lake half converted.
func Rewrite(t testing.TB, dir string, accounts ...string) {
	t.Helper()
	buckets, err := lake.Buckets(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range buckets {
		if len(accounts) > 0 && !contains(accounts, b.Account) {
			continue
		}
		bdir := filepath.Join(dir, lake.Table, filepath.FromSlash(b.Path()))
		files, err := filepath.Glob(filepath.Join(bdir, "*.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		byPart := map[cloudtrail.Partition][]*cloudtrail.Event{}
		for _, f := range files {
			rows, err := lake.ReadRows(f)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows {
				if rows[i].Region == nil || rows[i].Day == nil {
					t.Fatalf("%s: a bucket's row without region or day", f)
				}
				p := cloudtrail.Partition{Account: b.Account, Region: *rows[i].Region, Year: b.Year, Month: b.Month, Day: *rows[i].Day}
				byPart[p] = append(byPart[p], &rows[i].Event)
			}
			for _, rm := range []string{f, needle.SidecarPath(f)} {
				if err := os.Remove(rm); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
		}
		if err := os.Remove(bdir); err != nil {
			t.Fatal(err)
		}
		parts := make([]cloudtrail.Partition, 0, len(byPart))
		for p := range byPart {
			parts = append(parts, p)
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i].Path() < parts[j].Path() })
		for _, p := range parts {
			evs := byPart[p]
			lake.SortEvents(evs)
			pdir := filepath.Join(dir, lake.Table, filepath.FromSlash(p.Path()))
			if err := os.MkdirAll(pdir, 0o755); err != nil {
				t.Fatal(err)
			}
			n++
			path := filepath.Join(pdir, fmt.Sprintf("part-legacy-%05d.parquet", n))
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := lake.WriteEvents(f, evs); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			ix := needle.NewBuilder(len(evs))
			for _, e := range evs {
				ix.AddEvent(e)
			}
			if err := os.WriteFile(needle.SidecarPath(path), ix.Encode(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n == 0 {
		t.Fatalf("no bucket of %s to rewrite in the older layout", strings.Join(accounts, ", "))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
