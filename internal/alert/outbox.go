package alert

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/lake"
)

// The outbox's folders.
const (
	pendingDir = "pending"
	doneDir    = "done"
	failedDir  = "failed"
	tmpDir     = "tmp"
)

// OutboxDir is where a lake's outbox lives.
func OutboxDir(lakeDir string) string { return filepath.Join(lakeDir, lake.MetaDir, "outbox") }

// Entry is one finding to be sent to one sink.
type Entry struct {
	Sink     string         `json:"sink"`
	Finding  detect.Finding `json:"finding"`
	Enqueued time.Time      `json:"enqueued"`
	// Attempts and Reason are set on failed entries: how often the sink
	// was tried and why it refused.
	Attempts int       `json:"attempts,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Failed   time.Time `json:"failed,omitzero"`
}

// Outbox is the durable queue of alerts of one lake: see the package
// comment for its layout and guarantees. One process uses it at a time
// (the lake's writer).
type Outbox struct {
	dir string
	now func() time.Time
}

// OpenOutbox opens (creating it if needed) the outbox of the lake at
// lakeDir, and clears what a crash may have left: temporary files, and
// pending entries that a crash left next to their failed copy.
func OpenOutbox(lakeDir string, now func() time.Time) (*Outbox, error) {
	if now == nil {
		now = time.Now
	}
	o := &Outbox{dir: OutboxDir(lakeDir), now: now}
	for _, d := range []string{pendingDir, doneDir, failedDir, tmpDir} {
		if err := mkdirSynced(filepath.Join(o.dir, d)); err != nil {
			return nil, err
		}
	}
	tmps, err := os.ReadDir(filepath.Join(o.dir, tmpDir))
	if err != nil {
		return nil, fmt.Errorf("cannot read the outbox: %w", err)
	}
	for _, t := range tmps {
		if err := os.Remove(filepath.Join(o.dir, tmpDir, t.Name())); err != nil {
			return nil, fmt.Errorf("cannot clear the outbox: %w", err)
		}
	}
	sinks, err := o.sinks(pendingDir)
	if err != nil {
		return nil, err
	}
	for _, sink := range sinks {
		names, err := o.names(pendingDir, sink)
		if err != nil {
			return nil, err
		}
		removed := false
		for _, n := range names {
			if exists(filepath.Join(o.dir, failedDir, sink, n)) || exists(filepath.Join(o.dir, doneDir, sink, n)) {
				if err := os.Remove(filepath.Join(o.dir, pendingDir, sink, n)); err != nil {
					return nil, fmt.Errorf("cannot clear the outbox: %w", err)
				}
				removed = true
			}
		}
		if removed {
			if err := syncDir(filepath.Join(o.dir, pendingDir, sink)); err != nil {
				return nil, err
			}
		}
	}
	return o, nil
}

// Dir is the outbox's folder.
func (o *Outbox) Dir() string { return o.dir }

// checkName checks that a sink name or finding key is a plain file name.
func checkName(what, s string) error {
	if s == "" || len(s) > 200 || s[0] == '.' {
		return fmt.Errorf("alert: %s %q cannot name an outbox file", what, s)
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("alert: %s %q cannot name an outbox file", what, s)
		}
	}
	return nil
}

// Enqueue adds a pending entry for each finding to sink, unless the
// outbox has had one (pending, done or failed) for that finding's key:
// enqueueing the same findings again adds nothing. The entries are
// durable when Enqueue returns. It returns how many it added.
func (o *Outbox) Enqueue(sink string, findings []detect.Finding) (int, error) {
	if err := checkName("sink name", sink); err != nil {
		return 0, err
	}
	var tmps, names []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	seen := map[string]bool{}
	for i := range findings {
		f := &findings[i]
		if err := checkName("finding key", f.Key); err != nil {
			return 0, fmt.Errorf("cannot enqueue finding of rule %s: %w", f.RuleID, err)
		}
		name := f.Key + ".json"
		if seen[name] || o.has(sink, name) {
			continue
		}
		seen[name] = true
		b, err := json.Marshal(Entry{Sink: sink, Finding: *f, Enqueued: o.now().UTC()})
		if err != nil {
			return 0, fmt.Errorf("cannot encode outbox entry %s: %w", f.Key, err)
		}
		tmp, err := o.writeTemp(b)
		if err != nil {
			return 0, err
		}
		tmps = append(tmps, tmp)
		names = append(names, name)
	}
	if len(names) == 0 {
		return 0, nil
	}
	dst := filepath.Join(o.dir, pendingDir, sink)
	if err := mkdirSynced(dst); err != nil {
		return 0, err
	}
	for i, n := range names {
		if err := os.Rename(tmps[i], filepath.Join(dst, n)); err != nil {
			return 0, fmt.Errorf("cannot enqueue %s: %w", filepath.Join(dst, n), err)
		}
		tmps[i] = ""
	}
	tmps = nil
	if err := syncDir(dst); err != nil {
		return 0, err
	}
	return len(names), nil
}

// has reports whether the outbox has an entry of that name for sink.
func (o *Outbox) has(sink, name string) bool {
	for _, state := range []string{pendingDir, doneDir, failedDir} {
		if exists(filepath.Join(o.dir, state, sink, name)) {
			return true
		}
	}
	return false
}

// Pending returns the pending entries of sink, oldest first event first.
func (o *Outbox) Pending(sink string) ([]Entry, error) {
	return o.read(pendingDir, sink)
}

// Failed returns the entries that sink refused.
func (o *Outbox) Failed(sink string) ([]Entry, error) {
	return o.read(failedDir, sink)
}

func (o *Outbox) read(state, sink string) ([]Entry, error) {
	names, err := o.names(state, sink)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(names))
	for _, n := range names {
		path := filepath.Join(o.dir, state, sink, n)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read outbox entry: %w", err)
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("cannot read outbox entry %s: %w", path, err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(a.Finding.First.Compare(b.Finding.First), cmp.Compare(a.Finding.Key, b.Finding.Key))
	})
	return out, nil
}

// MarkDone records that the sink acknowledged e: the entry moves to done/
// by a rename, durable when MarkDone returns.
func (o *Outbox) MarkDone(e *Entry) error {
	name := e.Finding.Key + ".json"
	dst := filepath.Join(o.dir, doneDir, e.Sink)
	if err := mkdirSynced(dst); err != nil {
		return err
	}
	src := filepath.Join(o.dir, pendingDir, e.Sink)
	if err := os.Rename(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
		return fmt.Errorf("cannot mark outbox entry done: %w", err)
	}
	// Syncing done/ makes the mark durable. pending/ is not synced: a
	// crash that keeps the entry there as well leaves both, and
	// OpenOutbox removes the pending one. One sync keeps the window
	// between acknowledgement and mark short.
	return syncDir(dst)
}

// MarkFailed records that the sink refused e for good, with the reason:
// the entry moves to failed/, durable when MarkFailed returns.
func (o *Outbox) MarkFailed(e *Entry, attempts int, reason error) error {
	name := e.Finding.Key + ".json"
	f := *e
	f.Attempts, f.Reason, f.Failed = attempts, reason.Error(), o.now().UTC()
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("cannot encode outbox entry %s: %w", name, err)
	}
	tmp, err := o.writeTemp(b)
	if err != nil {
		return err
	}
	dst := filepath.Join(o.dir, failedDir, e.Sink)
	if err := mkdirSynced(dst); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dst, name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot mark outbox entry failed: %w", err)
	}
	if err := syncDir(dst); err != nil {
		return err
	}
	src := filepath.Join(o.dir, pendingDir, e.Sink)
	if err := os.Remove(filepath.Join(src, name)); err != nil {
		return fmt.Errorf("cannot mark outbox entry failed: %w", err)
	}
	return syncDir(src)
}

// Counts is how many entries a sink has in each state.
type Counts struct{ Pending, Done, Failed int }

// Counts returns the entries of every sink the outbox knows, by sink.
func (o *Outbox) Counts() (map[string]Counts, error) {
	out := map[string]Counts{}
	for _, state := range []string{pendingDir, doneDir, failedDir} {
		sinks, err := o.sinks(state)
		if err != nil {
			return nil, err
		}
		for _, s := range sinks {
			names, err := o.names(state, s)
			if err != nil {
				return nil, err
			}
			c := out[s]
			switch state {
			case pendingDir:
				c.Pending += len(names)
			case doneDir:
				c.Done += len(names)
			case failedDir:
				c.Failed += len(names)
			}
			out[s] = c
		}
	}
	return out, nil
}

// sinks lists the sink folders of a state.
func (o *Outbox) sinks(state string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(o.dir, state))
	if err != nil {
		return nil, fmt.Errorf("cannot read the outbox: %w", err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// names lists the entry files of a sink in a state.
func (o *Outbox) names(state, sink string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(o.dir, state, sink))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the outbox: %w", err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") && !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// writeTemp writes b to a new synced file in tmp/ and returns its path.
func (o *Outbox) writeTemp(b []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Join(o.dir, tmpDir), "entry-*")
	if err != nil {
		return "", fmt.Errorf("cannot write the outbox: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("cannot write the outbox: %w", err)
	}
	return f.Name(), nil
}

// writeFileSynced replaces path with data atomically (temporary file in
// the outbox's tmp/, sync, rename, sync of the folder).
func (o *Outbox) writeFileSynced(path string, data []byte) error {
	tmp, err := o.writeTemp(data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// mkdirSynced makes dir (and parents) and syncs the parent of each folder
// it made, so that the folder survives a crash.
func mkdirSynced(dir string) error {
	if exists(dir) {
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirSynced(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("cannot make %s: %w", dir, err)
	}
	return syncDir(filepath.Dir(dir))
}

// syncDir makes the entries of dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("cannot sync %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot sync %s: %w", dir, err)
	}
	return nil
}
