package mirror_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailsql/trailsql/internal/mirror"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

type lockObject struct {
	Holder string    `json:"holder"`
	At     time.Time `json:"at"`
	Token  string    `json:"token"`
}

// readLockObject reads the S3 lake's lock; ok is false when there is none.
func readLockObject(t *testing.T, c *source.S3Client, key string) (lockObject, bool) {
	t.Helper()
	out, err := c.API.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if source.IsNotFound(err) {
		return lockObject{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	var l lockObject
	if err := json.NewDecoder(out.Body).Decode(&l); err != nil {
		t.Fatal(err)
	}
	return l, true
}

// waitFor polls cond until it holds, for at most 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestLockRefresh: a held lock is written again (its At advances, same
// holder), and unlock stops the refresher before it releases the lock.
func TestLockRefresh(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	ctx := context.Background()
	c := dial(t, m)
	var calls atomic.Int64
	clock := func() time.Time {
		calls.Add(1)
		return time.Now()
	}
	const every = 50 * time.Millisecond
	a, _ := mirror.New(t.TempDir(), c, "s3://"+bucket+"/r", mirror.Options{Holder: "a", Now: clock, LockRefresh: every})
	held, unlock, err := a.Lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, ok := readLockObject(t, c, "r/_trailsql/lock")
	if !ok || first.Holder != "a" {
		t.Fatalf("lock %+v (exists %v), want one held by a", first, ok)
	}
	var last lockObject
	waitFor(t, "the lock's At to advance twice", func() bool {
		l, _ := readLockObject(t, c, "r/_trailsql/lock")
		if l.Holder != "a" || l.Token != first.Token {
			t.Fatalf("lock %+v while a holds it", l)
		}
		if l.At.After(last.At) && !last.At.IsZero() && last.At.After(first.At) {
			return true
		}
		if l.At.After(last.At) {
			last = l
		}
		return false
	})
	if held.Err() != nil {
		t.Fatalf("lock context ended while the lock is held: %v", context.Cause(held))
	}
	if err := unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := readLockObject(t, c, "r/_trailsql/lock"); ok {
		t.Fatal("lock still there after unlock")
	}
	if held.Err() == nil {
		t.Fatal("lock context not ended by unlock")
	}
	// The refresher is stopped: it asks the clock for no more times, and
	// writes no lock again.
	n := calls.Load()
	time.Sleep(6 * every)
	if calls.Load() != n {
		t.Fatalf("the refresher ran on after unlock (%d clock reads, then %d)", n, calls.Load())
	}
	if _, ok := readLockObject(t, c, "r/_trailsql/lock"); ok {
		t.Fatal("lock written again after unlock")
	}
	if err := unlock(ctx); err != nil {
		t.Fatalf("second unlock: %v", err)
	}
}

// TestLockLost: when another writer takes the lock over while it is held
// (here by writing it as a writer that found it stale would), the
// refresher cancels the holder's context with ErrLockLost, and unlock
// reports it and leaves the other writer's lock in place.
func TestLockLost(t *testing.T) {
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	ctx := context.Background()
	c := dial(t, m)
	a, _ := mirror.New(t.TempDir(), c, "s3://"+bucket+"/x", mirror.Options{Holder: "a", LockRefresh: 20 * time.Millisecond})
	held, unlock, err := a.Lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m.Put(t, bucket, "x/_trailsql/lock", []byte(`{"holder":"b","pid":7,"at":"2030-01-01T00:00:00Z","token":"b0"}`), nil)
	select {
	case <-held.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a's context not cancelled after b took the lock")
	}
	if cause := context.Cause(held); !errors.Is(cause, mirror.ErrLockLost) || !strings.Contains(cause.Error(), "taken over by b") {
		t.Fatalf("cause %v, want ErrLockLost naming b", cause)
	}
	if err := unlock(ctx); !errors.Is(err, mirror.ErrLockLost) {
		t.Fatalf("unlock: %v, want ErrLockLost", err)
	}
	if l, ok := readLockObject(t, c, "x/_trailsql/lock"); !ok || l.Holder != "b" || l.Token != "b0" {
		t.Fatalf("lock after a's unlock: %+v (exists %v), want b's", l, ok)
	}
}
