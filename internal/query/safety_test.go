package query

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/lake"
)

// snapshotTree returns the names and contents' hashes of every file under
// dir.
func snapshotTree(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == lake.ListingCache {
			return nil // the listing cache is the engine's own (see lake.ListFilesCached)
		}
		b, _ := os.ReadFile(p)
		lines = append(lines, fmt.Sprintf("%s %x", p, sha256.Sum256(b)))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestForbidden checks that every statement that is not a read-only query
// of the lake is refused, that none of them changes a file, and that the
// engine still answers afterwards.
func TestForbidden(t *testing.T) {
	e, _, dir := openFixture(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	os.WriteFile(secret, []byte("a,b\n1,2\n"), 0o644)
	parquetOutside := filepath.Join(outside, "x.parquet")
	lakeFile := e.snapshot().files[0].path
	before := snapshotTree(t, dir)
	beforeOut := snapshotTree(t, outside)
	cwd, _ := os.Getwd()
	beforeCwd := snapshotTree(t, cwd)

	forbidden := []string{
		// Writing files.
		"COPY (SELECT * FROM cloudtrail) TO '" + filepath.Join(outside, "all.csv") + "'",
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "cloudtrail", "x.csv") + "'",
		"COPY cloudtrail TO '" + parquetOutside + "' (FORMAT parquet)",
		"EXPORT DATABASE '" + filepath.Join(outside, "db") + "'",
		"SELECT 1; COPY (SELECT 1) TO '" + filepath.Join(outside, "two.csv") + "'",
		"EXPLAIN COPY (SELECT 1) TO '" + filepath.Join(outside, "e.csv") + "'",
		// Other databases and extensions.
		"ATTACH '" + filepath.Join(outside, "other.db") + "' AS other",
		"ATTACH ':memory:' AS m",
		"DETACH m",
		"USE memory",
		"INSTALL httpfs",
		"LOAD httpfs",
		"FORCE INSTALL httpfs",
		// Settings.
		"SET enable_external_access = true",
		"SET lock_configuration = false",
		"RESET memory_limit",
		"PRAGMA memory_limit = '100GB'",
		"PRAGMA enable_profiling",
		"CALL pragma_version()",
		"SET GLOBAL threads = 64",
		// Changing the catalog.
		"CREATE TABLE t AS SELECT * FROM cloudtrail",
		"CREATE OR REPLACE VIEW cloudtrail AS SELECT 1",
		"CREATE MACRO athena_json_extract_scalar(a, b) AS 1",
		"CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
		"DROP VIEW cloudtrail",
		"INSERT INTO _trailsql_files VALUES ('x', 'a', 'r', 'y', 'm', 'd', 1)",
		"DELETE FROM _trailsql_files",
		"UPDATE _trailsql_files SET bytes = 0",
		"ALTER VIEW cloudtrail RENAME TO x",
		"CHECKPOINT",
		"VACUUM",
		"BEGIN TRANSACTION",
		"PREPARE p AS SELECT 1",
		// Reading anything but the lake's tables.
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM read_csv_auto('/etc/passwd')",
		"SELECT * FROM read_text('/etc/hostname')",
		"SELECT * FROM read_blob('" + secret + "')",
		"SELECT * FROM read_json('" + filepath.Join(dir, "_trailsql", "manifest.jsonl") + "')",
		"SELECT * FROM read_parquet('" + lakeFile + "')",
		"SELECT * FROM parquet_metadata('" + lakeFile + "')",
		"SELECT * FROM glob('/etc/*')",
		"SELECT * FROM '" + secret + "'",
		"SELECT * FROM '" + lakeFile + "'",
		"SELECT * FROM query('SELECT 42')",
		"SELECT * FROM query_table('cloudtrail')",
		"SELECT * FROM sniff_csv('" + secret + "')",
		"SELECT * FROM duckdb_settings()",
		"SELECT * FROM enable_logging()",
		"SELECT * FROM enable_logging(storage = 'file', storage_path = '" + filepath.Join(outside, "log") + "')",
		"SELECT * FROM (SELECT * FROM cloudtrail) JOIN checkpoint() ON true",
		"SELECT write_log('x')",
		"SELECT setseed(0.5)",
		"SELECT getenv('HOME')",
		"WITH x AS (SELECT * FROM read_csv('" + secret + "')) SELECT * FROM x",
		"SELECT (SELECT count(*) FROM read_text('/etc/hostname'))",
	}
	for _, q := range forbidden {
		r, err := e.Query(context.Background(), q)
		if err == nil {
			t.Errorf("not refused: %s (%d rows)", q, len(r.Rows))
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", q, err)
		}
	}
	if after := snapshotTree(t, dir); after != before {
		t.Errorf("the lake changed:\n%s\n---\n%s", before, after)
	}
	if after := snapshotTree(t, outside); after != beforeOut {
		t.Errorf("files outside the lake changed:\n%s\n---\n%s", beforeOut, after)
	}
	if after := snapshotTree(t, cwd); after != beforeCwd {
		t.Errorf("the working folder changed")
	}
	// The configuration is locked, external access is off, and the engine
	// still answers.
	r := mustQuery(t, e, "SELECT current_setting('lock_configuration'), current_setting('enable_external_access'), count(*) FROM cloudtrail")
	if r.Rows[0][0] != true || r.Rows[0][1] != false || r.Rows[0][2] == int64(0) {
		t.Errorf("after the forbidden statements: %v", r.Rows[0])
	}
}

// TestForbiddenClasses checks the class and wording of a few refusals.
func TestForbiddenClasses(t *testing.T) {
	e, _, _ := openFixture(t)
	f := func(q, want string) {
		t.Helper()
		_, err := e.Query(context.Background(), q)
		if !IsRefused(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a refusal saying %q", q, err, want)
		}
	}
	f("COPY (SELECT 1) TO '/tmp/x.csv'", "--output FILE")
	f("INSTALL httpfs", "extensions cannot be installed")
	f("SET threads = 1", "settings cannot be changed")
	f("ATTACH 'x.db'", "queries read the lake and nothing else")
	f("SELECT 1; SELECT 2", "run one query at a time")
	// DuckDB's table functions are not Athena's syntax: they never get past
	// the parser (checkQuery would refuse them too).
	if _, err := e.Query(context.Background(), "SELECT * FROM read_csv('/etc/passwd')"); !strings.HasPrefix(fmt.Sprint(err), "syntax error at line 1, column 23") {
		t.Errorf("read_csv: %v, want a syntax error", err)
	}
}
