package lake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Outcome is what became of a source object.
type Outcome string

// The outcomes an object can have.
const (
	// OutcomeOK: every record stored (or already present).
	OutcomeOK Outcome = "ok"
	// OutcomePartial: the good records stored, some records quarantined.
	OutcomePartial Outcome = "partial"
	// OutcomeQuarantined: nothing could be read; the object is quarantined.
	OutcomeQuarantined Outcome = "quarantined"
	// OutcomeDigest: a CloudTrail digest file, kept for integrity checks.
	OutcomeDigest Outcome = "digest"
	// OutcomeSkipped: not a CloudTrail log (AWS Config, Control Tower, ...).
	OutcomeSkipped Outcome = "skipped"
	// OutcomeFiltered: read with record filters that left some records
	// out; it is read again by a later run.
	OutcomeFiltered Outcome = "filtered"
)

// Entry is the manifest's line for one source object.
type Entry struct {
	Key         string    `json:"key"`
	Size        int64     `json:"size"`
	ETag        string    `json:"etag,omitempty"`
	ModTime     time.Time `json:"mtime,omitzero"`
	Kind        string    `json:"kind"`
	Outcome     Outcome   `json:"outcome"`
	Reason      string    `json:"reason,omitempty"`
	Events      int       `json:"events"`
	Written     int       `json:"written"`
	Duplicates  int       `json:"duplicates,omitempty"`
	Quarantined int       `json:"quarantined,omitempty"`
	Run         string    `json:"run"`
	At          time.Time `json:"at"`
}

// Same reports whether e describes the same version of an object as o.
func (e Entry) Same(size int64, etag string, mtime time.Time) bool {
	if e.Size != size || e.ETag != etag {
		return false
	}
	return e.ModTime.Equal(mtime)
}

// Manifest is the record of every source object a lake has seen: an
// append-only file of JSON lines in which the last line for a key wins.
// It is safe for concurrent use.
type Manifest struct {
	path    string
	mu      sync.RWMutex
	entries map[string]Entry
}

// ManifestPath is where a lake's manifest lives.
func ManifestPath(dir string) string { return filepath.Join(dir, MetaDir, "manifest.jsonl") }

// LoadManifest reads the manifest of the lake at dir (empty if none). A
// final line cut short by a crash is ignored; any other bad line is an error.
func LoadManifest(dir string) (*Manifest, error) {
	m := &Manifest{path: ManifestPath(dir), entries: map[string]Entry{}}
	data, err := os.ReadFile(m.path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read manifest: %w", err)
	}
	line := 0
	for len(data) > 0 {
		line++
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			// A last line without its newline was cut by a crash: its
			// object is read again.
			break
		}
		var e Entry
		if err := json.Unmarshal(data[:i], &e); err != nil {
			return nil, fmt.Errorf("cannot read manifest %s line %d: %w", m.path, line, err)
		}
		m.entries[e.Key] = e
		data = data[i+1:]
	}
	return m, nil
}

// Get returns the entry of a key.
func (m *Manifest) Get(key string) (Entry, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, ok := m.entries[key]
	return e, ok
}

// Entries returns every entry (the latest per key), in no order.
func (m *Manifest) Entries() []Entry {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Entry, 0, len(m.entries))
	for _, e := range m.entries {
		out = append(out, e)
	}
	return out
}

// Len is the number of objects in the manifest.
func (m *Manifest) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries)
}

// Append adds entries durably: they are written and synced before Append
// returns. It is called only after the events of the objects are in the lake.
func (m *Manifest) Append(entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, err := os.OpenFile(m.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("cannot open manifest: %w", err)
	}
	// Repair a last line that a crash left without its newline.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		if last, err := lastByte(m.path); err == nil && last != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return fmt.Errorf("cannot write manifest: %w", err)
			}
		}
	}
	w := bufio.NewWriter(f)
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			f.Close()
			return fmt.Errorf("cannot encode manifest entry %s: %w", e.Key, err)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("cannot write manifest: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("cannot sync manifest: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot close manifest: %w", err)
	}
	for _, e := range entries {
		m.entries[e.Key] = e
	}
	return nil
}

func lastByte(path string) (byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return '\n', err
	}
	var b [1]byte
	_, err = f.ReadAt(b[:], st.Size()-1)
	return b[0], err
}
