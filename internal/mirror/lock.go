package mirror

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailsql/trailsql/internal/source"
)

// LockTTL is how long a lock of an S3 lake holds when its writer does not
// release it (a crash): after that another writer may take it. A writer
// that holds the lock writes it again (a new At) every LockRefresh, so a
// long run keeps it.
const LockTTL = 2 * time.Hour

// ErrLockLost marks a lock that another writer took over while it was
// held: the holder must stop writing.
var ErrLockLost = errors.New("mirror: lock lost")

type lockInfo struct {
	Holder string    `json:"holder"`
	PID    int       `json:"pid"`
	At     time.Time `json:"at"`
	Token  string    `json:"token,omitempty"` // this holding: a holder that locks again is another one
}

// Lock takes the S3 lake's writer lock, <prefix>/_trailsql/lock, with a
// conditional PutObject that fails when the lock exists. A lock left by
// this same holder (same host and local lake, whose own lock the caller
// holds) or older than LockTTL is taken over.
//
// While the lock is held, a goroutine writes it again every LockRefresh
// (Options), conditionally on it being still the one written before. If
// another writer took it, the returned context (derived from ctx) is
// cancelled with a cause that wraps ErrLockLost: run the writes under it.
// The returned function stops the refresher, waits for it, and releases
// the lock; it must be called, and it returns the ErrLockLost error if the
// lock was lost (then it leaves the other writer's lock alone).
func (m *Mirror) Lock(ctx context.Context) (context.Context, func(context.Context) error, error) {
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, nil, fmt.Errorf("cannot lock %s: %w", m.URL(), err)
	}
	info := lockInfo{Holder: m.holder, PID: os.Getpid(), At: m.now().UTC(), Token: hex.EncodeToString(nonce[:])}
	url := m.c.URL(m.key(lockKey))
	etag, err := m.putLock(ctx, info, "*", "")
	if err == nil {
		lctx, unlock := m.hold(ctx, info, etag)
		return lctx, unlock, nil
	}
	if !preconditionFailed(err) {
		return nil, nil, &source.S3Error{Op: "lock", URL: url, Err: err}
	}
	held, heldTag, err := m.readLock(ctx)
	if err != nil {
		return nil, nil, &source.S3Error{Op: "read lock", URL: url, Err: err}
	}
	stale := held == nil || held.Holder == m.holder || m.now().Sub(held.At) > LockTTL
	if !stale {
		return nil, nil, fmt.Errorf("lake %s is in use by %s (pid %d) since %s; if that process is gone, wait until %s or delete %s",
			m.URL(), held.Holder, held.PID, held.At.Format(time.RFC3339), held.At.Add(LockTTL).Format(time.RFC3339), url)
	}
	etag, err = m.putLock(ctx, info, "", heldTag)
	if err != nil {
		if preconditionFailed(err) {
			return nil, nil, fmt.Errorf("lake %s was locked by another writer just now", m.URL())
		}
		return nil, nil, &source.S3Error{Op: "lock", URL: url, Err: err}
	}
	lctx, unlock := m.hold(ctx, info, etag)
	return lctx, unlock, nil
}

// putLock writes the lock object, conditionally, and returns its ETag.
func (m *Mirror) putLock(ctx context.Context, info lockInfo, ifNoneMatch, ifMatch string) (string, error) {
	body, err := json.Marshal(info)
	if err != nil {
		return "", fmt.Errorf("BUG: %v", err)
	}
	in := &s3.PutObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(lockKey)),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))}
	if ifNoneMatch != "" {
		in.IfNoneMatch = aws.String(ifNoneMatch)
	}
	if ifMatch != "" {
		in.IfMatch = aws.String(ifMatch)
	}
	out, err := m.c.API.PutObject(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ETag), nil
}

// readLock reads the lock object: nil when there is none, or when it is
// unreadable (then it is stale).
func (m *Mirror) readLock(ctx context.Context) (*lockInfo, string, error) {
	out, err := m.c.API.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(lockKey))})
	if source.IsNotFound(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	defer out.Body.Close()
	var held lockInfo
	if err := json.NewDecoder(out.Body).Decode(&held); err != nil {
		return nil, aws.ToString(out.ETag), nil
	}
	return &held, aws.ToString(out.ETag), nil
}

// hold starts the refresher of a lock just taken, and returns the context
// it cancels when the lock is lost and the function that releases it.
func (m *Mirror) hold(ctx context.Context, info lockInfo, etag string) (context.Context, func(context.Context) error) {
	lctx, cancel := context.WithCancelCause(ctx)
	// The refresher's requests outlive ctx (a writer that is interrupted
	// still publishes what it has, under the lock) and end with unlock.
	rctx, stopRequests := context.WithCancel(context.WithoutCancel(ctx))
	stop := make(chan struct{})
	done := make(chan struct{})
	var lost error // set by the refresher before done is closed
	go func() {
		defer close(done)
		t := time.NewTicker(m.refresh)
		defer t.Stop()
		last := info.At
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			next := info
			next.At = m.now().UTC()
			tag, err := m.refreshLock(rctx, next, etag)
			switch {
			case err == nil:
				etag, last = tag, next.At
			case errors.Is(err, ErrLockLost):
				lost = err
			case rctx.Err() != nil:
				return // unlocked during the request
			case m.now().Sub(last) >= LockTTL/2:
				// Another writer may soon take it as stale.
				lost = fmt.Errorf("cannot refresh the lock of %s since %s: %w (%w)", m.URL(), last.Format(time.RFC3339), ErrLockLost, err)
			}
			if lost != nil {
				cancel(lost)
				return
			}
		}
	}()
	var once sync.Once
	var uerr error
	unlock := func(ctx context.Context) error {
		once.Do(func() {
			close(stop)
			stopRequests()
			<-done
			defer cancel(nil)
			if lost != nil {
				uerr = lost
				return
			}
			uerr = m.release(ctx, info.Token)
		})
		return uerr
	}
	return lctx, unlock
}

// refreshLock writes the lock again if it is still the version etag, and
// returns the new ETag. A lock that is gone or another writer's makes an
// error wrapping ErrLockLost; other errors may pass.
func (m *Mirror) refreshLock(ctx context.Context, info lockInfo, etag string) (string, error) {
	url := m.c.URL(m.key(lockKey))
	tag, err := m.putLock(ctx, info, "", etag)
	if err == nil {
		return tag, nil
	}
	if !preconditionFailed(err) && !source.IsNotFound(err) {
		return "", &source.S3Error{Op: "refresh lock", URL: url, Err: err}
	}
	held, heldTag, rerr := m.readLock(ctx)
	switch {
	case rerr != nil:
		return "", &source.S3Error{Op: "read lock", URL: url, Err: rerr}
	case held == nil:
		return "", fmt.Errorf("lock %s was deleted while held: %w", url, ErrLockLost)
	case held.Token == info.Token:
		// A write of ours whose answer was lost: go on from it.
		return m.putLock(ctx, info, "", heldTag)
	}
	return "", fmt.Errorf("lake %s was taken over by %s (pid %d) at %s while locked: %w",
		m.URL(), held.Holder, held.PID, held.At.Format(time.RFC3339), ErrLockLost)
}

// release deletes the lock if it is still this holding's (token).
func (m *Mirror) release(ctx context.Context, token string) error {
	url := m.c.URL(m.key(lockKey))
	held, _, err := m.readLock(ctx)
	if err != nil {
		return &source.S3Error{Op: "unlock", URL: url, Err: err}
	}
	if held == nil {
		return nil
	}
	if held.Token != token {
		return fmt.Errorf("lake %s was taken over by %s (pid %d) at %s while locked: %w",
			m.URL(), held.Holder, held.PID, held.At.Format(time.RFC3339), ErrLockLost)
	}
	_, err = m.c.API.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(lockKey))})
	if err != nil && !source.IsNotFound(err) {
		return &source.S3Error{Op: "unlock", URL: url, Err: err}
	}
	return nil
}

func preconditionFailed(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusPreconditionFailed || re.HTTPStatusCode() == http.StatusConflict)
}
