package alert

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/lake"
)

// Range is a span of event time, Until excluded; a zero bound is open.
type Range struct {
	Since, Until time.Time
}

// Detector evaluates the detection rules over the events of a range
// (correlations looking back over their timespan) and returns what they
// find, each Finding with its dedup Key.
type Detector interface {
	Detect(ctx context.Context, r Range) ([]detect.Finding, error)
}

// Store keeps findings; Add returns those it did not have.
type Store interface {
	Add(ctx context.Context, fs []detect.Finding) ([]detect.Finding, error)
}

// StepOptions configure a Step.
type StepOptions struct {
	Detector Detector
	// Store keeps the findings; nil keeps none.
	Store Store
	// Sinks receive the findings of MinLevel and above.
	Sinks    []Sink
	MinLevel string // default informational: every finding
	Backoff  Backoff
	Log      *slog.Logger
	Now      func() time.Time
}

// Step is the detection step of `trailsql sync --detect`: see the package
// comment.
type Step struct {
	lakeDir string
	outbox  *Outbox
	opts    StepOptions
	minRank int
}

// cursor is outbox/cursor.json.
type cursor struct {
	// ManifestOffset is the byte offset in the manifest up to which
	// detection has run (always just after a newline).
	ManifestOffset int64 `json:"manifest_offset"`
	// ManifestTail is the SHA-256 of the manifest's bytes just before
	// ManifestOffset: when they change, the manifest was replaced (an
	// s3:// lake that another machine wrote), and the offset means nothing.
	ManifestTail string    `json:"manifest_tail,omitempty"`
	Updated      time.Time `json:"updated"`
}

// NewStep opens the outbox of the lake at lakeDir. When the lake has no
// cursor yet, it starts one at the manifest's end: what the lake holds
// already is not alerted, what comes next is.
func NewStep(lakeDir string, opts StepOptions) (*Step, error) {
	if opts.Detector == nil {
		return nil, errors.New("alert: BUG: a step needs a detector")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.MinLevel == "" {
		opts.MinLevel = levels[0]
	}
	rank := levelRank(opts.MinLevel)
	if rank < 0 {
		return nil, fmt.Errorf("alert: unknown level %q", opts.MinLevel)
	}
	names := map[string]bool{}
	for _, s := range opts.Sinks {
		if names[s.Name()] {
			return nil, fmt.Errorf("alert: sink %s is configured twice", s.Name())
		}
		names[s.Name()] = true
	}
	o, err := OpenOutbox(lakeDir, opts.Now)
	if err != nil {
		return nil, err
	}
	s := &Step{lakeDir: lakeDir, outbox: o, opts: opts, minRank: rank}
	if _, ok, err := s.readCursor(); err != nil {
		return nil, err
	} else if !ok {
		end, err := manifestEnd(lakeDir)
		if err != nil {
			return nil, err
		}
		if err := s.writeCursor(end); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Outbox is the step's outbox.
func (s *Step) Outbox() *Outbox { return s.outbox }

// StepStats is what one step did.
type StepStats struct {
	Objects  int   // manifest entries new to detection, with events
	Range    Range // the event time evaluated
	Findings int   // findings the rules returned
	New      int   // findings the store did not have
	Enqueued int   // outbox entries added
	DeliverStats
	// Detecting is the time spent evaluating, enqueueing and storing;
	// Delivering the time spent sending.
	Detecting, Delivering time.Duration
}

// Run evaluates the rules over the objects added to the manifest since
// the last step, enqueues and stores the findings, advances the cursor,
// then delivers the pending entries. Entries that a sink refused for good
// make an error too (after the others were sent). Detection and
// enqueueing finish even
// when ctx is cancelled (they are local work on events already stored);
// delivery stops and leaves entries pending.
func (s *Step) Run(ctx context.Context) (StepStats, error) {
	start := time.Now()
	st, err := s.detect(context.WithoutCancel(ctx))
	if err != nil {
		s.opts.Log.Error("detect run failed", "error", err.Error())
		// Deliver what is pending all the same.
	}
	st.Detecting = time.Since(start)
	start = time.Now()
	dst, derr := s.outbox.Deliver(ctx, s.opts.Sinks, s.opts.Backoff, s.opts.Log)
	st.DeliverStats, st.Delivering = dst, time.Since(start)
	attrs := []any{"objects", st.Objects, "findings", st.Findings, "new", st.New, "enqueued", st.Enqueued,
		"sent", dst.Sent, "failed", dst.Failed, "retries", dst.Retries, "pending", dst.Pending,
		"detect_duration", st.Detecting.Round(time.Millisecond).String(), "deliver_duration", st.Delivering.Round(time.Millisecond).String()}
	if !st.Range.Since.IsZero() || !st.Range.Until.IsZero() {
		attrs = append(attrs, "since", st.Range.Since, "until", st.Range.Until)
	}
	s.opts.Log.Info("detect run", attrs...)
	if dst.Failed > 0 {
		// Reported as the run's error too: the refusals need a person.
		derr = errors.Join(derr, fmt.Errorf("%d alert(s) refused by their sink, kept in %s", dst.Failed, filepath.Join(s.outbox.dir, failedDir)))
	}
	return st, errors.Join(err, derr)
}

// detect is the part of Run before delivery.
func (s *Step) detect(ctx context.Context) (StepStats, error) {
	var st StepStats
	c, _, err := s.readCursor()
	if err != nil {
		return st, err
	}
	off := c.ManifestOffset
	entries, end, err := readManifestFrom(s.lakeDir, off)
	if err != nil {
		return st, err
	}
	tail, err := manifestTail(s.lakeDir, off)
	if err != nil {
		return st, err
	}
	if end < off || (c.ManifestTail != "" && tail != c.ManifestTail) {
		// Another history: start over at its end, as on a lake new to
		// detection (its objects were another writer's to alert).
		s.opts.Log.Warn("the manifest was replaced since the last detection: detection restarts at its end", "cursor", off, "manifest", end)
		end, err := manifestEnd(s.lakeDir)
		if err != nil {
			return st, err
		}
		return st, s.writeCursor(end)
	}
	if end == off {
		return st, nil
	}
	r, n := objectsRange(entries)
	st.Objects, st.Range = n, r
	if n > 0 {
		findings, err := s.opts.Detector.Detect(ctx, r)
		if err != nil {
			return st, fmt.Errorf("cannot evaluate the rules: %w", err)
		}
		st.Findings = len(findings)
		now := s.opts.Now().UTC()
		var alerts []detect.Finding
		for i := range findings {
			if findings[i].Detected.IsZero() {
				findings[i].Detected = now
			}
		}
		for _, f := range findings {
			if rk := levelRank(f.Level); rk >= s.minRank || (rk < 0 && s.minRank == 0) {
				alerts = append(alerts, f)
			}
		}
		// The entries are written before the findings are stored: a crash
		// in between re-derives the same keys next run, and both steps
		// keep each key once.
		for _, sink := range s.opts.Sinks {
			n, err := s.outbox.Enqueue(sink.Name(), alerts)
			st.Enqueued += n
			if err != nil {
				return st, err
			}
		}
		if s.opts.Store != nil {
			added, err := s.opts.Store.Add(ctx, findings)
			if err != nil {
				return st, fmt.Errorf("cannot store the findings: %w", err)
			}
			st.New = len(added)
		}
	}
	return st, s.writeCursor(end)
}

// objectsRange is the event time to evaluate for manifest entries: the
// days of their keys, widened by a day on each side (CloudTrail files a
// few minutes late, into the next day's folder near midnight). An object
// whose key has no date makes the range open. It also returns how many
// entries stored events.
func objectsRange(entries []lake.Entry) (Range, int) {
	var r Range
	n, open := 0, false
	for _, e := range entries {
		if e.Written == 0 && e.Duplicates == 0 {
			continue
		}
		n++
		d := cloudtrail.ParseKey(e.Key).Date
		if d.IsZero() {
			open = true
			continue
		}
		if r.Since.IsZero() || d.Before(r.Since) {
			r.Since = d
		}
		if d.After(r.Until) {
			r.Until = d
		}
	}
	if open || n == 0 {
		return Range{}, n
	}
	return Range{Since: r.Since.AddDate(0, 0, -1), Until: r.Until.AddDate(0, 0, 2)}, n
}

func (s *Step) cursorPath() string { return filepath.Join(s.outbox.dir, "cursor.json") }

// readCursor returns the cursor, and false when there is none.
func (s *Step) readCursor() (cursor, bool, error) {
	var c cursor
	b, err := os.ReadFile(s.cursorPath())
	if errors.Is(err, fs.ErrNotExist) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("cannot read the detection cursor: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, false, fmt.Errorf("cannot read the detection cursor %s: %w", s.cursorPath(), err)
	}
	return c, true, nil
}

func (s *Step) writeCursor(off int64) error {
	tail, err := manifestTail(s.lakeDir, off)
	if err != nil {
		return err
	}
	b, err := json.Marshal(cursor{ManifestOffset: off, ManifestTail: tail, Updated: s.opts.Now().UTC()})
	if err != nil {
		return fmt.Errorf("cannot encode the detection cursor: %w", err)
	}
	return s.outbox.writeFileSynced(s.cursorPath(), b)
}

// tailBytes is how many bytes before the cursor identify the manifest.
const tailBytes = 256

// manifestTail is the hex SHA-256 of the manifest's tailBytes before off
// ("" when off is 0 or past the manifest's end).
func manifestTail(lakeDir string, off int64) (string, error) {
	if off <= 0 {
		return "", nil
	}
	f, err := os.Open(lake.ManifestPath(lakeDir))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read the manifest: %w", err)
	}
	defer f.Close()
	start := max(0, off-tailBytes)
	b := make([]byte, off-start)
	if _, err := f.ReadAt(b, start); errors.Is(err, io.EOF) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("cannot read the manifest: %w", err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// manifestEnd is the offset just after the manifest's last newline.
func manifestEnd(lakeDir string) (int64, error) {
	_, end, err := readManifestFrom(lakeDir, -1)
	return end, err
}

// readManifestFrom reads the manifest's whole lines from byte offset off
// (off < 0: none, only the end is wanted) and returns their entries and
// the offset after the last whole line; a line that does not parse (a
// crash's remains) is skipped. A manifest shorter than off gives its end.
func readManifestFrom(lakeDir string, off int64) ([]lake.Entry, int64, error) {
	path := lake.ManifestPath(lakeDir)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read the manifest: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read the manifest: %w", err)
	}
	start := max(off, 0)
	if off < 0 {
		// Only the end: read the last block for its last newline.
		start = max(0, st.Size()-64<<10)
	}
	if start > st.Size() {
		off, start = -1, 0
	}
	data, err := io.ReadAll(io.NewSectionReader(f, start, st.Size()-start))
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read the manifest %s: %w", path, err)
	}
	last := bytes.LastIndexByte(data, '\n')
	end := start + int64(last) + 1
	if last < 0 {
		end = start
		if off < 0 && start > 0 {
			return nil, 0, fmt.Errorf("cannot read the manifest %s: no line end in its last 64 KiB", path)
		}
	}
	if off < 0 {
		return nil, end, nil
	}
	var out []lake.Entry
	for line := range bytes.Lines(data[:last+1]) {
		var e lake.Entry
		if json.Unmarshal(line, &e) == nil && e.Key != "" {
			out = append(out, e)
		}
	}
	return out, end, nil
}
