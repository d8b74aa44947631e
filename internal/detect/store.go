package detect

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/trailsql/trailsql/internal/lake"
)

// FindingsDir is the folder of the findings inside a lake, relative to the
// lake's folder.
var FindingsDir = filepath.Join(lake.MetaDir, "findings")

// findingsExt ends the name of every findings file; a file being written
// has another name (a ".tmp-" prefix) until it is complete.
const findingsExt = ".jsonl"

// Store keeps the findings of a lake under <lake>/_trailsql/findings/: one
// file of JSON lines per Add that found something new, written to a
// temporary name, synced and renamed into place, so that a reader sees
// whole files or nothing. A lock file serialises Adds of several
// processes.
type Store struct {
	dir string
	now func() time.Time
}

// OpenStore returns the store of the lake at lakeDir. now stamps the
// Detected time of the findings added (time.Now if nil). The folder is
// created by the first Add.
func OpenStore(lakeDir string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{dir: filepath.Join(lakeDir, FindingsDir), now: now}
}

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

// Add records the findings whose Key is not stored yet and returns them,
// in the order given, with Detected set. Findings already stored, and
// repeated keys within fs, are left out, so that adding the same findings
// twice adds nothing. The new findings are durable when Add returns
// without an error; a crash during Add leaves either all of them stored or
// none (a partial temporary file is removed by the next Add).
func (s *Store) Add(ctx context.Context, fs []Finding) ([]Finding, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the findings folder: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.removeTemp(); err != nil {
		return nil, err
	}
	keys, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var added []Finding
	for _, f := range fs {
		if f.Key == "" {
			return nil, fmt.Errorf("cannot add a finding of rule %s without a key", f.RuleID)
		}
		if keys[f.Key] {
			continue
		}
		keys[f.Key] = true
		f.Detected = now
		added = append(added, f)
	}
	if len(added) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, f := range added {
		if err := enc.Encode(storedFinding(f)); err != nil {
			return nil, fmt.Errorf("cannot encode finding %s: %w", f.Key, err)
		}
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, fmt.Errorf("cannot name a findings file: %w", err)
	}
	// The time first, so that names sort in the order of the Adds; the
	// random part keeps two Adds in the same instant apart.
	name := fmt.Sprintf("findings-%s-%x%s", now.Format("20060102T150405.000000000Z"), rnd, findingsExt)
	if err := writeAtomic(s.dir, name, buf.Bytes()); err != nil {
		return nil, err
	}
	return added, nil
}

// storedFinding is a finding as a line of a findings file: nil lists are
// written as empty arrays, so that every line has every column.
func storedFinding(f Finding) Finding {
	for _, l := range []*[]string{&f.Tactics, &f.Techniques, &f.EventIDs} {
		if *l == nil {
			*l = []string{}
		}
	}
	return f
}

// writeAtomic writes data to dir/name through a temporary file that is
// synced before it is renamed, and syncs dir after.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return fmt.Errorf("cannot write findings: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot write findings file %s: %w", name, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("cannot sync the findings folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("cannot sync the findings folder: %w", err)
	}
	return nil
}

// lock takes the store's lock file, waiting for another process's Add.
func (s *Store) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(s.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open the findings lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot lock the findings: %w", err)
	}
	return func() { f.Close() }, nil
}

// removeTemp removes the temporary files that an interrupted Add left.
// The caller holds the lock, so no Add is writing one.
func (s *Store) removeTemp() error {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("cannot list the findings: %w", err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			if err := os.Remove(filepath.Join(s.dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("cannot remove an unfinished findings file: %w", err)
			}
		}
	}
	return nil
}

// Files returns the paths of the store's findings files, oldest first.
func (s *Store) Files() ([]string, error) {
	return findingsFiles(s.dir)
}

// findingsFiles lists the complete findings files in dir, by name (the
// names start with the time they were written).
func findingsFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list the findings: %w", err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.Type().IsRegular() && !strings.HasPrefix(n, ".") && strings.HasSuffix(n, findingsExt) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out)
	return out, nil
}

// keys returns the keys of the stored findings.
func (s *Store) keys(ctx context.Context) (map[string]bool, error) {
	keys := map[string]bool{}
	err := s.each(ctx, func(f Finding) bool {
		keys[f.Key] = true
		return true
	})
	return keys, err
}

// each calls fn with every stored finding, oldest file first, until fn
// returns false.
func (s *Store) each(ctx context.Context, fn func(Finding) bool) error {
	files, err := s.Files()
	if err != nil {
		return err
	}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		more, err := readFindings(path, fn)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
	return nil
}

// readFindings reads one findings file.
func readFindings(path string, fn func(Finding) bool) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("cannot read findings: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var fd Finding
		if err := json.Unmarshal(sc.Bytes(), &fd); err != nil {
			return false, fmt.Errorf("cannot read findings: %s:%d: %w", path, line, err)
		}
		if !fn(fd) {
			return false, nil
		}
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("cannot read findings: %s: %w", path, err)
	}
	return true, nil
}

// Filter selects stored findings; a zero field selects everything.
type Filter struct {
	// RuleIDs keeps the findings of these rules.
	RuleIDs []string
	// Since and Until keep the findings whose Last event is at or after
	// Since and whose First event is before Until.
	Since, Until time.Time
	// Account and Region keep the findings of one account or region.
	Account, Region string
}

// keep reports whether f passes the filter.
func (fl Filter) keep(f Finding) bool {
	switch {
	case len(fl.RuleIDs) > 0 && !slices.Contains(fl.RuleIDs, f.RuleID):
		return false
	case !fl.Since.IsZero() && f.Last.Before(fl.Since):
		return false
	case !fl.Until.IsZero() && !f.First.Before(fl.Until):
		return false
	case fl.Account != "" && f.Account != fl.Account:
		return false
	case fl.Region != "" && f.Region != fl.Region:
		return false
	}
	return true
}

// List returns the stored findings that pass the filter, in the order
// they were added.
func (s *Store) List(ctx context.Context, fl Filter) ([]Finding, error) {
	var out []Finding
	err := s.each(ctx, func(f Finding) bool {
		if fl.keep(f) {
			out = append(out, f)
		}
		return true
	})
	return out, err
}
