package gen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/errgroup"
)

// Generate writes a CloudTrail log set as o describes, under o.Dir, and
// returns what it wrote. Invalid options are reported, all together, as an
// *OptionsError. Files are written in parallel, o.Workers at a time, each
// in a single write (a file that fails is removed). progress, when not
// nil, is called after each file with the running totals, from one
// goroutine at a time. Generate stops early, returning the context's
// error, when ctx is cancelled; every goroutine it starts has ended when it
// returns.
func Generate(ctx context.Context, o Options, progress func(Stats)) (Stats, error) {
	o, err := o.validated()
	if err != nil {
		return Stats{}, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return Stats{}, fmt.Errorf("gen: cannot create the output folder: %w", err)
	}
	w := newWorld(o)
	st := Stats{}
	for _, a := range w.accounts {
		st.Accounts = append(st.Accounts, a.id)
	}
	var mu sync.Mutex
	workers := sync.Pool{New: func() any { return newWorker(w) }}
	dirs := &dirCache{made: make(map[string]bool)}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Workers)
	planErr := newPlanner(w).plan(func(j *job) error {
		if err := gctx.Err(); err != nil {
			return err
		}
		g.Go(func() error {
			wk := workers.Get().(*worker)
			defer workers.Put(wk)
			fs, err := wk.writeFile(gctx, o.Dir, dirs, j)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			st.add(fs)
			if progress != nil {
				progress(st)
			}
			return nil
		})
		return nil
	})
	err = g.Wait()
	if err == nil {
		err = planErr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return st, err
	}
	return st, nil
}

func (s *Stats) add(f Stats) {
	s.Files += f.Files
	s.Events += f.Events
	s.Duplicates += f.Duplicates
	s.Insights += f.Insights
	s.Scenario += f.Scenario
	s.JSONBytes += f.JSONBytes
	s.GzipBytes += f.GzipBytes
}

// dirCache remembers the folders already made.
type dirCache struct {
	mu   sync.Mutex
	made map[string]bool
}

func (d *dirCache) mkdir(dir string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.made[dir] {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d.made[dir] = true
	return nil
}

// worker holds the reusable state of one file writer.
type worker struct {
	pcg     *rand.PCG
	c       evctx
	out     jw
	gz      *gzip.Writer
	zbuf    bytes.Buffer
	entries []entry
}

// entry is one record of a file, placed by time.
type entry struct {
	t    int64
	kind int8 // 0 regular, 1 forced, 2 duplicate
	i    int32
}

func newWorker(w *world) *worker {
	wk := &worker{pcg: rand.NewPCG(0, 0)}
	wk.c = evctx{w: w, r: rand.New(wk.pcg)}
	wk.gz, _ = gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return wk
}

// writeFile writes the file of j and returns its statistics.
func (wk *worker) writeFile(ctx context.Context, root string, dirs *dirCache, j *job) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	fc := j.fc
	c := &wk.c
	r := c.r
	st := Stats{Files: 1, Events: int64(j.count()), Duplicates: int64(len(j.dups))}
	// Order the records by time, as CloudTrail roughly does.
	es := wk.entries[:0]
	for i, f := range j.forced {
		es = append(es, entry{t: f.t, kind: 1, i: int32(i)})
		switch {
		case f.ins != nil:
			st.Insights++
		case f.scenario > 0, f.detect > 0:
			st.Scenario++
		}
	}
	for i, d := range j.dups {
		es = append(es, entry{t: c.w.regularTime(wk.pcg, r, d.fc, d.j), kind: 2, i: int32(i)})
	}
	for i := range fc.regular {
		es = append(es, entry{t: c.w.regularTime(wk.pcg, r, fc, i), kind: 0, i: int32(i)})
	}
	slices.SortStableFunc(es, func(a, b entry) int { return cmpInt64(a.t, b.t) })
	wk.entries = es

	out := &wk.out
	out.reset()
	out.b = append(out.b, `{"Records":[`...)
	for _, e := range es {
		switch e.kind {
		case 0:
			c.regular(out, wk.pcg, fc, int(e.i))
		case 2:
			d := j.dups[e.i]
			c.regular(out, wk.pcg, d.fc, d.j)
		case 1:
			f := j.forced[e.i]
			switch {
			case f.sess != nil:
				// Both copies of a cross-account call draw the same values
				// (request id, TLS details), but for their event ids.
				reseed(wk.pcg, mix2(f.sess.seed, streamSession))
				c.issueEvent(out, f.sess, fc.region, f.callerCopy)
			case f.scenario > 0:
				reseed(wk.pcg, mix2(mix2(c.w.o.Seed, streamScenario), uint64(f.scenario)))
				c.scenario(out, f.scenario-1)
			case f.detect > 0:
				reseed(wk.pcg, mix2(mix2(c.w.o.Seed, streamPlanted), uint64(f.detect)<<32))
				c.detect(out, f.detect-1)
			case f.ins != nil:
				end := uint64(0)
				if f.insEnd {
					end = 1
				}
				reseed(wk.pcg, mix2(f.ins.seed, streamInsight+end<<8))
				c.insightRecord(out, f.ins, f.insEnd)
			}
		}
	}
	out.b = append(out.b, ']', '}')
	st.JSONBytes = int64(len(out.b))

	path := filepath.Join(root, filepath.FromSlash(j.key))
	if err := dirs.mkdir(filepath.Dir(path)); err != nil {
		return Stats{}, fmt.Errorf("gen: cannot create a folder for %s: %w", j.key, err)
	}
	n, err := wk.writeGzip(path, out.b)
	if err != nil {
		return Stats{}, fmt.Errorf("gen: cannot write %s: %w", j.key, err)
	}
	st.GzipBytes = n
	return st, nil
}

// writeGzip writes data gzip-compressed to path in one write, and returns
// the file's size. A file that cannot be written whole is removed.
func (wk *worker) writeGzip(path string, data []byte) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	// Compress into memory and write once: the compressor's many small
	// writes would each be a system call.
	wk.zbuf.Reset()
	wk.gz.Reset(&wk.zbuf) // the header's ModTime stays zero: the bytes depend on the data only
	_, err = wk.gz.Write(data)
	if err == nil {
		err = wk.gz.Close()
	}
	if err == nil {
		_, err = f.Write(wk.zbuf.Bytes())
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return 0, err
	}
	return int64(wk.zbuf.Len()), nil
}
