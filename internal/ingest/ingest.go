package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
)

// Lister lists the objects of a source.
type Lister interface {
	List(ctx context.Context, f source.Filter, fn func(source.Object) error) error
}

// Opener opens one object of a source.
type Opener interface {
	Open(ctx context.Context, o source.Object) (io.ReadCloser, error)
}

// Source is where log objects come from.
type Source interface {
	Lister
	Opener
	String() string
}

// explicit is implemented by sources that are one file named by the user:
// such a file is read whatever its name.
type explicit interface{ Explicit() bool }

// Options configure a run. Zero values take the defaults.
type Options struct {
	Sources []Source
	Filter  source.Filter
	// Workers is how many objects are read and decoded at once (default:
	// the number of CPUs).
	Workers int
	// MaxRecordBytes is the largest record stored; larger ones are
	// quarantined (default 1 MiB; CloudTrail's own limit is 256 KB).
	MaxRecordBytes int
	// MaxObjectBytes is the largest object read, uncompressed (default 1 GiB).
	MaxObjectBytes int64
	// FlushEvents is how many events are buffered before they are written
	// (default 100,000); with the batch being written, it bounds memory.
	FlushEvents int
	// CompactFiles: after the run, the small files (under
	// lake.TargetRows rows) of one size tier of a bucket it wrote are
	// merged when there are more than this many (default 4; negative:
	// never). See lake.CompactTiered.
	CompactFiles int
	// Progress, when set, is called as objects are done.
	Progress func(Progress)
	Now      func() time.Time
}

// Validate checks the options and fills in defaults.
func (o *Options) Validate() error {
	var errs []error
	if len(o.Sources) == 0 {
		errs = append(errs, errors.New("no source given"))
	}
	if o.Workers < 0 || o.MaxRecordBytes < 0 || o.MaxObjectBytes < 0 || o.FlushEvents < 0 {
		errs = append(errs, errors.New("workers and limits cannot be negative"))
	}
	if !o.Filter.Since.IsZero() && !o.Filter.Until.IsZero() && o.Filter.Until.Before(o.Filter.Since) {
		errs = append(errs, fmt.Errorf("--until %s is before --since %s", o.Filter.Until.Format(time.DateOnly), o.Filter.Since.Format(time.DateOnly)))
	}
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.MaxRecordBytes == 0 {
		o.MaxRecordBytes = 1 << 20
	}
	if o.MaxObjectBytes == 0 {
		o.MaxObjectBytes = 1 << 30
	}
	if o.FlushEvents == 0 {
		o.FlushEvents = 100_000
	}
	if o.CompactFiles == 0 {
		o.CompactFiles = 4
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return errors.Join(errs...)
}

// Progress is a run's state while it goes.
type Progress struct {
	Listed     int   // objects listed so far
	Done       int   // objects read (new or changed) so far
	ToRead     int   // objects known to need reading so far
	ListingEnd bool  // listing has finished: ToRead is final
	Events     int   // events decoded
	Bytes      int64 // uncompressed bytes read
	Elapsed    time.Duration
}

// Summary is what a run did.
type Summary struct {
	Run               string
	Objects           int // objects listed
	New               int // objects read because new or changed
	Unchanged         int // objects already in the manifest
	Skipped           int // foreign objects (not CloudTrail logs)
	Digests           int // digest files recognised
	QuarantinedObj    int // objects that held no readable records
	PartialObj        int // objects with some records quarantined
	Events            int // records decoded
	Written           int // events stored
	Duplicates        int // events already stored (or delivered twice)
	Conflicts         int // records whose identity is stored with other content (quarantined)
	QuarantinedRecs   int // records or object parts quarantined
	Filtered          int // records left out by --account/--region/--since/--until
	Files             int // data files written
	LakeBytes         int64
	InputBytes        int64 // bytes read from sources (as stored)
	UncompressedBytes int64
	Compacted         lake.CompactStats
	Errors            []string // objects that could not be read (they are tried again next run)
	Duration          time.Duration
}

// NothingNew reports whether the run found nothing to read.
func (s Summary) NothingNew() bool { return s.New == 0 && len(s.Errors) == 0 }

type work struct {
	src      Source
	obj      source.Object
	key      cloudtrail.Key
	explicit bool
}

// placed is one decoded event of an object, without pointers: its
// compact form is in its result's arena.
type placed struct {
	part   uint32 // index in result.parts
	off    uint32 // where its compact form starts in result.arena
	ts     int64  // EventTimestamp
	fp     int64  // Event.FP
	hash   int64  // Event.Hash
	index  int
	offset int64
}

type result struct {
	w          work
	entry      lake.Entry
	events     []placed
	arena      []byte                 // the events in compact form (cloudtrail.AppendCompact)
	parts      []cloudtrail.Partition // the partitions of the events
	problems   []cloudtrail.Problem
	raw        []byte // the object as stored, kept when it is quarantined whole
	filtered   int
	inBytes    int64
	plainBytes int64
	err        error
}

// Run ingests every new or changed object of opts.Sources into lk.
func Run(ctx context.Context, lk *lake.Lake, opts Options) (Summary, error) {
	if err := opts.Validate(); err != nil {
		return Summary{}, err
	}
	start := opts.Now()
	man, err := lake.LoadManifest(lk.Dir)
	if err != nil {
		return Summary{}, err
	}
	c := &collector{
		lk:    lk,
		opts:  &opts,
		man:   man,
		run:   start.UTC().Format("20060102T150405Z"),
		bufs:  map[lake.Bucket][]lake.CompactRef{},
		comp:  &lake.Compact{},
		place: map[lake.Place]uint32{},
		bdays: map[dayKey]bool{},
		fps:   map[cloudtrail.Partition]map[int64]int64{},
		days:  map[dayKey]bool{},
		touch: map[lake.Bucket]bool{},
		start: start,
	}
	c.sum.Run = c.run
	c.q = lk.NewQuarantine(c.run)
	defer c.q.Close()
	c.batches = make(chan batch)
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop()
	}()

	// Listing and reading stop on their own errors, and on a source that
	// cannot be reached at all (source.ErrUnreachable): then every other
	// object would fail the same way. The collector below keeps what was
	// fully read.
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(rctx)
	works := make(chan work, opts.Workers*4)
	results := make(chan result, opts.Workers*2)
	var listMu sync.Mutex
	g.Go(func() error {
		defer close(works)
		for _, src := range opts.Sources {
			_, isExplicit := src.(explicit)
			isExplicit = isExplicit && src.(explicit).Explicit()
			err := src.List(gctx, opts.Filter, func(o source.Object) error {
				w := work{src: src, obj: o, key: cloudtrail.ParseKey(o.Rel), explicit: isExplicit}
				listMu.Lock()
				c.sum.Objects++
				if e, ok := man.Get(o.Key); ok && e.Outcome != lake.OutcomeFiltered && e.Same(o.Size, o.ETag, o.ModTime) {
					c.sum.Unchanged++
					listMu.Unlock()
					return nil
				}
				c.toRead++
				listMu.Unlock()
				select {
				case works <- w:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
			if err != nil {
				if source.IsUnreachable(err) {
					return err // it names the source
				}
				return fmt.Errorf("cannot list %s: %w", src, err)
			}
		}
		listMu.Lock()
		c.listed = true
		listMu.Unlock()
		return nil
	})
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			var bufs buffers
			for w := range works {
				if gctx.Err() != nil {
					return gctx.Err() // stopped: no further object is opened
				}
				r := readObject(gctx, w, &opts, &bufs)
				if source.IsUnreachable(r.err) {
					// Stop the run: no further object is asked for. This
					// one, like the rest, is read by the next run.
					return r.err
				}
				select {
				case results <- r:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			return nil
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var collectErr error
	for r := range results {
		if collectErr != nil {
			continue // drain
		}
		if r.err != nil && gctx.Err() != nil && (errors.Is(r.err, context.Canceled) || errors.Is(r.err, context.DeadlineExceeded)) {
			continue // cut short by the stop: read by the next run
		}
		if r.err != nil && gctx.Err() != nil && (errors.Is(r.err, context.Canceled) || errors.Is(r.err, context.DeadlineExceeded)) {
			continue // cut short by the stop: read by the next run
		}
		listMu.Lock()
		c.progressListed = c.sum.Objects
		c.progressToRead = c.toRead
		c.progressEnd = c.listed
		listMu.Unlock()
		if err := c.add(r); err != nil {
			collectErr = err
			cancel()
		}
	}
	gerr := g.Wait()
	if collectErr == nil {
		collectErr = c.flush()
	}
	close(c.batches)
	<-writerDone
	if collectErr == nil {
		collectErr = c.writeErr()
	}
	if collectErr == nil {
		collectErr = c.q.Close()
	}
	if collectErr == nil && opts.CompactFiles > 0 && ctx.Err() == nil {
		cs, err := c.compact()
		c.sum.Compacted = cs
		collectErr = err
	}
	c.sum.Duration = opts.Now().Sub(start)
	if !source.IsUnreachable(gerr) {
		// Gone, the source explains them; else they are the objects'.
		c.sum.Errors = append(c.sum.Errors, c.noAnswer...)
	}
	if collectErr != nil {
		return c.sum, collectErr
	}
	if source.IsUnreachable(gerr) {
		var ue *source.UnreachableError
		if errors.As(gerr, &ue) {
			gerr = ue // it says all: which source, where, why
		}
		return c.sum, fmt.Errorf("ingest stopped after storing %d objects (the next run reads the rest): %w", c.sum.New, gerr)
	}
	if source.IsUnreachable(gerr) {
		var ue *source.UnreachableError
		if errors.As(gerr, &ue) {
			gerr = ue // it says all: which source, where, why
		}
		return c.sum, fmt.Errorf("ingest stopped after storing %d objects (the next run reads the rest): %w", c.sum.New, gerr)
	}
	if gerr != nil && !errors.Is(gerr, context.Canceled) {
		return c.sum, gerr
	}
	if ctx.Err() != nil {
		return c.sum, fmt.Errorf("ingest interrupted (what was read is stored): %w", context.Cause(ctx))
	}
	return c.sum, nil
}

// readObject reads and decodes one object. Bad content never makes an
// error: it is described in the result's entry and problems. Only failing
// to read the object at all does.
func readObject(ctx context.Context, w work, opts *Options, bufs *buffers) result {
	r := result{w: w}
	r.entry = lake.Entry{Key: w.obj.Key, Size: w.obj.Size, ETag: w.obj.ETag, ModTime: w.obj.ModTime, Kind: w.key.Kind.String()}
	switch {
	case w.key.Kind == cloudtrail.KeyDigest:
		r.entry.Outcome = lake.OutcomeDigest
		return r
	case w.key.Kind == cloudtrail.KeyForeign && !w.explicit:
		r.entry.Outcome = lake.OutcomeSkipped
		r.entry.Reason = "not a CloudTrail log object"
		return r
	}
	f, err := fetch(ctx, w, opts.MaxObjectBytes, bufs)
	if err != nil {
		r.err = err
		return r
	}
	r.inBytes = f.in
	// data is the worker's buffer, reused for its next object: what the
	// result keeps is copied out of it (events into the arena).
	data, gzErr := f.data, f.gzErr
	r.plainBytes = int64(len(data))
	// whole quarantines the object as stored, read again if it was gzip.
	whole := func(reason string) result {
		raw, err := f.stored(ctx, w, opts.MaxObjectBytes)
		if err != nil {
			return result{w: w, err: err}
		}
		r.quarantineWhole(raw, reason)
		return r
	}
	if int64(len(data)) > opts.MaxObjectBytes {
		return whole(fmt.Sprintf("object is larger than %d bytes uncompressed", opts.MaxObjectBytes))
	}
	shape, err := cloudtrail.SplitRecords(data,
		func(rec cloudtrail.RawRecord) { r.addRecord(rec, opts, bufs) },
		func(p cloudtrail.Problem) {
			p.Data = bytes.Clone(p.Data)
			r.problems = append(r.problems, p)
		})
	// The events in compact form, from the worker's scratch arena: the
	// result's own arena is their exact size.
	r.arena = bytes.Clone(bufs.arena)
	if cap(bufs.arena) > maxKeptBuffer {
		bufs.arena = nil
	}
	bufs.arena = bufs.arena[:0]
	if gzErr != nil {
		reason := "gzip: " + gzErr.Error()
		if errors.Is(gzErr, io.ErrUnexpectedEOF) {
			reason = "truncated gzip: " + gzErr.Error()
		}
		if err != nil || len(r.events) == 0 && len(r.problems) == 0 {
			return whole(fmt.Sprintf("%s (%d bytes readable)", reason, len(data)))
		}
		if n := len(r.problems); n > 0 && r.problems[n-1].Offset+int64(len(r.problems[n-1].Data)) == int64(len(data)) {
			// The JSON cut short by the gzip error: one problem, both reasons.
			r.problems[n-1].Reason = reason + "; " + r.problems[n-1].Reason
		} else {
			r.problems = append(r.problems, cloudtrail.Problem{Index: -1, Offset: int64(len(data)), Reason: reason})
		}
	}
	switch {
	case shape == cloudtrail.ShapeDigest:
		r.entry.Kind = cloudtrail.KeyDigest.String()
		r.entry.Outcome = lake.OutcomeDigest
		return r
	case err != nil:
		return whole(reasonOf(err))
	}
	if len(r.events) == 0 && r.filtered == 0 && r.allNotEvents() {
		r.problems = nil
		r.entry.Events = 0
		return whole("not a CloudTrail log: no record has CloudTrail's fields")
	}
	r.entry.Outcome = lake.OutcomeOK
	if len(r.problems) > 0 {
		r.entry.Outcome = lake.OutcomePartial
		r.entry.Reason = r.problems[0].Reason
		if len(r.problems) > 1 {
			r.entry.Reason += fmt.Sprintf(" (and %d more)", len(r.problems)-1)
		}
	}
	if r.filtered > 0 {
		r.entry.Outcome = lake.OutcomeFiltered
	}
	return r
}

func reasonOf(err error) string {
	var se *cloudtrail.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}

func (r *result) quarantineWhole(raw []byte, reason string) {
	r.entry.Outcome = lake.OutcomeQuarantined
	r.entry.Reason = reason
	r.events = nil
	r.arena = nil
	r.parts = nil
	r.problems = nil
	r.raw = raw
}

func (r *result) allNotEvents() bool {
	if len(r.problems) == 0 {
		return false
	}
	for _, p := range r.problems {
		if !strings.Contains(p.Reason, "not a CloudTrail event") {
			return false
		}
	}
	return true
}

func (r *result) addRecord(rec cloudtrail.RawRecord, opts *Options, bufs *buffers) {
	w := &r.w
	r.entry.Events++
	bad := func(reason string) {
		r.problems = append(r.problems, cloudtrail.Problem{
			Index: rec.Index, Offset: rec.Offset,
			Reason: fmt.Sprintf("record %d at offset %d: %s", rec.Index, rec.Offset, reason),
			Data:   bytes.Clone(rec.Data),
		})
	}
	if len(rec.Data) > opts.MaxRecordBytes {
		bad(fmt.Sprintf("record is %d bytes, over the %d-byte limit", len(rec.Data), opts.MaxRecordBytes))
		return
	}
	e, err := bufs.dec.Decode(rec.Data)
	if errors.Is(err, cloudtrail.ErrNotEvent) {
		// An event delivered through EventBridge is stored as the event
		// itself (the envelope's "detail").
		if detail, ok := cloudtrail.Unwrap(rec.Data); ok {
			e, err = bufs.dec.Decode(detail)
		}
	}
	if err != nil {
		if errors.Is(err, cloudtrail.ErrNotEvent) {
			bad("not a CloudTrail event (no eventName, eventSource, eventVersion or eventTime)")
		} else {
			bad(err.Error())
		}
		return
	}
	p, err := bufs.dec.PartitionOf(e, w.key)
	if err != nil {
		bad(err.Error())
		return
	}
	if w.key.Kind == cloudtrail.KeyPlain && !recordOK(opts.Filter, e, p) {
		r.filtered++
		return
	}
	e.Object = &w.obj.Key
	off := len(bufs.arena)
	bufs.arena = cloudtrail.AppendCompact(bufs.arena, e)
	if len(bufs.arena) > math.MaxUint32 {
		bad("the object's events are over 4 GiB in compact form")
		bufs.arena = bufs.arena[:off]
		return
	}
	r.events = append(r.events, placed{part: r.partIndex(p), off: uint32(off), ts: *e.EventTimestamp, fp: e.FP, hash: e.Hash, index: rec.Index, offset: rec.Offset})
}

// partIndex returns the index of p in r.parts, adding it (its strings
// copied out of the worker's buffer) if new.
func (r *result) partIndex(p cloudtrail.Partition) uint32 {
	for i := len(r.parts) - 1; i >= 0; i-- {
		if r.parts[i] == p {
			return uint32(i)
		}
	}
	p.Account, p.Region = strings.Clone(p.Account), strings.Clone(p.Region)
	r.parts = append(r.parts, p)
	return uint32(len(r.parts) - 1)
}

// recordOK applies the filter to a record of an object whose key says
// nothing (outside the AWSLogs layout).
func recordOK(f source.Filter, e *cloudtrail.Event, p cloudtrail.Partition) bool {
	if f.IsZero() {
		return true
	}
	if !f.AccountOK(p.Account) || !f.RegionOK(p.Region) {
		return false
	}
	t := time.UnixMicro(*e.EventTimestamp).UTC()
	return f.DayOK(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
}

// collector receives decoded objects, buffers their events per partition,
// and writes them out in batches, each followed by the manifest lines of the
// objects it completes.
type collector struct {
	lk    *lake.Lake
	opts  *Options
	man   *lake.Manifest
	q     *lake.Quarantine
	run   string
	start time.Time
	sum   Summary
	// The batch being gathered: its events in compact form (comp, with
	// place the index of each place in comp.Places), the references to
	// them by bucket, and the days they are of.
	bufs    map[lake.Bucket][]lake.CompactRef
	comp    *lake.Compact
	place   map[lake.Place]uint32
	bdays   map[dayKey]bool
	nbytes  int
	fps     map[cloudtrail.Partition]map[int64]int64
	days    map[dayKey]bool      // the days whose fingerprints fps holds
	touch   map[lake.Bucket]bool // buckets written by this run
	pending []lake.Entry
	nbuf    int
	batches chan batch
	mu      sync.Mutex // guards werr and the writer's counts in sum
	werr    error

	toRead, progressListed, progressToRead int
	listed, progressEnd                    bool
	done                                   int

	// noAnswer are the errors of objects whose reads got no answer (see
	// source.ErrNoAnswer).
	noAnswer []string
}

func (c *collector) add(r result) error {
	if r.err != nil {
		if errors.Is(r.err, source.ErrNoAnswer) {
			// Reported at the end, unless the source turns out gone.
			c.noAnswer = append(c.noAnswer, r.err.Error())
		} else {
			c.sum.Errors = append(c.sum.Errors, r.err.Error())
		}
		c.done++
		c.progress()
		return nil
	}
	c.sum.New++
	c.done++
	c.sum.InputBytes += r.inBytes
	c.sum.UncompressedBytes += r.plainBytes
	e := r.entry
	e.Run = c.run
	e.At = c.opts.Now().UTC()
	switch e.Outcome {
	case lake.OutcomeSkipped:
		c.sum.Skipped++
	case lake.OutcomeDigest:
		c.sum.Digests++
	case lake.OutcomeQuarantined:
		c.sum.QuarantinedObj++
		c.sum.QuarantinedRecs++
		if err := c.q.AddObject(lake.QuarantineItem{Key: e.Key, Reason: e.Reason}, r.raw); err != nil {
			return err
		}
	case lake.OutcomePartial:
		c.sum.PartialObj++
	}
	for _, p := range r.problems {
		c.sum.QuarantinedRecs++
		if err := c.q.Add(lake.QuarantineItem{Key: e.Key, Index: p.Index, Offset: p.Offset, Reason: p.Reason}, p.Data); err != nil {
			return err
		}
	}
	e.Quarantined = len(r.problems)
	if e.Outcome == lake.OutcomeQuarantined {
		e.Quarantined = 1
	}
	c.sum.Events += e.Events
	c.sum.Filtered += r.filtered
	// What the result's events need, by partition (an object's events
	// are of a few): fingerprint set, bucket and place in the batch.
	sets := make([]map[int64]int64, len(r.parts))
	buckets := make([]lake.Bucket, len(r.parts))
	places := make([]uint32, len(r.parts))
	for i, p := range r.parts {
		set, err := c.fingerprints(p)
		if err != nil {
			return err
		}
		sets[i] = set
		buckets[i] = lake.BucketOf(p)
		pl := lake.Place{Region: p.Region, Day: p.Day}
		k, ok := c.place[pl]
		if !ok {
			k = uint32(len(c.comp.Places))
			c.place[pl] = k
			c.comp.Places = append(c.comp.Places, pl)
		}
		places[i] = k
	}
	arena := -1
	for _, pl := range r.events {
		set := sets[pl.part]
		if h, dup := set[pl.fp]; dup {
			if h == pl.hash {
				e.Duplicates++
				c.sum.Duplicates++
				continue
			}
			// Same identity, other content: keep it in quarantine rather
			// than store two versions of one event or drop one silently.
			e.Quarantined++
			c.sum.QuarantinedRecs++
			c.sum.Conflicts++
			if e.Outcome == lake.OutcomeOK {
				e.Outcome = lake.OutcomePartial
			}
			var th cloudtrail.Thawer
			ev, _, err := th.Thaw(r.arena[pl.off:])
			if err != nil {
				return err
			}
			reason := fmt.Sprintf("record %d at offset %d: an event with eventID %q, the same time and name is already stored with different content", pl.index, pl.offset, deref(ev.EventID))
			if e.Reason == "" {
				e.Reason = reason
			}
			if err := c.q.Add(lake.QuarantineItem{Key: e.Key, Index: pl.index, Offset: pl.offset, Reason: reason}, cloudtrail.Rebuild(ev)); err != nil {
				return err
			}
			continue
		}
		set[pl.fp] = pl.hash
		if arena < 0 {
			arena = len(c.comp.Arenas)
			c.comp.Arenas = append(c.comp.Arenas, r.arena)
			c.nbytes += len(r.arena)
		}
		b := buckets[pl.part]
		c.bufs[b] = append(c.bufs[b], lake.CompactRef{TS: pl.ts, Arena: uint32(arena), Off: pl.off, Place: places[pl.part]})
		c.bdays[dayKey{b, r.parts[pl.part].Day}] = true
		c.nbuf++
		e.Written++
	}
	c.pending = append(c.pending, e)
	c.progress()
	if c.nbuf >= c.opts.FlushEvents || c.nbytes >= maxBatchBytes {
		return c.flush()
	}
	return nil
}

func (c *collector) progress() {
	if c.opts.Progress == nil {
		return
	}
	c.opts.Progress(Progress{
		Listed: c.progressListed, Done: c.done, ToRead: c.progressToRead, ListingEnd: c.progressEnd,
		Events: c.sum.Events, Bytes: c.sum.UncompressedBytes, Elapsed: c.opts.Now().Sub(c.start),
	})
}

// dayKey is one day of one bucket: the unit in which fingerprints are
// read from the lake.
type dayKey struct {
	bucket lake.Bucket
	day    string
}

// fingerprints returns the set of events stored or buffered in partition p.
func (c *collector) fingerprints(p cloudtrail.Partition) (map[int64]int64, error) {
	if set, ok := c.fps[p]; ok {
		return set, nil
	}
	k := dayKey{lake.BucketOf(p), p.Day}
	if !c.days[k] {
		sets, err := c.lk.DayFingerprints(k.bucket, k.day)
		if err != nil {
			return nil, err
		}
		for region, set := range sets {
			q := p
			q.Region = region
			c.fps[q] = set
		}
		c.days[k] = true
	}
	set, ok := c.fps[p]
	if !ok {
		set = map[int64]int64{}
		c.fps[p] = set
	}
	return set, nil
}

// batch is a set of buffered events and the manifest entries of the
// objects they complete.
type batch struct {
	bufs    map[lake.Bucket][]lake.CompactRef
	comp    *lake.Compact
	entries []lake.Entry
}

// maxBatchBytes bounds the compact events of one batch, whatever their
// number: two batches are in memory at once.
const maxBatchBytes = 96 << 20

// flush hands the buffered events to the writer and starts a new buffer.
// It waits while the writer is busy with the previous batch, so at most two
// batches are in memory.
func (c *collector) flush() error {
	if len(c.bufs) == 0 && len(c.pending) == 0 {
		return nil
	}
	if err := c.writeErr(); err != nil {
		return err
	}
	b := batch{bufs: c.bufs, comp: c.comp, entries: c.pending}
	c.batches <- b
	// The previous batch is written now. Keep the fingerprints of the
	// partitions in this batch (the next objects most likely add to them);
	// forget the others to bound memory: they are read again from their
	// (complete) files if needed.
	keep := c.bdays
	for k := range b.bufs {
		c.touch[k] = true
	}
	for p := range c.fps {
		if !keep[dayKey{lake.BucketOf(p), p.Day}] {
			delete(c.fps, p)
		}
	}
	for k := range c.days {
		if !keep[k] {
			delete(c.days, k)
		}
	}
	c.bufs = map[lake.Bucket][]lake.CompactRef{}
	c.comp = &lake.Compact{}
	c.place = map[lake.Place]uint32{}
	c.bdays = map[dayKey]bool{}
	c.pending = nil
	c.nbuf = 0
	c.nbytes = 0
	return nil
}

func (c *collector) writeErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.werr
}

// writeLoop writes batches in order: the events of a batch, then the
// manifest lines of its objects. A crash before the manifest is written
// only makes the next run read those objects again, and their events are
// then found already stored.
func (c *collector) writeLoop() {
	for b := range c.batches {
		if c.writeErr() != nil {
			continue
		}
		if err := c.writeBatch(b); err != nil {
			c.mu.Lock()
			c.werr = err
			c.mu.Unlock()
		}
	}
}

func (c *collector) writeBatch(b batch) error {
	buckets := make([]lake.Bucket, 0, len(b.bufs))
	for k := range b.bufs {
		buckets = append(buckets, k)
	}
	sort.Slice(buckets, func(i, j int) bool { return len(b.bufs[buckets[i]]) > len(b.bufs[buckets[j]]) })
	g := errgroup.Group{}
	g.SetLimit(c.opts.Workers)
	for _, k := range buckets {
		g.Go(func() error {
			refs := b.bufs[k]
			_, size, err := c.lk.AddCompact(k, b.comp, refs)
			if err != nil {
				return err
			}
			c.mu.Lock()
			c.sum.Files++
			c.sum.LakeBytes += size
			c.sum.Written += len(refs)
			c.mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := c.q.Sync(); err != nil {
		return err
	}
	return c.man.Append(b.entries)
}

func (c *collector) compact() (lake.CompactStats, error) {
	var total lake.CompactStats
	buckets := make([]lake.Bucket, 0, len(c.touch))
	for b := range c.touch {
		buckets = append(buckets, b)
	}
	sort.Slice(buckets, func(i, j int) bool { return buckets[i].Path() < buckets[j].Path() })
	for _, b := range buckets {
		s, err := c.lk.CompactTiered(b, c.opts.CompactFiles)
		if err != nil {
			return total, err
		}
		total.Add(s)
	}
	return total, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
