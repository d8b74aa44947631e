package lake

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// QuarantineItem is one thing that could not be stored as events: a record
// (Index >= 0) or a part or the whole of an object.
type QuarantineItem struct {
	Key    string    `json:"key"`
	Index  int       `json:"index"`  // record position in the object, or -1
	Offset int64     `json:"offset"` // byte offset in the uncompressed object
	Reason string    `json:"reason"`
	Size   int       `json:"size"`
	Data   string    `json:"data,omitempty"`     // the text, when it is UTF-8
	Data64 string    `json:"data_b64,omitempty"` // the bytes, when they are not
	File   string    `json:"file,omitempty"`     // copy of a whole object, relative to the lake
	Run    string    `json:"run"`
	At     time.Time `json:"at"`
}

// Quarantine keeps what a run could not store, so that nothing that came in
// is lost: <lake>/_trailsql/quarantine/<run>.jsonl holds records and parts of
// objects, and quarantine/<run>/ copies of whole objects.
type Quarantine struct {
	mu    sync.Mutex
	l     *Lake
	run   string
	f     *os.File
	w     *bufio.Writer
	count int
}

// NewQuarantine starts the quarantine file of a run; the file is created on
// first use.
func (l *Lake) NewQuarantine(run string) *Quarantine {
	return &Quarantine{l: l, run: run}
}

func (q *Quarantine) open() error {
	if q.f != nil {
		return nil
	}
	path := filepath.Join(q.l.Dir, MetaDir, "quarantine", q.run+".jsonl")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("cannot open quarantine: %w", err)
	}
	q.f, q.w = f, bufio.NewWriter(f)
	return nil
}

// Add quarantines one item with its data.
func (q *Quarantine) Add(it QuarantineItem, data []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.open(); err != nil {
		return err
	}
	it.Run = q.run
	it.At = q.l.now().UTC()
	it.Size = len(data)
	if utf8.Valid(data) {
		it.Data = string(data)
	} else {
		it.Data64 = base64.StdEncoding.EncodeToString(data)
	}
	b, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("cannot encode quarantine item: %w", err)
	}
	q.w.Write(b)
	q.w.WriteByte('\n')
	q.count++
	return nil
}

// AddObject quarantines a whole object: a copy of its bytes as stored in
// the source, and a line that says why.
func (q *Quarantine) AddObject(it QuarantineItem, raw []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.open(); err != nil {
		return err
	}
	dir := filepath.Join(q.l.Dir, MetaDir, "quarantine", q.run)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create quarantine folder: %w", err)
	}
	name := fmt.Sprintf("%06d-%s", q.count, safeName(it.Key))
	if err := writeSynced(filepath.Join(dir, name), raw); err != nil {
		return fmt.Errorf("cannot copy %s into quarantine: %w", it.Key, err)
	}
	it.File = filepath.ToSlash(filepath.Join(MetaDir, "quarantine", q.run, name))
	it.Run = q.run
	it.At = q.l.now().UTC()
	it.Size = len(raw)
	it.Index = -1
	b, _ := json.Marshal(it)
	q.w.Write(b)
	q.w.WriteByte('\n')
	q.count++
	return nil
}

func safeName(key string) string {
	base := key
	if i := strings.LastIndexAny(base, "/\\"); i >= 0 {
		base = base[i+1:]
	}
	var b strings.Builder
	for _, r := range base {
		if r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "object"
	}
	return b.String()
}

// Sync makes everything quarantined so far durable.
func (q *Quarantine) Sync() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.sync()
}

func (q *Quarantine) sync() error {
	if q.f == nil {
		return nil
	}
	if err := q.w.Flush(); err != nil {
		return fmt.Errorf("cannot write quarantine: %w", err)
	}
	if err := q.f.Sync(); err != nil {
		return fmt.Errorf("cannot sync quarantine: %w", err)
	}
	return nil
}

// Close syncs and closes the quarantine file.
func (q *Quarantine) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.f == nil {
		return nil
	}
	err := q.sync()
	if cerr := q.f.Close(); err == nil {
		err = cerr
	}
	q.f = nil
	return err
}

// QuarantineItems reads every quarantined item of the lake at dir, oldest
// run first.
func QuarantineItems(dir string) ([]QuarantineItem, error) {
	files, err := filepath.Glob(filepath.Join(dir, MetaDir, "quarantine", "*.jsonl"))
	if err != nil {
		return nil, err
	}
	var out []QuarantineItem
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read quarantine: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<30)
		for sc.Scan() {
			var it QuarantineItem
			if json.Unmarshal(sc.Bytes(), &it) == nil {
				out = append(out, it)
			}
		}
		f.Close()
	}
	return out, nil
}
