package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/trailtest"
	"github.com/trailsql/trailsql/internal/trailtest/legacy"
)

// trailsql starts this test binary as trailsql with args.
func trailsql(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "TRAILSQL_TEST_MAIN=1")
	return cmd
}

// dataFilePaths lists the data files of a lake, of both layouts (buckets
// account=/year=/month=, and the older account=/region=/year=/month=/day=).
func dataFilePaths(dir string) ([]string, error) {
	buckets, err := filepath.Glob(filepath.Join(dir, "cloudtrail", "*", "*", "*", "*.parquet"))
	if err != nil {
		return nil, err
	}
	old, err := filepath.Glob(filepath.Join(dir, "cloudtrail", "*", "*", "*", "*", "*", "*.parquet"))
	return append(buckets, old...), err
}

func lakeEventIDs(t *testing.T, dir string) (map[string]int, error) {
	files, err := dataFilePaths(dir)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	old, _ := lake.CompactionJournal(dir)
	for _, o := range old {
		skip[o] = true
	}
	ids := map[string]int{}
	for _, f := range files {
		if skip[f] {
			continue
		}
		evs, err := lake.ReadEvents(f)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			ids[*e.EventID]++
		}
	}
	return ids, nil
}

// TestKilledIngest kills ingest with SIGKILL at several moments, then lets a
// last run finish: the lake must hold every source event exactly once.
func TestKilledIngest(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	n := trailtest.WriteTrail(t, src, trailtest.Trail{Org: "o-kill", Accounts: []string{"111111111111", "222222222222"},
		Regions: []string{"us-east-1", "eu-west-1"}, Start: time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC), Days: 4, Files: 12, Events: 250, Seed: 9})
	args := []string{"ingest", src, "--lake", lk, "--flush-events", "5000", "--no-compact"}
	kills := 0
	for _, delay := range []time.Duration{30 * time.Millisecond, 150 * time.Millisecond, 300 * time.Millisecond, 450 * time.Millisecond, 700 * time.Millisecond} {
		cmd := trailsql(args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		cmd.Wait()
	}
	// And once more with compaction, killed midway.
	cmd := trailsql("ingest", src, "--lake", lk)
	cmd.Start()
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	out, err := trailsql(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	ids, err := lakeEventIDs(t, lk)
	if err != nil {
		t.Fatal(err)
	}
	for id, c := range ids {
		if c != 1 {
			t.Fatalf("event %s stored %d times", id, c)
		}
	}
	if len(ids) != n {
		t.Fatalf("lake holds %d events, source has %d (after %d kills)", len(ids), n, kills)
	}
	out, err = trailsql(args...).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "nothing new") {
		t.Fatalf("rerun after recovery: %v\n%s", err, out)
	}
	tmp, _ := os.ReadDir(filepath.Join(lk, "_trailsql", "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("temporary files left behind: %d", len(tmp))
	}
}

// TestKilledConvert kills `trailsql compact` with SIGKILL at several
// moments while it converts a lake of the older layout into buckets, then
// lets a last run finish: every event is there exactly once, in buckets.
func TestKilledConvert(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	n := trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111111111111", "222222222222"},
		Regions: []string{"us-east-1", "eu-west-1", "ap-south-1"}, Start: time.Date(2019, 9, 27, 0, 0, 0, 0, time.UTC), Days: 6, Files: 6, Events: 150, Seed: 11})
	if out, err := trailsql("ingest", src, "--lake", lk, "--no-compact").CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	legacy.Rewrite(t, lk)
	check := func(stage string) {
		t.Helper()
		ids, err := lakeEventIDs(t, lk)
		if err != nil {
			t.Fatal(err)
		}
		for id, c := range ids {
			if c != 1 {
				t.Fatalf("%s: event %s stored %d times", stage, id, c)
			}
		}
		if len(ids) != n {
			t.Fatalf("%s: lake holds %d events, source has %d", stage, len(ids), n)
		}
	}
	check("older layout")
	for _, delay := range []time.Duration{20 * time.Millisecond, 80 * time.Millisecond, 160 * time.Millisecond, 320 * time.Millisecond} {
		cmd := trailsql("compact", "--lake", lk)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		// Readers see every event once even before a writer recovers.
		check(fmt.Sprint("killed after ", delay))
	}
	out, err := trailsql("compact", "--lake", lk).CombinedOutput()
	if err != nil {
		t.Fatalf("final compact: %v\n%s", err, out)
	}
	check("converted")
	if old, _ := lake.LegacyPartitions(lk); len(old) != 0 {
		t.Fatalf("%d partitions of the older layout left", len(old))
	}
}

// TestReadDuringIngest reads every data file over and over while an ingest
// (with compaction) runs: a reader never meets a partial file.
func TestReadDuringIngest(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111111111111"},
		Regions: []string{"us-east-1", "eu-west-1"}, Start: time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC), Days: 3, Files: 20, Events: 200, Seed: 4})
	cmd := trailsql("ingest", src, "--lake", lk, "--flush-events", "2000")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var finished atomic.Bool
	go func() {
		err := cmd.Wait()
		finished.Store(true)
		done <- err
	}()
	var wg sync.WaitGroup
	reads := 0
	wg.Add(1)
	var readErr error
	go func() {
		defer wg.Done()
		for {
			time.Sleep(5 * time.Millisecond)
			last := finished.Load()
			files, _ := dataFilePaths(lk)
			for _, f := range files {
				if _, err := lake.ReadEvents(f); err != nil && !os.IsNotExist(err) && !strings.Contains(err.Error(), "no such file") {
					readErr = err
					return
				}
				reads++
			}
			if last {
				return
			}
		}
	}()
	err := <-done
	wg.Wait()
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, out.String())
	}
	if readErr != nil {
		t.Fatalf("a reader saw a bad file: %v", readErr)
	}
	if reads == 0 {
		t.Fatal("no file was read during the ingest")
	}
}
