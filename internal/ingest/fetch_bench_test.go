package ingest

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

var benchDay = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// benchObjects writes a synthetic trail of files of events events each
// and returns them as stored.
func benchObjects(b *testing.B, files, events int) (string, [][]byte) {
	b.Helper()
	dir := b.TempDir()
	trailtest.WriteTrail(b, dir, trailtest.Trail{Org: "o-bench", Accounts: []string{"111111111111"},
		Regions: []string{"us-east-1"}, Start: benchDay, Days: 1, Files: files, Events: events, Seed: 5})
	var objs [][]byte
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			objs = append(objs, data)
		}
		return err
	})
	if err != nil || len(objs) != files {
		b.Fatalf("wrote %d objects of %d: %v", len(objs), files, err)
	}
	return dir, objs
}

// BenchmarkGunzip compares the gzip readers on objects of 500 events:
// the standard library's and klauspost/compress's (which ingest uses),
// both reset and reused from one object to the next as ingest does.
func BenchmarkGunzip(b *testing.B) {
	_, objs := benchObjects(b, 20, 500)
	var plain int64
	for _, o := range objs {
		zr, _ := stdgzip.NewReader(bytes.NewReader(o))
		n, _ := io.Copy(io.Discard, zr)
		plain += n
	}
	var out bytes.Buffer
	b.Run("stdlib", func(b *testing.B) {
		zr := new(stdgzip.Reader)
		b.SetBytes(plain)
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range objs {
				if err := zr.Reset(bytes.NewReader(o)); err != nil {
					b.Fatal(err)
				}
				out.Reset()
				if _, err := out.ReadFrom(zr); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("klauspost", func(b *testing.B) {
		zr := new(gzip.Reader)
		b.SetBytes(plain)
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range objs {
				if err := zr.Reset(bytes.NewReader(o)); err != nil {
					b.Fatal(err)
				}
				out.Reset()
				if _, err := out.ReadFrom(zr); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkReadObject reads (opens, decompresses, splits and decodes into
// compact form) tiny objects of one or two events, as an organization
// trail's quiet regions deliver them: µs/object and allocs/op are per
// object.
func BenchmarkReadObject(b *testing.B) {
	for _, bc := range []struct {
		name   string
		events int
	}{{"tiny", 1}, {"500events", 500}} {
		b.Run(bc.name, func(b *testing.B) {
			files := 200
			if bc.events > 10 {
				files = 4
			}
			dir, _ := benchObjects(b, files, bc.events)
			src, err := source.NewLocal(dir)
			if err != nil {
				b.Fatal(err)
			}
			var works []work
			err = src.List(context.Background(), source.Filter{}, func(o source.Object) error {
				works = append(works, work{src: src, obj: o, key: cloudtrail.ParseKey(o.Rel)})
				return nil
			})
			if err != nil || len(works) != files {
				b.Fatalf("listed %d objects of %d: %v", len(works), files, err)
			}
			opts := Options{Sources: []Source{src}}
			if err := opts.Validate(); err != nil {
				b.Fatal(err)
			}
			var bufs buffers
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r := readObject(context.Background(), works[i%len(works)], &opts, &bufs)
				if r.err != nil || len(r.events) != bc.events {
					b.Fatalf("%d events: %v", len(r.events), r.err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(bc.events), "us/event")
		})
	}
}
