package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/gzip"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// maxKeptBuffer is the largest read buffer a worker keeps between objects:
// a larger one (from an unusually large object) is dropped after use.
const maxKeptBuffer = 64 << 20

// buffers are a worker's reusable read state: what an object's events keep
// is copied out of them.
type buffers struct {
	dec   cloudtrail.Decoder
	arena []byte // an object's events in compact form, before they are copied out
	br    *bufio.Reader
	zr    *gzip.Reader
	plain bytes.Buffer // the object uncompressed, before it is copied out
}

// counter counts and checksums the bytes of an object as stored, as they
// stream in, and keeps the source's own read error apart from the
// decompressor's.
type counter struct {
	r   io.Reader
	n   int64
	crc uint32
	err error // the source's error (not io.EOF)
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// fetched is an object read once, streaming: the compressed bytes are
// decompressed as they come and never held whole.
type fetched struct {
	data     []byte // the object uncompressed, up to limit+1 bytes: the worker's buffer, reused for its next object
	gzipped  bool
	gzErr    error  // the gzip stream's error; data holds what was readable before it
	in       int64  // bytes read as stored
	crc      uint32 // CRC-32 (IEEE) of those bytes
	complete bool   // the object was read to its end: in is its size
}

// fetch opens and reads one object, decompressing a gzip object straight
// from the source. A failure to read from the source is an error; a bad
// gzip stream is not (it is in gzErr).
func fetch(ctx context.Context, w work, limit int64, bufs *buffers) (fetched, error) {
	var f fetched
	rc, err := w.src.Open(ctx, w.obj)
	if err != nil {
		return f, err
	}
	defer rc.Close()
	// Nothing past limit+1 bytes as stored is read: an object that large
	// is quarantined (its first limit+1 bytes).
	cnt := &counter{r: io.LimitReader(rc, limit+1)}
	if bufs.br == nil {
		bufs.br = bufio.NewReaderSize(cnt, 64<<10)
	} else {
		bufs.br.Reset(cnt)
	}
	defer bufs.br.Reset(nil) // do not keep the source reachable
	bufs.plain.Reset()
	head, _ := bufs.br.Peek(2)
	f.gzipped = len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b
	if f.gzipped {
		if bufs.zr == nil {
			bufs.zr = new(gzip.Reader)
		}
		err = bufs.zr.Reset(bufs.br)
		if err == nil {
			// The gzip reader reads on to the end of the source unless
			// the uncompressed limit stops it.
			_, err = bufs.plain.ReadFrom(io.LimitReader(bufs.zr, limit+1))
		}
		if err != nil && cnt.err == nil {
			f.gzErr = err
			// Read the rest as stored: its size, and its checksum should
			// the object be quarantined whole.
			_, err = io.Copy(io.Discard, bufs.br)
		}
	} else {
		_, err = bufs.plain.ReadFrom(bufs.br)
	}
	if cnt.err != nil {
		return f, fmt.Errorf("cannot read %s: %w", w.obj.Key, cnt.err)
	}
	if err != nil {
		return f, fmt.Errorf("BUG: reading %s failed with no source error: %w", w.obj.Key, err)
	}
	f.in, f.crc = cnt.n, cnt.crc
	f.complete = cnt.n <= limit && int64(bufs.plain.Len()) <= limit
	f.data = bufs.plain.Bytes()
	if f.data == nil {
		f.data = []byte{}
	}
	if bufs.plain.Cap() > maxKeptBuffer {
		bufs.plain = bytes.Buffer{} // f.data stays the object's own
	}
	return f, nil
}

// errChanged marks an object that changed between two reads: it is read
// again next run.
var errChanged = errors.New("ingest: object changed while being read")

// stored returns an object's bytes as stored (up to limit+1 bytes), to
// quarantine it whole. A plain object is its data; a gzip object, whose
// compressed bytes were not kept, is read again from its source and must
// be what was first read.
func (f *fetched) stored(ctx context.Context, w work, limit int64) ([]byte, error) {
	if !f.gzipped {
		return bytes.Clone(f.data), nil
	}
	rc, err := w.src.Open(ctx, w.obj)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s again to quarantine it: %w", w.obj.Key, err)
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, min(max(f.in, w.obj.Size), limit+1)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(rc, limit+1)); err != nil {
		return nil, fmt.Errorf("cannot read %s again to quarantine it: %w", w.obj.Key, err)
	}
	raw := buf.Bytes()
	if int64(len(raw)) < f.in || crc32.ChecksumIEEE(raw[:f.in]) != f.crc || f.complete && int64(len(raw)) != f.in {
		return nil, fmt.Errorf("cannot quarantine %s: %w", w.obj.Key, errChanged)
	}
	return raw, nil
}
