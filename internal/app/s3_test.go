package app

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/report"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// count runs SELECT count(*) FROM cloudtrail on a.
func count(t *testing.T, a *App) int {
	t.Helper()
	r, err := a.Query(context.Background(), "SELECT count(*) FROM cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	return int(r.Rows[0][0].(int64))
}

// TestS3Lake writes a lake to MinIO through a writer App (its lock, pull
// and publish), reads it through read-only Apps in other caches (pulled at
// Open and by Refresh), and keeps it current with Sync from a trail bucket.
func TestS3Lake(t *testing.T) {
	ctx := context.Background()
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, "lake")
	m.CreateBucket(t, "trail")
	now := time.Date(2024, 5, 3, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	env := func(cache string) func(string) string {
		return func(k string) string {
			if k == "TRAILSQL_CACHE" {
				return cache
			}
			return ""
		}
	}

	// A writer ingests a local trail into s3://lake/tsql and publishes it.
	src := t.TempDir()
	events := trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111111111111"}, Regions: []string{"us-east-1", "eu-west-1"},
		Start: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Days: 2, Files: 2, Events: 5, Seed: 41})
	writerCache := t.TempDir()
	w, err := Open(ctx, Config{Lake: "s3://lake/tsql", Write: true, S3: m.S3Config(), Now: clock, Getenv: env(writerCache)})
	if err != nil {
		t.Fatal(err)
	}
	if w.Dir() != filepath.Join(writerCache, "lake", "tsql") || w.S3URL() != "s3://lake/tsql/" || !w.Writable() {
		t.Fatalf("writer: Dir %s S3URL %s", w.Dir(), w.S3URL())
	}
	s, err := w.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Ingest(ctx, ingest.Options{Sources: []ingest.Source{s}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != events || res.Published == nil || res.Published.Files == 0 {
		t.Fatalf("ingest: wrote %d of %d events, published %+v", res.Written, events, res.Published)
	}
	if n := count(t, w); n != events {
		t.Errorf("the writer's engine counts %d events, want %d", n, events)
	}

	// A second writer of the same cache is refused while the first holds it.
	if _, err := Open(ctx, Config{Lake: "s3://lake/tsql", Write: true, S3: m.S3Config(), Getenv: env(writerCache)}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second writer of the cache: %v", err)
	}

	// A reader elsewhere downloads the lake at Open.
	var log bytes.Buffer
	readerCache := t.TempDir()
	r, err := Open(ctx, Config{Lake: "s3://lake/tsql", S3: m.S3Config(), Now: clock, Getenv: env(readerCache), Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !strings.HasPrefix(log.String(), "pulled s3://lake/tsql/ into "+filepath.Join(readerCache, "lake", "tsql")+": ") || strings.Contains(log.String(), "up to date") {
		t.Errorf("reader's pull: %q", log.String())
	}
	if n := count(t, r); n != events {
		t.Errorf("reader counts %d events, want %d", n, events)
	}
	run, err := r.RunReport(ctx, "top-errors", report.Inputs{})
	if err != nil || run.Result == nil {
		t.Fatalf("report over the S3 lake: %v", err)
	}
	if _, err := r.Ingest(ctx, ingest.Options{}); !errors.Is(err, errReadOnly) {
		t.Errorf("Ingest through a reader: %v", err)
	}

	// A reader of the writer's own cache reads it as it is while the
	// writer holds it: the writer keeps it current.
	log.Reset()
	same, err := Open(ctx, Config{Lake: "s3://lake/tsql", S3: m.S3Config(), Getenv: env(writerCache), Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, same); n != events || !strings.Contains(log.String(), "in use by another trailsql process") {
		t.Errorf("reader of the writer's cache: %d events, log %q", n, log.String())
	}
	same.Close()

	// Sync from a trail bucket: new accounts are listed whole, the
	// lookback window bounds the rest; the writer's engine sees the run
	// before AfterRun is called; the reader sees it after Refresh.
	trail := t.TempDir()
	more := trailtest.WriteTrail(t, trail, trailtest.Trail{Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"},
		Start: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), Days: 2, Files: 1, Events: 3, Seed: 42})
	m.PutDir(t, "trail", "", trail)
	var runs []SyncRun
	err = w.Sync(ctx, SyncOptions{
		Sources:  []string{"s3://trail"},
		Lookback: 24 * time.Hour,
		AfterRun: func(ctx context.Context, run *SyncRun) error {
			if n := count(t, w); n != events+more {
				t.Errorf("AfterRun: the engine counts %d events, want %d", n, events+more)
			}
			return nil
		},
		OnRun: func(_ context.Context, run *SyncRun) { runs = append(runs, *run) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Summary.Written != more || runs[0].Published.Files == 0 || runs[0].Requests == 0 || !runs[0].Next.IsZero() {
		t.Fatalf("sync runs: %+v", runs)
	}
	if n := count(t, r); n != events {
		t.Errorf("reader before Refresh counts %d events, want %d", n, events)
	}
	log.Reset()
	if err := r.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, r); n != events+more {
		t.Errorf("reader after Refresh counts %d events, want %d (%s)", n, events+more, log.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// An AfterRun error is the run's.
	w2, err := Open(ctx, Config{Lake: "s3://lake/tsql", Write: true, S3: m.S3Config(), Now: clock, Getenv: env(writerCache)})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	boom := errors.New("boom")
	err = w2.Sync(ctx, SyncOptions{Sources: []string{"s3://trail"}, Lookback: 24 * time.Hour,
		AfterRun: func(context.Context, *SyncRun) error { return boom }})
	if !errors.Is(err, boom) {
		t.Errorf("Sync with a failing AfterRun: %v", err)
	}
	// The failed run still unlocked the S3 lake: the next one runs.
	if err := w2.Sync(ctx, SyncOptions{Sources: []string{"s3://trail"}, Lookback: 24 * time.Hour}); err != nil {
		t.Errorf("Sync after a failed run: %v", err)
	}

	// A writer of a copy that a reader is bringing up to date waits for it.
	unlock, busy, err := lockCopy(ctx, r.Dir(), 0)
	if err != nil || busy {
		t.Fatalf("lockCopy: %v, busy %v", err, busy)
	}
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(300 * time.Millisecond)
		unlock()
	}()
	w3, err := Open(ctx, Config{Lake: "s3://lake/tsql", Write: true, S3: m.S3Config(), Getenv: env(readerCache)})
	<-released
	if err != nil {
		t.Fatalf("writer after a reader's pull: %v", err)
	}
	w3.Close()

	// A prefix where nothing is published.
	if _, err := Open(ctx, Config{Lake: "s3://lake/none", S3: m.S3Config(), Getenv: env(t.TempDir())}); err == nil || !strings.Contains(err.Error(), "nothing is published there") {
		t.Errorf("Open of an empty prefix: %v", err)
	}
}
