package alert

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
)

var fastBackoff = Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond, MaxElapsed: 5 * time.Second}

func openTestOutbox(t *testing.T) *Outbox {
	t.Helper()
	o, err := OpenOutbox(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func enqueue(t *testing.T, o *Outbox, sink string, fs []detect.Finding) int {
	t.Helper()
	n, err := o.Enqueue(sink, fs)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func counts(t *testing.T, o *Outbox, sink string) Counts {
	t.Helper()
	c, err := o.Counts()
	if err != nil {
		t.Fatal(err)
	}
	return c[sink]
}

func TestEnqueueOnce(t *testing.T) {
	o := openTestOutbox(t)
	fs := []detect.Finding{finding("r1", "ev1", "high", t0), finding("r1", "ev2", "high", t0), finding("r1", "ev1", "high", t0)}
	if n := enqueue(t, o, "stdout", fs); n != 2 {
		t.Fatalf("enqueued %d, want 2 (one key repeated)", n)
	}
	if n := enqueue(t, o, "stdout", fs); n != 0 {
		t.Fatalf("enqueued %d again", n)
	}
	if n := enqueue(t, o, "other", fs[:1]); n != 1 {
		t.Fatalf("another sink: enqueued %d, want 1", n)
	}
	// Done and failed entries keep their keys out too.
	p, _ := o.Pending("stdout")
	if err := o.MarkDone(&p[0]); err != nil {
		t.Fatal(err)
	}
	if err := o.MarkFailed(&p[1], 3, errors.New("refused")); err != nil {
		t.Fatal(err)
	}
	if n := enqueue(t, o, "stdout", fs); n != 0 {
		t.Fatalf("enqueued %d after done/failed", n)
	}
	if c := counts(t, o, "stdout"); c != (Counts{Done: 1, Failed: 1}) {
		t.Fatalf("counts = %+v", c)
	}
	failed, err := o.Failed("stdout")
	if err != nil || len(failed) != 1 || failed[0].Reason != "refused" || failed[0].Attempts != 3 || failed[0].Finding.Key != p[1].Finding.Key {
		t.Fatalf("failed = %+v, %v", failed, err)
	}
	tmp, _ := os.ReadDir(filepath.Join(o.Dir(), tmpDir))
	if len(tmp) != 0 {
		t.Fatalf("%d temporary files left", len(tmp))
	}
}

func TestEnqueueBadKey(t *testing.T) {
	o := openTestOutbox(t)
	for _, key := range []string{"", "../x", ".hidden", "a/b"} {
		f := finding("r1", "ev1", "high", t0)
		f.Key = key
		if _, err := o.Enqueue("stdout", []detect.Finding{f}); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
	if _, err := o.Enqueue("../up", []detect.Finding{finding("r1", "ev1", "high", t0)}); err == nil {
		t.Error("sink name ../up accepted")
	}
}

// TestOpenRepairs reopens an outbox that a crash left with pending
// entries next to their failed and done copies, and a temporary file.
func TestOpenRepairs(t *testing.T) {
	lk := t.TempDir()
	o, err := OpenOutbox(lk, nil)
	if err != nil {
		t.Fatal(err)
	}
	enqueue(t, o, "s", []detect.Finding{finding("r1", "ev1", "high", t0), finding("r1", "ev2", "high", t0)})
	p, _ := o.Pending("s")
	name := p[0].Finding.Key + ".json"
	b, _ := os.ReadFile(filepath.Join(o.Dir(), pendingDir, "s", name))
	os.MkdirAll(filepath.Join(o.Dir(), failedDir, "s"), 0o755)
	os.WriteFile(filepath.Join(o.Dir(), failedDir, "s", name), b, 0o644)
	os.WriteFile(filepath.Join(o.Dir(), tmpDir, "entry-123"), []byte("{"), 0o644)
	// And one marked done whose removal from pending/ was not durable.
	name1 := p[1].Finding.Key + ".json"
	b, _ = os.ReadFile(filepath.Join(o.Dir(), pendingDir, "s", name1))
	os.MkdirAll(filepath.Join(o.Dir(), doneDir, "s"), 0o755)
	os.WriteFile(filepath.Join(o.Dir(), doneDir, "s", name1), b, 0o644)
	if o, err = OpenOutbox(lk, nil); err != nil {
		t.Fatal(err)
	}
	if c := counts(t, o, "s"); c != (Counts{Done: 1, Failed: 1}) {
		t.Fatalf("counts = %+v", c)
	}
	tmp, _ := os.ReadDir(filepath.Join(o.Dir(), tmpDir))
	if len(tmp) != 0 {
		t.Fatal("temporary file left")
	}
}

// TestDeliverRetries: a receiver that answers 500 three times, then 200,
// gets each finding once, after the retries.
func TestDeliverRetries(t *testing.T) {
	rc, url := startReceiver(t, 500, 500, 500, 200)
	w := NewWebhook(url, "k", nil)
	o := openTestOutbox(t)
	fs := []detect.Finding{finding("r1", "ev1", "high", t0), finding("r2", "ev2", "high", t0.Add(time.Second))}
	enqueue(t, o, w.Name(), fs)
	st, err := o.Deliver(context.Background(), []Sink{w}, fastBackoff, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st != (DeliverStats{Sent: 2, Retries: 3}) {
		t.Fatalf("stats = %+v", st)
	}
	got := map[string]int{}
	for i, r := range rc.calls {
		if i >= 3 { // the acknowledged ones
			got[r.Header.Get(DeliveryHeader)]++
		}
	}
	// The three refused tries were all of the first finding, with its key.
	for _, r := range rc.calls[:3] {
		if r.Header.Get(DeliveryHeader) != fs[0].Key {
			t.Errorf("retry carried key %q", r.Header.Get(DeliveryHeader))
		}
	}
	if len(got) != 2 || got[fs[0].Key] != 1 || got[fs[1].Key] != 1 {
		t.Fatalf("acknowledged deliveries by key: %v", got)
	}
	if c := counts(t, o, w.Name()); c != (Counts{Done: 2}) {
		t.Fatalf("counts = %+v", c)
	}
	// A second pass sends nothing.
	if st, err := o.Deliver(context.Background(), []Sink{w}, fastBackoff, nil); err != nil || st != (DeliverStats{}) || rc.count() != 5 {
		t.Fatalf("second pass: %+v, %v, %d requests", st, err, rc.count())
	}
}

func TestDeliverRefused(t *testing.T) {
	rc, url := startReceiver(t, 400)
	w := NewWebhook(url, "k", nil)
	o := openTestOutbox(t)
	fs := []detect.Finding{finding("r1", "ev1", "high", t0), finding("r2", "ev2", "high", t0.Add(time.Second))}
	enqueue(t, o, w.Name(), fs)
	st, err := o.Deliver(context.Background(), []Sink{w}, fastBackoff, nil)
	if err != nil || st != (DeliverStats{Failed: 2}) || rc.count() != 2 {
		t.Fatalf("stats = %+v, %v, %d requests", st, err, rc.count())
	}
	failed, err := o.Failed(w.Name())
	if err != nil || len(failed) != 2 {
		t.Fatalf("failed = %v, %v", failed, err)
	}
	for _, f := range failed {
		if f.Reason != "webhook answered 400 status 400" || f.Attempts != 1 || f.Failed.IsZero() {
			t.Errorf("failed entry %+v", f)
		}
	}
	// Never tried again.
	if st, _ := o.Deliver(context.Background(), []Sink{w}, fastBackoff, nil); st != (DeliverStats{}) || rc.count() != 2 {
		t.Fatalf("refused entries tried again: %+v", st)
	}
}

// TestDeliverUnavailable: a sink that keeps failing stops its pass after
// MaxElapsed and keeps its entries pending; another sink is not held up.
func TestDeliverUnavailable(t *testing.T) {
	down, downURL := startReceiver(t, 503)
	up, upURL := startReceiver(t)
	o := openTestOutbox(t)
	fs := []detect.Finding{finding("r1", "ev1", "high", t0), finding("r2", "ev2", "high", t0.Add(time.Second))}
	sinks := []Sink{NewWebhook(downURL, "k", nil), NewSlack(upURL, nil)}
	for _, s := range sinks {
		enqueue(t, o, s.Name(), fs)
	}
	b := Backoff{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, MaxElapsed: 100 * time.Millisecond}
	st, err := o.Deliver(context.Background(), sinks, b, nil)
	if err != nil || st.Sent != 2 || st.Pending != 2 || st.Failed != 0 || st.Retries < 1 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
	if up.count() != 2 || down.count() != st.Retries {
		t.Fatalf("up got %d, down got %d", up.count(), down.count())
	}
	if c := counts(t, o, sinks[0].Name()); c != (Counts{Pending: 2}) {
		t.Fatalf("counts = %+v", c)
	}
}

// TestDeliverCancelled: ctx ending during the backoff returns at once and
// leaves the entries pending.
func TestDeliverCancelled(t *testing.T) {
	_, url := startReceiver(t, 503)
	o := openTestOutbox(t)
	w := NewWebhook(url, "k", nil)
	enqueue(t, o, w.Name(), []detect.Finding{finding("r1", "ev1", "high", t0)})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	st, err := o.Deliver(ctx, []Sink{w}, Backoff{Initial: time.Hour, MaxElapsed: 10 * time.Hour}, nil)
	if err != nil || st.Pending != 1 || time.Since(start) > 5*time.Second {
		t.Fatalf("stats = %+v, %v after %s", st, err, time.Since(start))
	}
}

func TestBackoffWait(t *testing.T) {
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second}
	b.fill()
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 20 {
			if w := b.wait(n); w < want/2 || w > want {
				t.Fatalf("wait(%d) = %s, want in [%s, %s]", n, w, want/2, want)
			}
		}
	}
}

// countingSink acknowledges everything and counts by key.
type countingSink struct {
	name string
	mu   sync.Mutex
	got  map[string]int
}

func (c *countingSink) Name() string { return c.name }
func (c *countingSink) Send(_ context.Context, f *detect.Finding) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.got == nil {
		c.got = map[string]int{}
	}
	c.got[f.Key]++
	return nil
}

// BenchmarkMarkDone measures the ack-before-mark window: the time from a
// sink's acknowledgement to the durable move into done/ (one rename, two
// folder syncs).
func BenchmarkMarkDone(b *testing.B) {
	o, err := OpenOutbox(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	fs := make([]detect.Finding, b.N)
	for i := range fs {
		fs[i] = finding("r1", fmt.Sprint("ev", i), "high", t0)
	}
	if _, err := o.Enqueue("s", fs); err != nil {
		b.Fatal(err)
	}
	p, err := o.Pending("s")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range p {
		if err := o.MarkDone(&p[i]); err != nil {
			b.Fatal(err)
		}
	}
}
