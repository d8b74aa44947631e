package trailtest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// RepoRoot returns the root folder of the trailsql module.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot find the trailtest source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// CorpusDir returns ../shared/corpus beside the repository: real CloudTrail
// events from public projects. The test fails when it is missing: CI always
// has it.
func CorpusDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TRAILSQL_CORPUS")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "SOURCES.md")); err != nil {
		t.Fatalf("cannot find the shared corpus (set TRAILSQL_CORPUS): %v", err)
	}
	return dir
}

// SigmaDir returns ../shared/sigma beside the repository: SigmaHQ's
// CloudTrail rules. The test fails when it is missing.
func SigmaDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(CorpusDir(t)), "sigma")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Fatalf("cannot find the shared SigmaHQ rules: %v", err)
	}
	return dir
}

// Detonation is one Stratus Red Team technique of the shared corpus: its
// name and its CloudTrail records, decoded with numbers kept as written.
type Detonation struct {
	Name    string
	Records []map[string]any
}

// Detonations reads every technique in the corpus's
// stratus-red-team/detonation-logs, sorted by name.
func Detonations(t testing.TB) []Detonation {
	t.Helper()
	dir := filepath.Join(CorpusDir(t), "stratus-red-team", "detonation-logs")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no detonation logs in %s: %v", dir, err)
	}
	sort.Strings(files)
	var out []Detonation
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var recs []map[string]any
		if err := dec.Decode(&recs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, Detonation{Name: strings.TrimSuffix(filepath.Base(f), ".json"), Records: recs})
	}
	return out
}
