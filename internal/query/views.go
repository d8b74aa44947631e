package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/needle"
)

// dataFile is one Parquet file of the lake.
type dataFile struct {
	path string
	size int64
	// dir is the partition that the file's folder names: all five values
	// for a file of the older layout; account, year and month for a
	// bucket's file, whose rows hold region and day as columns.
	dir cloudtrail.Partition
	// bucket marks a bucket's file.
	bucket bool
	// parts are the partitions the file's rows belong to; nil when they
	// are not known (a bucket's file whose summary does not list them).
	parts []cloudtrail.Partition
	// sum is the file's sidecar summary, nil when it has none.
	sum *needle.Summary
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
// unfinished compaction is replacing, with the partitions of each (from
// its folder, or from its summary for a bucket's file).
func listLake(dir string) (*lakeState, error) {
	// The cached listing reads only the folders that changed since the
	// last query, with the summaries of their files (their partitions):
	// start-up does not grow with the files of the lake, only with its
	// folders.
	files, err := lake.ListFilesCached(dir)
	if err != nil {
		return nil, err
	}
	st := &lakeState{accountViews: map[string]string{}, noView: map[string]string{}}
	st.sums.m = make(map[string]fileSummary, len(files))
	for _, f := range files {
		var fs fileSummary
		if f.Summary != nil {
			fs.s, fs.has = *f.Summary, true
			fs.ok = fs.s.Ranged || fs.s.Timed == 0
		}
		st.sums.m[f.Path] = fs
	}
	seen := map[cloudtrail.Partition]bool{}
	for _, f := range files {
		df := dataFile{path: f.Path, size: f.Size, dir: f.Partition, sum: f.Summary}
		if f.Bucket != nil {
			df.bucket = true
			df.dir = cloudtrail.Partition{Account: f.Bucket.Account, Year: f.Bucket.Year, Month: f.Bucket.Month}
			if fs := st.sums.get(df); fs.has && (fs.s.Parts != nil || fs.s.Rows == 0) {
				df.parts = make([]cloudtrail.Partition, 0, len(fs.s.Parts))
				for _, p := range fs.s.Parts {
					q := df.dir
					q.Region, q.Day = p.Region, p.Day
					df.parts = append(df.parts, q)
				}
			}
		} else {
			df.parts = []cloudtrail.Partition{f.Partition}
		}
		for _, p := range df.parts {
			seen[p] = true
		}
		if df.parts == nil {
			seen[df.dir] = true
		}
		st.files = append(st.files, df)
	}
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
		a := f.dir.Account
		if _, done := noView[a]; done {
			continue
		}
		if !viewNamePattern.MatchString(a) {
			noView[a] = "the id cannot be part of a table name"
			continue
		}
		name := "cloudtrail_" + strings.ToLower(a)
		if name == "cloudtrail_logs" || name == lakeView {
			noView[a] = name + " is the name of the table of all accounts"
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

// viewDef is one view of the lake. Views are created only when a
// statement reads them (see Engine.ensureViews): DuckDB binds a view over
// N files when it creates it, which would make every query's start-up
// grow with the lake and with its number of accounts.
type viewDef struct {
	name string
	deps []string // the views it reads
	stmt string
}

// viewDefs returns the lake's views over st, by name.
func viewDefs(st *lakeState) map[string]viewDef {
	cols := lakeSchema()
	source := sourceSQL(st.files)
	defs := map[string]viewDef{}
	add := func(name, body string, deps ...string) {
		defs[name] = viewDef{name: name, deps: deps, stmt: "CREATE OR REPLACE VIEW " + name + " AS " + body}
	}
	add("cloudtrail", source)
	add("cloudtrail_logs", "SELECT * FROM cloudtrail", "cloudtrail")
	add("_logs_records", "SELECT "+recordStruct(cols, nil)+" AS record, _object AS object FROM cloudtrail", "cloudtrail")
	add("logs", "SELECT _object AS object, list("+recordStruct(cols, nil)+" ORDER BY eventtimestamp, eventid) AS records FROM cloudtrail GROUP BY _object", "cloudtrail", "_logs_records")
	add(lakeView, lakeViewSQL(), "cloudtrail") // CloudTrail Lake's schema (lakedialect.go)
	for n, acct := range st.accountViews {
		add(n, "SELECT * FROM cloudtrail WHERE account = "+quoteString(acct), "cloudtrail")
	}
	return defs
}

// filesTable is the table of the lake's files and their partitions (see
// fillFiles) that SHOW PARTITIONS and the scan statistics read. Like the
// views, it is made when a statement first needs it, not at start-up.
const filesTable = "_trailsql_files"

// swapFiles are the statements that put the file list that fillFiles
// made in place of the previous one.
var swapFiles = []string{"DROP TABLE IF EXISTS " + filesTable, "ALTER TABLE " + filesNext + " RENAME TO " + filesTable}

// ensureViews creates the views among names that a statement reads, and
// the views they read, unless they exist for the lake state the engine
// has now; all of the lake's views when all is set (SHOW TABLES,
// DESCRIBE, the catalog).
func (e *Engine) ensureViews(ctx context.Context, c *sql.Conn, names []string, all bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if all {
		names = names[:0:0]
		for n := range e.views {
			names = append(names, n)
		}
		names = append(names, findingsTable, filesTable)
		sort.Strings(names)
	}
	var create func(n string) error
	create = func(n string) error {
		switch {
		case n == findingsTable:
			return e.createFindings(ctx, c) // findings.go: made again for every statement
		case n == filesTable && !e.made[n]:
			if err := fillFiles(ctx, c, e.state); err != nil {
				return err
			}
			for _, s := range swapFiles {
				if _, err := c.ExecContext(ctx, s); err != nil {
					return fmt.Errorf("cannot list the lake's files: %w", err)
				}
			}
			e.made[n] = true
			return nil
		}
		def, ok := e.views[n]
		if !ok || e.made[n] {
			return nil
		}
		for _, d := range def.deps {
			if err := create(d); err != nil {
				return err
			}
		}
		if err := e.ensureMacros(ctx, c, def.stmt); err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, def.stmt); err != nil {
			return fmt.Errorf("cannot create the view %s: %w", n, err)
		}
		e.made[n] = true
		return nil
	}
	for _, n := range names {
		if err := create(strings.ToLower(n)); err != nil {
			return err
		}
	}
	return nil
}

// filesNext is the table that fillFiles fills, which swapFiles then
// renames to _trailsql_files.
const filesNext = "_trailsql_files_next"

// fillFiles creates the table filesNext with a row per file and
// partition of st (NULL region and day when a bucket's file does not
// say), through DuckDB's appender: a statement of VALUES would take
// DuckDB longer to parse than the rest of the start-up.
func fillFiles(ctx context.Context, c *sql.Conn, st *lakeState) error {
	if _, err := c.ExecContext(ctx, "CREATE OR REPLACE TABLE "+filesNext+" (path VARCHAR, account VARCHAR, region VARCHAR, year VARCHAR, month VARCHAR, day VARCHAR, bytes BIGINT)"); err != nil {
		return fmt.Errorf("cannot list the lake's files: %w", err)
	}
	return c.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("not a DuckDB connection")
		}
		a, err := duckdb.NewAppenderFromConn(conn, "", filesNext)
		if err != nil {
			return fmt.Errorf("cannot list the lake's files: %w", err)
		}
		for _, f := range st.files {
			if f.parts == nil {
				err = a.AppendRow(f.path, f.dir.Account, nil, f.dir.Year, f.dir.Month, nil, f.size)
			}
			for _, p := range f.parts {
				if err != nil {
					break
				}
				err = a.AppendRow(f.path, p.Account, p.Region, p.Year, p.Month, p.Day, f.size)
			}
			if err != nil {
				a.Close()
				return fmt.Errorf("cannot list the lake's files: %w", err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("cannot list the lake's files: %w", err)
		}
		return nil
	})
}

// sourceSQL is the query that reads the given files of the lake: every
// column of the data files, then the partition columns. Files of the older
// layout take all five from their folders; a bucket's files take account,
// year and month from their folders and region and day from their rows.
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
		return "SELECT *, " + partitionAliasSQL + " FROM (SELECT " + strings.Join(parts, ", ") + " LIMIT 0)"
	}
	var old, buckets []string
	for _, f := range files {
		if f.bucket {
			buckets = append(buckets, quoteString(f.path))
		} else {
			old = append(old, quoteString(f.path))
		}
	}
	scan := func(paths []string, hive []string) string {
		types := make([]string, len(hive))
		for i, p := range hive {
			types[i] = quoteString(p) + ": VARCHAR"
		}
		return "SELECT * EXCLUDE (" + strings.Join(partitionColumns, ", ") + "), " + strings.Join(partitionColumns, ", ") + ", " + partitionAliasSQL +
			" FROM read_parquet([" + strings.Join(paths, ", ") + "], hive_partitioning = true, hive_types = {" + strings.Join(types, ", ") + "})"
	}
	var out []string
	if len(buckets) > 0 {
		out = append(out, scan(buckets, bucketColumns))
	}
	if len(old) > 0 {
		out = append(out, scan(old, partitionColumns))
	}
	return strings.Join(out, " UNION ALL ")
}

// bucketColumns are the partition columns that a bucket's folders name.
var bucketColumns = []string{"account", "year", "month"}

// dropViews returns the statements that drop the views created for the
// previous lake state, dependents first, and forgets them: each is created
// again, over the new state, when a statement reads it.
func (e *Engine) dropViews() []string {
	var first, last []string
	for n := range e.made {
		if n == "cloudtrail" || n == "_logs_records" {
			last = append(last, "DROP VIEW IF EXISTS "+n)
		} else {
			first = append(first, "DROP VIEW IF EXISTS "+n)
		}
	}
	sort.Strings(first)
	sort.Sort(sort.Reverse(sort.StringSlice(last))) // _logs_records before cloudtrail
	return append(first, last...)
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
