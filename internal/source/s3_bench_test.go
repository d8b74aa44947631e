package source_test

import (
	"context"
	"io"
	"testing"

	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// BenchmarkS3Open reads small log objects from MinIO on loopback, one at a
// time: the cost per object of the client and the server.
func BenchmarkS3Open(b *testing.B) {
	m := trailtest.StartMinIO(b)
	m.CreateBucket(b, bucket)
	dir := b.TempDir()
	tr := orgTrail
	tr.Events = 20
	trailtest.WriteTrail(b, dir, tr)
	m.PutDir(b, bucket, "", dir)
	src, err := source.NewS3(context.Background(), "s3://"+bucket, source.S3Config{EndpointURL: m.Endpoint, Credentials: m.Credentials()}, source.S3Options{})
	if err != nil {
		b.Fatal(err)
	}
	var objs []source.Object
	src.List(context.Background(), source.Filter{}, func(o source.Object) error {
		objs = append(objs, o)
		return nil
	})
	buf := make([]byte, 64<<10)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		o := objs[i%len(objs)]
		rc, err := src.Open(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.ReadFull(rc, buf[:o.Size])
		rc.Close()
		b.SetBytes(int64(n))
	}
}
