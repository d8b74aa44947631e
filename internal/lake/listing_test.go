package lake_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/needle"
	"github.com/trailsql/trailsql/internal/trailtest/legacy"
)

// TestListFilesCached checks the cached listing against ListFiles and the
// sidecars themselves after every kind of change to a lake of both
// layouts: files added and removed in a folder the cache trusts, a new
// bucket, a change in the same clock tick as the cached listing (the
// racy case), and a damaged cache.
func TestListFilesCached(t *testing.T) {
	dir := ingestTrail(t, 0)
	legacy.Rewrite(t, dir, "222222222222") // one account in the older layout
	check := func(step string) {
		t.Helper()
		want, err := lake.ListFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if sc, done, err := needle.OpenFile(want[i].Path); err == nil {
				if s, ok := sc.Summary(); ok {
					want[i].Summary = &s
				}
				done()
			}
		}
		got, err := lake.ListFilesCached(dir)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if len(want) == 0 {
			t.Fatalf("%s: an empty lake", step)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cached listing differs:\n got %d files %+v\nwant %d files %+v", step, len(got), got, len(want), want)
		}
	}
	age := func() {
		t.Helper()
		past := time.Now().Add(-time.Hour)
		if err := filepath.WalkDir(filepath.Join(dir, lake.Table), func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				err = os.Chtimes(p, past, past)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	copyFile := func(from, to string) {
		t.Helper()
		for _, p := range [][2]string{{from, to}, {needle.SidecarPath(from), needle.SidecarPath(to)}} {
			data, err := os.ReadFile(p[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(p[1]), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p[1], data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	check("cold")
	check("warm, folders just written")
	age()
	check("folders aged, cache built")
	check("trusted cache")

	files, _ := lake.ListFiles(dir)
	var bucketFile, legacyFile string
	for _, f := range files {
		if f.Bucket != nil && bucketFile == "" {
			bucketFile = f.Path
		}
		if f.Bucket == nil && legacyFile == "" {
			legacyFile = f.Path
		}
	}
	if bucketFile == "" || legacyFile == "" {
		t.Fatalf("want files of both layouts: %+v", files)
	}

	copyFile(bucketFile, filepath.Join(filepath.Dir(bucketFile), "part-copy.parquet"))
	check("a file added to a trusted bucket")
	age()
	check("aged again")
	if err := os.Remove(legacyFile); err != nil {
		t.Fatal(err)
	}
	check("a file removed from a trusted partition of the older layout")
	age()
	check("aged again")
	copyFile(bucketFile, filepath.Join(dir, lake.Table, "account=333333333333", "year=2019", "month=10", "part-new.parquet"))
	check("a new account's bucket")

	// The racy case: a file added in the same clock tick as the listing
	// that was cached leaves its folder's time as it was. Folders changed
	// less than two seconds before the cached listing are read again.
	now := time.Now()
	bdir := filepath.Dir(bucketFile)
	if err := os.Chtimes(bdir, now, now); err != nil {
		t.Fatal(err)
	}
	check("a bucket changed just now")
	copyFile(bucketFile, filepath.Join(bdir, "part-racy.parquet"))
	if err := os.Chtimes(bdir, now, now); err != nil { // the same tick
		t.Fatal(err)
	}
	check("a file added in the same tick as the cached listing")

	// A damaged or foreign cache is only slower.
	cache := filepath.Join(dir, lake.MetaDir, lake.ListingCache)
	if err := os.WriteFile(cache, []byte("not a listing"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("a damaged cache")
	if err := os.Remove(cache); err != nil {
		t.Fatal(err)
	}
	check("no cache")
}
