package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/alert"
	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// slowReceiver is a webhook receiver that takes delay to answer each
// delivery, and records for each whether it answered (acknowledged) and
// when, so that a test can tell a resend after an acknowledgement from a
// resend of a delivery the sender never saw acknowledged.
type slowReceiver struct {
	t      *testing.T
	secret []byte
	delay  time.Duration
	mu     sync.Mutex
	got    []delivery
	// onAck, when set, is called right after the answer to delivery
	// number ackKill (counting from 1) is flushed.
	ackKill int
	onAck   func()
}

type delivery struct {
	key      string
	eventIDs []string
	// acked is when the receiver began to write its 200 answer (zero: the
	// sender went away first, and never saw an answer).
	acked time.Time
}

func newSlowReceiver(t *testing.T, secret string, delay time.Duration) *slowReceiver {
	return &slowReceiver{t: t, secret: []byte(secret), delay: delay}
}

func (r *slowReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return // the sender died mid-request
	}
	if got := req.Header.Get(alert.SignatureHeader); got != alert.Sign(r.secret, body) {
		r.t.Errorf("delivery with a bad signature %q", got)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var f detect.Finding
	if err := json.Unmarshal(body, &f); err != nil {
		r.t.Errorf("delivery body is not a finding: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if key := req.Header.Get(alert.DeliveryHeader); key != f.Key {
		r.t.Errorf("delivery key %q, finding key %q", key, f.Key)
	}
	r.mu.Lock()
	i := len(r.got)
	r.got = append(r.got, delivery{key: f.Key, eventIDs: f.EventIDs})
	r.mu.Unlock()
	select {
	case <-time.After(r.delay):
	case <-req.Context().Done():
		return // killed while waiting: no answer
	}
	r.mu.Lock()
	r.got[i].acked = time.Now()
	var onAck func()
	if i+1 == r.ackKill {
		onAck = r.onAck
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	if onAck != nil {
		w.(http.Flusher).Flush()
		onAck()
	}
}

// waitArrivals waits until n deliveries arrived (true), or done is
// closed or the timeout passes (false).
func (r *slowReceiver) waitArrivals(n int, done <-chan struct{}, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		got := len(r.got)
		r.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-done:
			return false
		case <-time.After(2 * time.Millisecond):
		}
	}
	return false
}

const stopLoggingRule = `title: Test trail stopped
id: 7b1c0a52-5d0e-4c8e-9a51-000000000001
status: test
description: StopLogging, for the alert kill test.
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: StopLogging
  condition: selection
level: high
tags:
  - attack.defense-evasion
  - attack.t1562.008
`

// TestKilledSyncAlerts runs `sync --detect --alert-webhook` against a slow
// receiver and kills it with SIGKILL at several moments, most while a
// delivery is in flight, then lets a last run finish. Every finding must
// have been acknowledged at least once, and no finding twice except one
// whose acknowledgement came just before a kill (the window between the
// receiver's answer and the durable mark, see internal/alert/doc.go).
func TestKilledSyncAlerts(t *testing.T) {
	src, lk, rules := t.TempDir(), t.TempDir(), t.TempDir()
	rulePath := filepath.Join(rules, "stop.yml")
	if err := os.WriteFile(rulePath, []byte(stopLoggingRule), 0o644); err != nil {
		t.Fatal(err)
	}
	// Three days of two accounts, 24 files; one event in five is a
	// StopLogging, so each file has findings. The files arrive a few at a
	// time, one batch before each run, as a trail grows: each run
	// evaluates again days whose findings were sent before.
	planted := map[string]bool{}
	type file struct {
		key  string
		data []byte
	}
	var files []file
	start := time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC)
	id := 0
	for f := range 12 {
		for _, acct := range []string{"111111111111", "222222222222"} {
			at := start.Add(time.Duration(f) * 6 * time.Hour)
			var recs []string
			for i := range 10 {
				id++
				name := "DescribeInstances"
				if i%5 == 0 {
					name = "StopLogging"
				}
				rec := trailtest.Event(acct, "us-east-1", at.Add(time.Duration(i)*time.Second), id, name)
				recs = append(recs, rec)
				if name == "StopLogging" {
					var ev struct{ EventID string }
					if err := json.Unmarshal([]byte(rec), &ev); err != nil || ev.EventID == "" {
						t.Fatalf("event id of %s: %v", rec, err)
					}
					planted[ev.EventID] = true
				}
			}
			files = append(files, file{trailtest.LogKey("", acct, "us-east-1", at, fmt.Sprintf("%04d", id)), trailtest.Gzip(t, trailtest.Records(recs...))})
		}
	}
	arrive := func(n int) {
		for ; n > 0 && len(files) > 0; n-- {
			trailtest.WriteFile(t, src, files[0].key, files[0].data)
			files = files[1:]
		}
	}
	const secret = "kill-test-secret"
	rc := newSlowReceiver(t, secret, 100*time.Millisecond)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	args := []string{"sync", src, "--lake", lk, "--every", "0", "--log-format", "json",
		"--detect", "--rules", rulePath, "--alert-webhook", srv.URL + "/hook"}
	run := func() *exec.Cmd {
		cmd := trailsql(args...)
		cmd.Env = append(cmd.Env, "TRAILSQL_WEBHOOK_SECRET="+secret)
		return cmd
	}

	// Kill points: once early (during ingest or detection), then after
	// the receiver has had n deliveries, a moment into the next answer's
	// delay, so that the kill lands while a delivery is in flight; and
	// twice (ack) right after the receiver answered delivery n, so that
	// the kill lands in the window before the mark is durable.
	// Each kill: when the signal was sent, and when the process was seen
	// to have died (an answer between the two may not have been marked
	// done either).
	type kill struct{ sent, dead time.Time }
	var kills []kill
	var killsMu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []struct {
		n   int
		ack bool
	}{{-1, false}, {2, false}, {7, true}, {13, false}, {20, false}, {26, true}, {30, false}} {
		n := k.n
		arrive(4)
		cmd := run()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		if k.ack {
			rc.mu.Lock()
			rc.ackKill = n
			var sent time.Time
			rc.onAck = func() {
				killsMu.Lock()
				sent = time.Now()
				killsMu.Unlock()
				cmd.Process.Signal(syscall.SIGKILL)
			}
			rc.mu.Unlock()
			select {
			case <-exited:
			case <-time.After(20 * time.Second):
				t.Fatalf("no delivery %d in time:\n%s", n, out.String())
			}
			killsMu.Lock()
			if !sent.IsZero() {
				kills = append(kills, kill{sent, time.Now()})
			}
			killsMu.Unlock()
			rc.mu.Lock()
			rc.ackKill, rc.onAck = 0, nil
			rc.mu.Unlock()
			continue
		}
		if n < 0 {
			time.Sleep(150 * time.Millisecond)
		} else if !rc.waitArrivals(n, exited, 20*time.Second) {
			select {
			case <-exited:
				t.Logf("run to be killed after %d deliveries ended first:\n%s", n, out.String())
				continue
			default:
				t.Fatalf("no delivery %d in time:\n%s", n, out.String())
			}
		} else {
			time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
		}
		sent := time.Now()
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		killsMu.Lock()
		kills = append(kills, kill{sent, time.Now()})
		killsMu.Unlock()
	}
	arrive(len(files))
	out, err := run().CombinedOutput()
	if err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}

	rc.mu.Lock()
	got := slices.Clone(rc.got)
	rc.mu.Unlock()
	acked := map[string]int{}
	seen := map[string]bool{}
	interrupted := 0
	for _, d := range got {
		if d.acked.IsZero() {
			interrupted++
			continue
		}
		acked[d.key]++
		for _, e := range d.eventIDs {
			seen[e] = true
		}
	}
	// Every planted event was acknowledged in a finding.
	for e := range planted {
		if !seen[e] {
			t.Errorf("the finding of event %s never arrived", e)
		}
	}
	if len(acked) != len(planted) {
		t.Errorf("%d findings acknowledged, %d planted", len(acked), len(planted))
	}
	// A second acknowledged delivery of a key is allowed only for a
	// delivery whose answer may not have been marked done when the
	// process died: the one acknowledged last before a kill was sent, and
	// any acknowledged between the signal and the death (on a loaded
	// machine the process may take a while to die).
	allowed := map[string]int{}
	for _, k := range kills {
		var last delivery
		for _, d := range got {
			if d.acked.IsZero() {
				continue
			}
			if d.acked.Before(k.sent) && d.acked.After(last.acked) {
				last = d
			}
			if !d.acked.Before(k.sent) && !d.acked.After(k.dead) {
				allowed[d.key]++
			}
		}
		if last.key != "" {
			allowed[last.key]++
		}
	}
	window := 0
	for key, n := range acked {
		if n-1 > allowed[key] {
			t.Errorf("finding %s acknowledged %d times", key, n)
		}
		window += n - 1
	}
	t.Logf("%d kills, %d deliveries: %d acknowledged findings, %d interrupted before the answer (resent), %d resent after an answer that came just before a kill",
		len(kills), len(got), len(acked), interrupted, window)
	if interrupted == 0 {
		t.Error("no kill landed while a delivery was in flight")
	}

	// The outbox is drained, each entry done once; the store has each
	// finding once.
	o, err := alert.OpenOutbox(lk, nil)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := o.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 {
		t.Fatalf("outbox sinks: %v", counts)
	}
	for sink, c := range counts {
		if c != (alert.Counts{Done: len(planted)}) {
			t.Errorf("outbox of %s: %+v, want %d done", sink, c, len(planted))
		}
	}
	stored, err := detect.OpenStore(lk, nil).List(context.Background(), detect.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range stored {
		if keys[f.Key] {
			t.Errorf("finding %s stored twice", f.Key)
		}
		keys[f.Key] = true
	}
	if len(keys) != len(planted) {
		t.Errorf("store holds %d findings, want %d", len(keys), len(planted))
	}
}
