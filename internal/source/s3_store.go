package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// S3Store reads a trail bucket in S3 for offline verification: it has the
// List, Open and Metadata methods of integrity.Store. Keys are whole keys
// of the bucket (the AWSLogs folder may sit below a prefix).
//
// List reads the trail layout with delimited listings, as S3.List does:
// only the accounts and regions its Filter selects, every digest folder of
// those whole (a chain's neighbours may lie outside any date range) and the
// log folders only for the Filter's days. Objects are streamed by
// GetObject; a digest's signature comes from the x-amz-meta-signature of
// the same GetObject answer, so that content and signature are of one
// version.
type S3Store struct {
	c      *S3Client
	root   string // "" or ending with "/"
	filter Filter
	now    func() time.Time

	// meta holds the user metadata of the digests opened, until Metadata
	// takes it.
	meta sync.Map // key → map[string]string
}

// NewS3Store returns the store of the trail at url (s3://bucket[/prefix])
// through c, a client of its bucket, listing what f selects. now ends open
// date ranges (time.Now when nil).
func NewS3Store(c *S3Client, url string, f Filter, now func() time.Time) (*S3Store, error) {
	bucket, prefix, err := ParseS3URL(url)
	if err != nil {
		return nil, err
	}
	if bucket != c.Bucket {
		return nil, fmt.Errorf("BUG: client of bucket %s used for %s", c.Bucket, url)
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if now == nil {
		now = time.Now
	}
	return &S3Store{c: c, root: prefix, filter: f, now: now}, nil
}

// String names the store.
func (s *S3Store) String() string { return s.c.URL(s.root) }

// List calls fn with the key of every object below prefix that the store's
// filter may select, from one goroutine at a time. A folder that cannot be
// listed (access denied) fails the listing: a verification must not pass
// over what it could not see.
func (s *S3Store) List(ctx context.Context, prefix string, fn func(key string) error) error {
	var from string
	switch {
	case strings.HasPrefix(prefix, s.root):
		from = prefix
	case strings.HasPrefix(s.root, prefix):
		from = s.root
	default:
		return nil // outside the store's root
	}
	src := &S3{c: s.c, prefix: from, workers: 16, now: s.now}
	if from != "" && !strings.HasSuffix(from, "/") {
		// Not a folder: every object whose key starts so.
		return src.list(ctx, from, "", func(page *s3.ListObjectsV2Output) error {
			for _, o := range page.Contents {
				if key := aws.ToString(o.Key); !strings.HasSuffix(key, "/") {
					if err := fn(key); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	src.ListWhole(func(p Place) bool { return p.Kind == "CloudTrail-Digest" })
	err := src.List(ctx, s.filter, func(o Object) error { return fn(o.Rel) })
	if err != nil {
		return err
	}
	if probs := src.Problems(); len(probs) > 0 {
		return fmt.Errorf("cannot list all of %s: %w", s.c.URL(from), errors.Join(probs...))
	}
	return nil
}

// Open streams the object at key; a download that breaks is resumed where
// it broke, from the same version. A missing object's error wraps
// fs.ErrNotExist; every error names the object's s3:// URL.
func (s *S3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := s.c.reachable(); err != nil {
		return nil, err
	}
	out, err := s.c.API.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.c.Bucket), Key: aws.String(key)})
	if err := s.c.done("read", key, notExist(err)); err != nil {
		return nil, err
	}
	if cloudtrail.ParseKey(key).Kind == cloudtrail.KeyDigest {
		s.meta.Store(key, lowerKeys(out.Metadata))
	}
	return &s3Body{ctx: ctx, c: s.c, key: key, etag: trimETag(aws.ToString(out.ETag)),
		size: aws.ToInt64(out.ContentLength), rc: out.Body}, nil
}

// Metadata returns the user metadata of the object at key (x-amz-meta-*,
// prefix cut, keys in lower case): that of the last Open of a digest, else
// from a HeadObject request.
func (s *S3Store) Metadata(ctx context.Context, key string) (map[string]string, error) {
	if m, ok := s.meta.LoadAndDelete(key); ok {
		return m.(map[string]string), nil
	}
	if err := s.c.reachable(); err != nil {
		return nil, err
	}
	out, err := s.c.API.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.c.Bucket), Key: aws.String(key)})
	if err := s.c.done("read the metadata of", key, notExist(err)); err != nil {
		return nil, err
	}
	return lowerKeys(out.Metadata), nil
}

// notExist marks S3 saying that a key does not exist with fs.ErrNotExist.
// A missing bucket is not marked: that is not a deleted object.
func notExist(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound") {
		return fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	}
	return err
}

func lowerKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}
