package query

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
)

// dataFile is one Parquet file of the lake.
type dataFile struct {
	path string
	part cloudtrail.Partition
	size int64
}

// lakeState is what the views were built from.
type lakeState struct {
	files      []dataFile
	partitions int
	// accountViews maps each per-account view (lower case) to its account.
	accountViews map[string]string
	// noView lists the accounts that have no view of their own, with why.
	noView map[string]string
	sig    string
	// sums caches the summaries of the files' sidecars.
	sums summaries
}

// listLake lists the lake's data files, leaving out the files that an
// unfinished compaction is replacing.
func listLake(dir string) (*lakeState, error) {
	parts, err := lake.Partitions(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list the partitions of %s: %w", dir, err)
	}
	skip := map[string]bool{}
	old, err := lake.CompactionJournal(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read the compaction journal of %s: %w", dir, err)
	}
	for _, f := range old {
		skip[filepath.Clean(f)] = true
	}
	st := &lakeState{accountViews: map[string]string{}, noView: map[string]string{}}
	seen := map[cloudtrail.Partition]bool{}
	for _, p := range parts {
		pdir := filepath.Join(dir, lake.Table, filepath.FromSlash(p.Path()))
		entries, err := os.ReadDir(pdir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, fmt.Errorf("cannot list partition %s: %w", pdir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".parquet") {
				continue
			}
			path := filepath.Join(pdir, e.Name())
			if skip[path] {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue // removed since it was listed
			}
			st.files = append(st.files, dataFile{path: path, part: p, size: info.Size()})
			seen[p] = true
		}
	}
	sort.Slice(st.files, func(i, j int) bool { return st.files[i].path < st.files[j].path })
	st.partitions = len(seen)
	st.accountViews, st.noView = accountViews(st.files)
	var b strings.Builder
	for _, f := range st.files {
		fmt.Fprintf(&b, "%s %d\n", f.path, f.size)
	}
	st.sig = b.String()
	return st, nil
}

// viewNamePattern is what an account id must look like to have a view
// cloudtrail_<id> whose name needs no quotes.
var viewNamePattern = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// accountViews decides the per-account views: cloudtrail_<id> for every
// account whose id can be part of a plain SQL name. Ids with other
// characters, and ids that differ only in case (SQL names do not), get no
// view; their events are in cloudtrail, with account = '<id>'.
func accountViews(files []dataFile) (map[string]string, map[string]string) {
	views := map[string]string{}
	noView := map[string]string{}
	byName := map[string][]string{}
	for _, f := range files {
		a := f.part.Account
		if _, done := noView[a]; done {
			continue
		}
		if !viewNamePattern.MatchString(a) {
			noView[a] = "the id cannot be part of a table name"
			continue
		}
		name := "cloudtrail_" + strings.ToLower(a)
		if name == "cloudtrail_logs" {
			noView[a] = "cloudtrail_logs is the name of the table of all accounts"
			continue
		}
		if !contains(byName[name], a) {
			byName[name] = append(byName[name], a)
		}
	}
	for name, ids := range byName {
		if len(ids) > 1 {
			for _, a := range ids {
				noView[a] = "account ids " + strings.Join(ids, " and ") + " differ only in case"
			}
			continue
		}
		views[name] = ids[0]
	}
	return views, noView
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// viewStatements returns the statements that (re)create the views and the
// file list over st.
func viewStatements(st *lakeState) []string {
	cols := lakeSchema()
	var stmts []string
	source := sourceSQL(st.files)
	stmts = append(stmts,
		"CREATE OR REPLACE VIEW cloudtrail AS "+source,
		"CREATE OR REPLACE VIEW cloudtrail_logs AS SELECT * FROM cloudtrail",
		"CREATE OR REPLACE VIEW _logs_records AS SELECT "+recordStruct(cols, nil)+" AS record, _object AS object FROM cloudtrail",
		"CREATE OR REPLACE VIEW logs AS SELECT _object AS object, list("+recordStruct(cols, nil)+" ORDER BY eventtimestamp, eventid) AS records FROM cloudtrail GROUP BY _object",
	)
	names := make([]string, 0, len(st.accountViews))
	for n := range st.accountViews {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		stmts = append(stmts, "CREATE OR REPLACE VIEW "+n+" AS SELECT * FROM cloudtrail WHERE account = "+quoteString(st.accountViews[n]))
	}
	// The file list, for SHOW PARTITIONS and the scan statistics.
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE TABLE _trailsql_files AS SELECT * FROM (VALUES ")
	if len(st.files) == 0 {
		b.WriteString("(NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::BIGINT)) t(path, account, region, year, month, day, bytes) LIMIT 0")
	} else {
		for i, f := range st.files {
			if i > 0 {
				b.WriteString(", ")
			}
			p := f.part
			fmt.Fprintf(&b, "(%s, %s, %s, %s, %s, %s, %d)", quoteString(f.path), quoteString(p.Account), quoteString(p.Region), quoteString(p.Year), quoteString(p.Month), quoteString(p.Day), f.size)
		}
		b.WriteString(") t(path, account, region, year, month, day, bytes)")
	}
	stmts = append(stmts, b.String())
	return stmts
}

// sourceSQL is the query that reads the lake's files: every column of the
// data files, then the partition columns.
func sourceSQL(files []dataFile) string {
	if len(files) == 0 {
		// No files: the same columns, no rows.
		cols := lakeSchema()
		parts := make([]string, 0, len(cols)+len(partitionColumns))
		for _, c := range cols {
			parts = append(parts, "CAST(NULL AS "+c.sqlType()+") AS "+quoteIdent(c.name))
		}
		for _, p := range partitionColumns {
			parts = append(parts, "CAST(NULL AS VARCHAR) AS "+p)
		}
		return "SELECT " + strings.Join(parts, ", ") + " LIMIT 0"
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = quoteString(f.path)
	}
	types := make([]string, len(partitionColumns))
	for i, p := range partitionColumns {
		types[i] = quoteString(p) + ": VARCHAR"
	}
	return "SELECT * EXCLUDE (" + strings.Join(partitionColumns, ", ") + "), " + strings.Join(partitionColumns, ", ") +
		" FROM read_parquet([" + strings.Join(paths, ", ") + "], hive_partitioning = true, hive_types = {" + strings.Join(types, ", ") + "})"
}

// dropStatements returns the statements that drop the per-account views
// that st no longer has.
func dropStatements(old, st *lakeState) []string {
	if old == nil {
		return nil
	}
	var out []string
	for n := range old.accountViews {
		if _, ok := st.accountViews[n]; !ok {
			out = append(out, "DROP VIEW IF EXISTS "+n)
		}
	}
	sort.Strings(out)
	return out
}

// lakeStamp is a cheap summary of the lake's metadata that changes when
// ingest or compaction changes its files: the manifest's size and time,
// and the times of the metadata and table folders.
func lakeStamp(dir string) string {
	var b strings.Builder
	for _, p := range []string{lake.ManifestPath(dir), filepath.Join(dir, lake.MetaDir), filepath.Join(dir, lake.Table)} {
		if info, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "%d/%d;", info.Size(), info.ModTime().UnixNano())
		} else {
			b.WriteString("-;")
		}
	}
	return b.String()
}
