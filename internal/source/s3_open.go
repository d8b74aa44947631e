package source

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// maxResumes is how often a broken download is resumed before it fails.
const maxResumes = 5

// Open streams a listed object. The object must still be the version that
// was listed (its ETag); a download that breaks is resumed where it broke.
func (s *S3) Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	key, ok := strings.CutPrefix(o.Key, "s3://"+s.c.Bucket+"/")
	if !ok {
		return nil, fmt.Errorf("BUG: %s is not an object of %s", o.Key, s)
	}
	b := &s3Body{ctx: ctx, c: s.c, key: key, etag: o.ETag, size: o.Size}
	rc, err := b.get(ctx, 0)
	if err != nil {
		return nil, err
	}
	b.rc = rc
	return b, nil
}

// s3Body is an object's content as it streams in; a read that fails
// mid-way asks for the rest of the object and goes on.
type s3Body struct {
	ctx     context.Context
	c       *S3Client
	key     string
	etag    string
	size    int64
	off     int64
	resumes int
	rc      io.ReadCloser
}

func (b *s3Body) get(ctx context.Context, off int64) (io.ReadCloser, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(b.c.Bucket), Key: aws.String(b.key)}
	if b.etag != "" {
		in.IfMatch = aws.String(`"` + b.etag + `"`)
	}
	if off > 0 {
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", off))
	}
	if err := b.c.reachable(); err != nil {
		return nil, err
	}
	out, err := b.c.API.GetObject(ctx, in)
	if err := b.c.done("read", b.key, err); err != nil {
		return nil, err
	}
	return out.Body, nil
}

func (b *s3Body) Read(p []byte) (int, error) {
	for {
		n, err := b.rc.Read(p)
		b.off += int64(n)
		if err == io.EOF && b.size > 0 && b.off < b.size {
			err = io.ErrUnexpectedEOF
		}
		if err == nil || err == io.EOF {
			return n, err
		}
		if b.ctx.Err() != nil || b.resumes >= maxResumes {
			return n, b.c.done("read", b.key, fmt.Errorf("download broke at byte %d: %w", b.off, err))
		}
		b.rc.Close()
		b.resumes++
		select {
		case <-time.After(time.Duration(b.resumes*b.resumes) * 100 * time.Millisecond):
		case <-b.ctx.Done():
			return n, &S3Error{Op: "read", URL: b.c.URL(b.key), Err: b.ctx.Err()}
		}
		rc, gerr := b.get(b.ctx, b.off)
		if gerr != nil {
			b.rc = io.NopCloser(strings.NewReader(""))
			return n, gerr
		}
		b.rc = rc
		if n > 0 {
			return n, nil
		}
	}
}

func (b *s3Body) Close() error { return b.rc.Close() }
