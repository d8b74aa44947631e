package source

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"
)

// SignatureSuffix ends the name of the file that holds a kept digest file's
// signature: <digest file name>.sig, the hex text of the digest object's
// x-amz-meta-signature.
const SignatureSuffix = ".sig"

// DigestPath is where S3Options.DigestDir keeps the digest file at key of
// bucket.
func DigestPath(dir, bucket, key string) string {
	return filepath.Join(dir, bucket, filepath.FromSlash(key))
}

// keepDigests copies the digest files that are not kept yet, with their
// signatures. What cannot be copied is reported by Problems.
func (s *S3) keepDigests(ctx context.Context, objs []Object) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.workers)
	for _, o := range objs {
		path := DigestPath(s.digests, s.c.Bucket, o.Rel)
		if st, err := os.Stat(path); err == nil && st.Size() == o.Size {
			continue // kept already (its signature is written first)
		}
		g.Go(func() error {
			err := s.keepDigest(gctx, o, path)
			if err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				if IsUnreachable(err) {
					return err
				}
				s.problem(err)
				return nil
			}
			s.mu.Lock()
			s.kept++
			s.mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

func (s *S3) keepDigest(ctx context.Context, o Object, path string) error {
	if err := s.c.reachable(); err != nil {
		return err
	}
	out, err := s.c.API.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.c.Bucket), Key: aws.String(o.Rel)})
	if err := s.c.done("keep digest", o.Rel, err); err != nil {
		return err
	}
	defer out.Body.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("cannot keep digest %s: %w", o.Key, err)
	}
	sig := strings.TrimSpace(out.Metadata["signature"])
	if sig != "" {
		if _, err := hex.DecodeString(sig); err != nil {
			return fmt.Errorf("cannot keep digest %s: its signature metadata is not hex", o.Key)
		}
		if err := writeFileAtomic(path+SignatureSuffix, strings.NewReader(sig)); err != nil {
			return fmt.Errorf("cannot keep the signature of %s: %w", o.Key, err)
		}
	}
	if err := writeFileAtomic(path, out.Body); err != nil {
		return fmt.Errorf("cannot keep digest %s: %w", o.Key, err)
	}
	return nil
}

// writeFileAtomic writes a file whole or not at all.
func writeFileAtomic(path string, r io.Reader) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
