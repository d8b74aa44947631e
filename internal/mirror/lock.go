package mirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailsql/trailsql/internal/source"
)

// LockTTL is how long a lock of an S3 lake holds when its writer does not
// release it (a crash): after that another writer may take it.
const LockTTL = 2 * time.Hour

type lockInfo struct {
	Holder string    `json:"holder"`
	PID    int       `json:"pid"`
	At     time.Time `json:"at"`
}

// Lock takes the S3 lake's writer lock, <prefix>/_trailsql/lock, with a
// conditional PutObject that fails when the lock exists. A lock left by
// this same holder (same host and local lake, whose own lock the caller
// holds) or older than LockTTL is taken over. The returned function
// releases it.
func (m *Mirror) Lock(ctx context.Context) (func(context.Context) error, error) {
	info := lockInfo{Holder: m.holder, PID: os.Getpid(), At: m.now().UTC()}
	body, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("BUG: %v", err)
	}
	url := m.c.URL(m.key(lockKey))
	put := func(ifNoneMatch, ifMatch string) error {
		in := &s3.PutObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(lockKey)),
			Body: strings.NewReader(string(body)), ContentLength: aws.Int64(int64(len(body)))}
		if ifNoneMatch != "" {
			in.IfNoneMatch = aws.String(ifNoneMatch)
		}
		if ifMatch != "" {
			in.IfMatch = aws.String(ifMatch)
		}
		_, err := m.c.API.PutObject(ctx, in)
		return err
	}
	release := func(ctx context.Context) error {
		_, err := m.c.API.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(lockKey))})
		if err != nil && !source.IsNotFound(err) {
			return &source.S3Error{Op: "unlock", URL: url, Err: err}
		}
		return nil
	}
	err = put("*", "")
	if err == nil {
		return release, nil
	}
	if !preconditionFailed(err) {
		return nil, &source.S3Error{Op: "lock", URL: url, Err: err}
	}
	out, err := m.c.API.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(lockKey))})
	if err != nil {
		return nil, &source.S3Error{Op: "read lock", URL: url, Err: err}
	}
	var held lockInfo
	err = json.NewDecoder(out.Body).Decode(&held)
	out.Body.Close()
	stale := err != nil || held.Holder == m.holder || m.now().Sub(held.At) > LockTTL
	if !stale {
		return nil, fmt.Errorf("lake %s is in use by %s (pid %d) since %s; if that process is gone, wait until %s or delete %s",
			m.URL(), held.Holder, held.PID, held.At.Format(time.RFC3339), held.At.Add(LockTTL).Format(time.RFC3339), url)
	}
	if err := put("", aws.ToString(out.ETag)); err != nil {
		if preconditionFailed(err) {
			return nil, fmt.Errorf("lake %s was locked by another writer just now", m.URL())
		}
		return nil, &source.S3Error{Op: "lock", URL: url, Err: err}
	}
	return release, nil
}

func preconditionFailed(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusPreconditionFailed || re.HTTPStatusCode() == http.StatusConflict)
}
