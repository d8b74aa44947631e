package trailtest

import (
	"os"
	"path/filepath"
	"runtime"
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
