package alert

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// defaultHTTPTimeout bounds one webhook request.
const defaultHTTPTimeout = 30 * time.Second

// Backoff is how a sink that fails for the moment is tried again: waits
// that double from Initial up to Max, each drawn at random from its upper
// half (jitter), for at most MaxElapsed per entry; then the sink's pass
// ends and its entries wait for the next one.
type Backoff struct {
	Initial    time.Duration // default 500ms
	Max        time.Duration // default 30s
	MaxElapsed time.Duration // default 2m
}

// fill sets the defaults.
func (b *Backoff) fill() {
	if b.Initial <= 0 {
		b.Initial = 500 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	if b.MaxElapsed <= 0 {
		b.MaxElapsed = 2 * time.Minute
	}
}

// wait returns the wait before try n+1 (n >= 1 tries made).
func (b Backoff) wait(n int) time.Duration {
	d := b.Initial
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	half := d / 2
	return half + rand.N(d-half+1)
}

// DeliverStats counts what a delivery pass did.
type DeliverStats struct {
	Sent    int // entries acknowledged
	Failed  int // entries refused for good (moved to failed/)
	Retries int // tries that failed for the moment
	Pending int // entries left pending (a sink unavailable, or ctx done)
}

func (s *DeliverStats) add(o DeliverStats) {
	s.Sent += o.Sent
	s.Failed += o.Failed
	s.Retries += o.Retries
	s.Pending += o.Pending
}

// Deliver sends the pending entries of each sink, one sink per goroutine
// and each sink's entries in order of their first event. An entry is
// marked done as soon as its sink acknowledges it, failed when the sink
// refuses it for good; a sink that stays unavailable for b.MaxElapsed, or
// ctx ending, stops the pass and leaves entries pending. It logs each
// entry sent, retried or failed on log. The error is about the outbox
// itself (an entry that cannot be read or marked), never about a sink.
func (o *Outbox) Deliver(ctx context.Context, sinks []Sink, b Backoff, log *slog.Logger) (DeliverStats, error) {
	b.fill()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var mu sync.Mutex
	var total DeliverStats
	var g errgroup.Group
	for _, s := range sinks {
		g.Go(func() error {
			st, err := o.deliverSink(ctx, s, b, log)
			mu.Lock()
			total.add(st)
			mu.Unlock()
			return err
		})
	}
	err := g.Wait()
	return total, err
}

func (o *Outbox) deliverSink(ctx context.Context, s Sink, b Backoff, log *slog.Logger) (DeliverStats, error) {
	var st DeliverStats
	entries, err := o.Pending(s.Name())
	if err != nil {
		return st, err
	}
	for i := range entries {
		e := &entries[i]
		if ctx.Err() != nil {
			st.Pending += len(entries) - i
			return st, nil
		}
		start := time.Now()
		for try := 1; ; try++ {
			err := s.Send(ctx, &e.Finding)
			if err == nil {
				if err := o.MarkDone(e); err != nil {
					return st, err
				}
				st.Sent++
				log.Info("alert sent", "sink", s.Name(), "key", e.Finding.Key, "rule", e.Finding.RuleID, "level", e.Finding.Level, "tries", try)
				break
			}
			if IsPermanent(err) {
				if err := o.MarkFailed(e, try, err); err != nil {
					return st, err
				}
				st.Failed++
				log.Error("alert failed", "sink", s.Name(), "key", e.Finding.Key, "rule", e.Finding.RuleID, "tries", try, "error", err.Error(),
					"entry", fmt.Sprintf("%s/%s/%s/%s.json", o.dir, failedDir, s.Name(), e.Finding.Key))
				break
			}
			st.Retries++
			wait := b.wait(try)
			if ctx.Err() != nil || time.Since(start)+wait > b.MaxElapsed {
				st.Pending += len(entries) - i
				log.Warn("alert sink unavailable", "sink", s.Name(), "key", e.Finding.Key, "tries", try, "error", err.Error(), "pending", len(entries)-i)
				return st, nil
			}
			log.Warn("alert retry", "sink", s.Name(), "key", e.Finding.Key, "tries", try, "error", err.Error(), "wait", wait.Round(time.Millisecond).String())
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				st.Pending += len(entries) - i
				return st, nil
			case <-t.C:
			}
		}
	}
	return st, nil
}
