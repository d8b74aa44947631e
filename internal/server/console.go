package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The console's own state is kept in the lake, under
// <lake>/_trailsql/console: history.json, the queries run (newest first,
// at most maxHistory), and saved.json, the queries saved by name. Each
// file is replaced whole (written aside, then renamed), so a reader never
// sees half of one.
const (
	consoleDir = "_trailsql/console"
	maxHistory = 500
	maxSaved   = 1000
	maxSQL     = 256 << 10
)

// HistoryEntry is one query run from the console.
type HistoryEntry struct {
	ID        string    `json:"id"`
	SQL       string    `json:"sql"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	At        time.Time `json:"at"`
	ElapsedMS float64   `json:"elapsed_ms,omitempty"`
	Rows      int64     `json:"rows,omitempty"`
	Bytes     int64     `json:"bytes,omitempty"`
	Error     string    `json:"error,omitempty"`
}

// SavedQuery is a query saved by name.
type SavedQuery struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	SQL         string    `json:"sql"`
	Saved       time.Time `json:"saved"`
}

// console keeps the history and saved queries of a lake.
type console struct {
	dir string
	now func() time.Time
	mu  sync.Mutex // serialises read-modify-write of the files
}

func newConsole(lakeDir string, now func() time.Time) *console {
	return &console{dir: filepath.Join(lakeDir, filepath.FromSlash(consoleDir)), now: now}
}

// load reads file into v (nothing when it does not exist yet).
func (c *console) load(file string, v any) error {
	b, err := os.ReadFile(filepath.Join(c.dir, file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the console's %s: %w", file, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("cannot read the console's %s: %w", file, err)
	}
	return nil
}

// store replaces file with v, atomically.
func (c *console) store(file string, v any) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("cannot write the console's %s: %w", file, err)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("cannot write the console's %s: %w", file, err)
	}
	tmp, err := os.CreateTemp(c.dir, "."+file+".*")
	if err != nil {
		return fmt.Errorf("cannot write the console's %s: %w", file, err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(c.dir, file))
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot write the console's %s: %w", file, werr)
	}
	return nil
}

// listEntries reads the entries kept in file (an empty list when there
// are none), under the console's lock.
func listEntries[T any](c *console, file string) ([]T, error) {
	out := []T{}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(file, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []T{} // the file holds null
	}
	return out, nil
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) error {
	h, err := listEntries[HistoryEntry](s.console, "history.json")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func checkSQLText(sql string) error {
	switch {
	case strings.TrimSpace(sql) == "":
		return badRequest("no query: \"sql\" is empty")
	case len(sql) > maxSQL:
		return badRequest(fmt.Sprintf("the query is longer than %d bytes", maxSQL))
	case !utf8.ValidString(sql):
		return badRequest("the query is not UTF-8 text")
	}
	return nil
}

func (s *Server) handleAddHistory(w http.ResponseWriter, r *http.Request) error {
	var e HistoryEntry
	if err := decodeBody(r, &e); err != nil {
		return err
	}
	if err := checkSQLText(e.SQL); err != nil {
		return err
	}
	e.ID, e.At = randomToken()[:16], s.console.now().UTC()
	c := s.console
	c.mu.Lock()
	defer c.mu.Unlock()
	var h []HistoryEntry
	if err := c.load("history.json", &h); err != nil {
		return err
	}
	h = append([]HistoryEntry{e}, h...)
	if len(h) > maxHistory {
		h = h[:maxHistory]
	}
	if err := c.store("history.json", h); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) handleSaved(w http.ResponseWriter, r *http.Request) error {
	saved, err := listEntries[SavedQuery](s.console, "saved.json")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, saved)
	return nil
}

func (s *Server) handleSave(w http.ResponseWriter, r *http.Request) error {
	var q SavedQuery
	if err := decodeBody(r, &q); err != nil {
		return err
	}
	if err := checkSQLText(q.SQL); err != nil {
		return err
	}
	q.Name = strings.TrimSpace(q.Name)
	if q.Name == "" || len(q.Name) > 200 || len(q.Description) > 4000 {
		return badRequest("a saved query needs a \"name\" (at most 200 bytes; the description at most 4000)")
	}
	q.ID, q.Saved = randomToken()[:16], s.console.now().UTC()
	c := s.console
	c.mu.Lock()
	defer c.mu.Unlock()
	var saved []SavedQuery
	if err := c.load("saved.json", &saved); err != nil {
		return err
	}
	if len(saved) >= maxSaved {
		return badRequest(fmt.Sprintf("there are %d saved queries already: delete some first", maxSaved))
	}
	saved = append(saved, q)
	if err := c.store("saved.json", saved); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, q)
	return nil
}

func (s *Server) handleDeleteSaved(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	c := s.console
	c.mu.Lock()
	defer c.mu.Unlock()
	var saved []SavedQuery
	if err := c.load("saved.json", &saved); err != nil {
		return err
	}
	kept := saved[:0]
	for _, q := range saved {
		if q.ID != id {
			kept = append(kept, q)
		}
	}
	if len(kept) == len(saved) {
		return notFound(fmt.Sprintf("no saved query %q", id))
	}
	if err := c.store("saved.json", kept); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
