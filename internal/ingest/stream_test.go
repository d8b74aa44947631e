package ingest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

var streamDay = time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC)

// memSource serves objects from memory, a few bytes per read, and counts
// how often each is opened. next, when set, replaces an object's bytes
// after its first opening.
type memSource struct {
	mu     sync.Mutex
	objs   map[string][]byte
	next   map[string][]byte
	opens  map[string]int
	chunk  int
	onLast func() // called when an object's last bytes are handed out
}

func newMemSource(chunk int) *memSource {
	return &memSource{objs: map[string][]byte{}, next: map[string][]byte{}, opens: map[string]int{}, chunk: chunk}
}

func (s *memSource) String() string { return "memory" }

func (s *memSource) List(ctx context.Context, f source.Filter, fn func(source.Object) error) error {
	return errors.New("memSource does not list")
}

func (s *memSource) Open(ctx context.Context, o source.Object) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objs[o.Key]
	if !ok {
		return nil, fmt.Errorf("cannot open %s: no such object", o.Key)
	}
	s.opens[o.Key]++
	if nb, ok := s.next[o.Key]; ok {
		s.objs[o.Key] = nb
	}
	return io.NopCloser(&chunkReader{data: b, chunk: s.chunk, onLast: s.onLast}), nil
}

func (s *memSource) work(key string) work {
	return work{src: s, obj: source.Object{Key: key, Rel: key, Size: int64(len(s.objs[key]))}, key: cloudtrail.ParseKey(key)}
}

type chunkReader struct {
	data   []byte
	off    int
	chunk  int
	onLast func()
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.off == len(r.data) {
		return 0, io.EOF
	}
	n := min(len(p), r.chunk, len(r.data)-r.off)
	if r.off+n == len(r.data) && r.onLast != nil {
		r.onLast()
	}
	copy(p, r.data[r.off:r.off+n])
	r.off += n
	return n, nil
}

// randomText returns n bytes of base64 text: it compresses to about 3/4
// of its size, so the compressed object is nearly as large as the plain.
func randomText(n int, seed uint64) []byte {
	rnd := rand.New(rand.NewPCG(seed, seed))
	raw := make([]byte, n*3/4)
	for i := range raw {
		raw[i] = byte(rnd.Uint32())
	}
	return []byte(base64.StdEncoding.EncodeToString(raw))
}

// TestFetchStreams checks that a gzip object is decompressed as it comes
// in: by the time its last compressed bytes are handed out, most of it is
// already decompressed, no buffer of the worker is as large as the
// compressed object, and a read allocates about the uncompressed size
// only (not the compressed size besides).
func TestFetchStreams(t *testing.T) {
	plain := randomText(4<<20, 1)
	gz := trailtest.Gzip(t, plain)
	if len(gz) < 2<<20 {
		t.Fatalf("test object compresses to %d bytes, want a large compressed object", len(gz))
	}
	src := newMemSource(16 << 10)
	key := trailtest.LogKey("", "111111111111", "us-east-1", streamDay, "STREAM")
	src.objs[key] = gz
	var bufs buffers
	decodedAtLast := -1
	src.onLast = func() { decodedAtLast = bufs.plain.Len() }

	f, err := fetch(context.Background(), src.work(key), 1<<30, &bufs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.data, plain) || f.gzErr != nil || !f.gzipped || !f.complete {
		t.Fatalf("fetched %d bytes (gzip error %v, complete %v), want the %d plain bytes", len(f.data), f.gzErr, f.complete, len(plain))
	}
	if f.in != int64(len(gz)) {
		t.Fatalf("counted %d bytes read, want the %d compressed bytes", f.in, len(gz))
	}
	if decodedAtLast < len(plain)/2 {
		t.Fatalf("%d bytes decompressed when the last compressed bytes were read, want most of %d: the object was buffered before decompressing", decodedAtLast, len(plain))
	}
	if bufs.br.Size() >= len(gz) {
		t.Fatalf("read buffer of %d bytes holds the whole %d-byte compressed object", bufs.br.Size(), len(gz))
	}

	// Warm buffers: a read allocates the object's data (its copy out of
	// the reused buffer), not the compressed bytes as well.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err = fetch(context.Background(), src.work(key), 1<<30, &bufs)
	runtime.ReadMemStats(&after)
	if err != nil || !bytes.Equal(f.data, plain) {
		t.Fatalf("second read: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(len(plain)+len(gz)/2) {
		t.Fatalf("a read allocated %d bytes for a %d-byte object compressed to %d bytes", alloc, len(plain), len(gz))
	}
}

// TestQuarantineCorruptGzip checks that a gzip object that is quarantined
// whole is read again and stored exactly as it was, and that an object
// changed between the two reads is an error (read again next run) rather
// than a wrong copy.
func TestQuarantineCorruptGzip(t *testing.T) {
	var recs []string
	for i := range 200 {
		recs = append(recs, trailtest.Event("111111111111", "us-east-1", streamDay, i, "DescribeInstances"))
	}
	gz := trailtest.Gzip(t, trailtest.Records(recs...))
	corrupt := bytes.Clone(gz)
	for i := 12; i < 40; i++ {
		corrupt[i] ^= 0xa5
	}
	opts := &Options{Sources: []Source{newMemSource(1)}}
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}

	t.Run("exact bytes", func(t *testing.T) {
		src := newMemSource(1000)
		key := trailtest.LogKey("", "111111111111", "us-east-1", streamDay, "CORRUPT")
		src.objs[key] = corrupt
		var bufs buffers
		r := readObject(context.Background(), src.work(key), opts, &bufs)
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.entry.Outcome != lake.OutcomeQuarantined || !strings.Contains(r.entry.Reason, "gzip") {
			t.Fatalf("outcome %s %q, want quarantined for its gzip", r.entry.Outcome, r.entry.Reason)
		}
		if !bytes.Equal(r.raw, corrupt) {
			t.Fatalf("quarantined %d bytes that differ from the %d-byte object", len(r.raw), len(corrupt))
		}
		if r.inBytes != int64(len(corrupt)) {
			t.Fatalf("counted %d bytes read, want %d", r.inBytes, len(corrupt))
		}
		if src.opens[key] != 2 {
			t.Fatalf("object opened %d times, want 2 (read, then read again to quarantine it)", src.opens[key])
		}
	})

	t.Run("changed in between", func(t *testing.T) {
		src := newMemSource(1000)
		key := trailtest.LogKey("", "111111111111", "us-east-1", streamDay, "CHANGED")
		src.objs[key] = corrupt
		other := bytes.Clone(corrupt)
		other[len(other)-1] ^= 1
		src.next[key] = other
		var bufs buffers
		r := readObject(context.Background(), src.work(key), opts, &bufs)
		if !errors.Is(r.err, errChanged) || !strings.Contains(r.err.Error(), key) {
			t.Fatalf("error %v, want one naming %s for a changed object", r.err, key)
		}
	})

	t.Run("through a run", func(t *testing.T) {
		dir, lk := t.TempDir(), t.TempDir()
		path := trailtest.WriteFile(t, dir, trailtest.LogKey("", "111111111111", "us-east-1", streamDay, "CORRUPT"), corrupt)
		local, err := source.NewLocal(dir)
		if err != nil {
			t.Fatal(err)
		}
		l, err := lake.Open(context.Background(), lk, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		sum, err := Run(context.Background(), l, Options{Sources: []Source{local}, Now: func() time.Time { return streamDay }})
		if err != nil {
			t.Fatal(err)
		}
		if sum.QuarantinedObj != 1 || sum.InputBytes != int64(len(corrupt)) || len(sum.Errors) != 0 {
			t.Fatalf("summary %+v, want one object quarantined whole, %d bytes read", sum, len(corrupt))
		}
		items, err := lake.QuarantineItems(lk)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Key != path || items[0].File == "" {
			t.Fatalf("quarantine items %+v, want the object kept whole", items)
		}
		kept, err := os.ReadFile(filepath.Join(lk, items[0].File))
		if err != nil || !bytes.Equal(kept, corrupt) {
			t.Fatalf("quarantined copy differs from the object (%v)", err)
		}
	})
}
