package source_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestLocalFolderGone takes the source folder away in the middle of an
// ingest, deleted or replaced by an empty one (as an unmounted file system
// leaves its mount point): the run stops with one error that names the
// folder, what was read is stored, and the run after the folder is back
// stores exactly the rest.
func TestLocalFolderGone(t *testing.T) {
	f := func(name string, replace bool, want string) {
		t.Helper()
		root := filepath.Join(t.TempDir(), "trail")
		tr := orgTrail
		tr.Days, tr.Files = 4, 6
		events := trailtest.WriteTrail(t, root, tr)
		src, err := source.NewLocal(root)
		if err != nil {
			t.Fatal(err)
		}
		aside := root + ".aside"
		dir := t.TempDir()
		lk, err := lake.Open(context.Background(), dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		moved := false
		opts := ingest.Options{Sources: []ingest.Source{src}, Workers: 4, CompactFiles: -1, FlushEvents: 50,
			Progress: func(p ingest.Progress) {
				if p.Done == 20 && !moved {
					moved = true
					if err := os.Rename(root, aside); err != nil {
						t.Error(err)
					}
					if replace {
						if err := os.Mkdir(root, 0o755); err != nil {
							t.Error(err)
						}
					}
				}
			}}
		start := time.Now()
		sum, err := ingest.Run(context.Background(), lk, opts)
		lk.Close()
		if !source.IsUnreachable(err) {
			t.Fatalf("%s: run ended with %v, want an unreachable source; %d errors: %.3q", name, err, len(sum.Errors), sum.Errors)
		}
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("%s: the run took %s", name, took)
		}
		// Workers may open a file between the rename and the mkdir: the
		// folder is gone then.
		if !(strings.Contains(err.Error(), "cannot reach "+root+": "+want) || replace && strings.Contains(err.Error(), "cannot reach "+root+": the folder is gone")) || len(sum.Errors) > 0 {
			t.Errorf("%s: error %q (want it to say %q) and %d errors per object: %.3q", name, err, want, len(sum.Errors), sum.Errors)
		}
		t.Logf("%s: %d objects stored; %v", name, sum.New, err)

		if replace {
			os.Remove(root)
		}
		if err := os.Rename(aside, root); err != nil {
			t.Fatal(err)
		}
		src, err = source.NewLocal(root)
		if err != nil {
			t.Fatal(err)
		}
		sum2, err := run(t, dir, source.Filter{}, src)
		if err != nil || len(sum2.Errors) > 0 {
			t.Fatalf("%s: rerun: %v %.3q", name, err, sum2.Errors)
		}
		if sum2.Written != events-sum.Written || sum2.Duplicates != 0 {
			t.Errorf("%s: rerun stored %d events (%d again), want the other %d", name, sum2.Written, sum2.Duplicates, events-sum.Written)
		}
		checkOnce(t, lakeEvents(t, dir), events)
	}
	f("deleted", false, "the folder is gone")
	f("unmounted", true, "the folder is no longer the one that was listed (unmounted or replaced)")
}

// TestLocalReplaced: once the source's folder is another one (a file system
// unmounted from it leaves the empty mount point), reading an object says
// so, and so does a folder that is gone; a missing file in a folder that is
// still there is that file's fault.
func TestLocalReplaced(t *testing.T) {
	root := filepath.Join(t.TempDir(), "trail")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.json", "b.json"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(`{"Records":[]}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := source.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	open := func(name string) error {
		rc, err := src.Open(context.Background(), source.Object{Key: filepath.Join(root, name)})
		if err == nil {
			rc.Close()
		}
		return err
	}
	if err := os.Remove(filepath.Join(root, "b.json")); err != nil {
		t.Fatal(err)
	}
	if err := open("b.json"); err == nil || source.IsUnreachable(err) || !strings.Contains(err.Error(), "cannot open "+filepath.Join(root, "b.json")) {
		t.Errorf("a missing file: %v", err)
	}
	if err := os.Rename(root, root+".aside"); err != nil {
		t.Fatal(err)
	}
	if err := open("a.json"); !source.IsUnreachable(err) || err.Error() != "cannot reach "+root+": the folder is gone (stat "+root+": no such file or directory)" {
		t.Errorf("folder gone: %v", err)
	}
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := open("a.json"); !source.IsUnreachable(err) || err.Error() != "cannot reach "+root+": the folder is no longer the one that was listed (unmounted or replaced)" {
		t.Errorf("folder replaced: %v", err)
	}
}
