package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/trailsql/trailsql/internal/lake"
)

// Options configure an Engine. The zero value takes the defaults.
type Options struct {
	// Timeout bounds each query (default 5 minutes; negative: no limit).
	Timeout time.Duration
	// MemoryLimit is DuckDB's memory limit, e.g. "2GB" (default "4GB").
	// A query that needs more fails with an out-of-memory error.
	MemoryLimit string
	// Threads is how many threads DuckDB runs a query with (default: the
	// number of CPUs).
	Threads int
	// Conns is how many queries can run at once (default 4).
	Conns int
	// MaxRows is how many rows a Result holds at most; the rest are not
	// read and Result.Truncated is set (default 1,000,000; negative: no
	// limit).
	MaxRows int
	// Now is the time that now(), current_timestamp and current_date stand
	// for in a query (default time.Now). It is read once per query.
	Now func() time.Time
	// TempDir is where DuckDB may spill data that does not fit in
	// MemoryLimit (default: nowhere; such queries fail).
	TempDir string
}

// DefaultTimeout and DefaultMemoryLimit are the limits of a query unless
// Options say otherwise.
const (
	DefaultTimeout     = 5 * time.Minute
	DefaultMemoryLimit = "4GB"
)

var memoryLimitPattern = regexp.MustCompile(`^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Validate reports every problem in o.
func (o Options) Validate() error {
	_, err := o.withDefaults()
	return err
}

// withDefaults returns a copy of o with the defaults filled in, and every
// problem found in o.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MemoryLimit == "" {
		o.MemoryLimit = DefaultMemoryLimit
	} else if !memoryLimitPattern.MatchString(o.MemoryLimit) {
		errs = append(errs, fmt.Errorf("memory limit %q is not a size like 512MB or 4GB", o.MemoryLimit))
	}
	if o.Threads < 0 || o.Conns < 0 {
		errs = append(errs, errors.New("threads and connections cannot be negative"))
	}
	if o.Threads == 0 {
		o.Threads = runtime.NumCPU()
	}
	if o.Conns == 0 {
		o.Conns = 4
	}
	if o.MaxRows == 0 {
		o.MaxRows = 1_000_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TempDir != "" {
		abs, err := filepath.Abs(o.TempDir)
		if err != nil {
			errs = append(errs, fmt.Errorf("temp dir %q: %w", o.TempDir, err))
		}
		o.TempDir = abs
	}
	return o, errors.Join(errs...)
}

// Engine answers queries about one lake. It is safe for concurrent use:
// up to Options.Conns queries run at once, the others wait.
type Engine struct {
	dir   string // the lake folder, absolute
	opts  Options
	db    *sql.DB
	all   []*sql.Conn
	conns chan *sql.Conn

	mu    sync.Mutex // guards state, stamp, views and made, and serialises refreshes
	state *lakeState
	stamp string
	views map[string]viewDef // the lake's views over state
	made  map[string]bool    // ... that exist (see ensureViews)

	macroMu    sync.Mutex          // guards macrosMade
	macros     map[string]macroDef // the Athena functions that are macros
	macrosMade map[string]bool     // ... that exist (see ensureMacros)

	sizes colSizes // the column sizes of the lake's files

	noPrune  bool  // tests: run every query over the whole views
	topBatch int64 // tests: the rows a first top-N probe reads (0: the default)
}

// Open opens the lake at lakeDir for querying: it starts an in-memory
// DuckDB, creates the views over the lake's files, and locks DuckDB's
// configuration. The lake may be empty; it must exist.
func Open(ctx context.Context, lakeDir string, opts Options) (*Engine, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("cannot open query engine: %w", err)
	}
	dir, err := filepath.Abs(lakeDir)
	if err != nil {
		return nil, fmt.Errorf("cannot open lake %s: %w", lakeDir, err)
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("cannot open lake %s: no such folder (build it with 'trailsql ingest SOURCE --lake %s')", lakeDir, lakeDir)
	}
	connector, err := duckdb.NewConnector("?autoinstall_known_extensions=false&autoload_known_extensions=false", nil)
	if err != nil {
		return nil, fmt.Errorf("cannot start DuckDB: %w", err)
	}
	e := &Engine{dir: dir, opts: opts, db: sql.OpenDB(connector), conns: make(chan *sql.Conn, opts.Conns)}
	if err := e.setup(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// setup configures DuckDB, creates the macros and views, and locks the
// configuration.
func (e *Engine) setup(ctx context.Context) error {
	for range e.opts.Conns {
		c, err := e.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("cannot connect to DuckDB: %w", err)
		}
		e.all = append(e.all, c)
	}
	first := e.all[0]
	allowed := []string{quoteString(filepath.Join(e.dir, lake.Table) + string(filepath.Separator))}
	temp := "''"
	if e.opts.TempDir != "" {
		allowed = append(allowed, quoteString(e.opts.TempDir+string(filepath.Separator)))
		temp = quoteString(e.opts.TempDir)
	}
	global := []string{
		fmt.Sprintf("SET threads = %d", e.opts.Threads),
		"SET memory_limit = " + quoteString(e.opts.MemoryLimit),
		"SET temp_directory = " + temp,
		"SET allowed_directories = [" + strings.Join(allowed, ", ") + "]",
		"SET enable_external_access = false",
		"SET allow_community_extensions = false",
		"SET TimeZone = 'UTC'",
		// Read the files at every query, so that the bytes a query scans
		// are counted (the operating system caches them anyway).
		"SET enable_external_file_cache = false",
		"SET parquet_metadata_cache = true",
	}
	for _, s := range global {
		if _, err := first.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("cannot configure DuckDB (%s): %w", s, err)
		}
	}
	e.macros, e.macrosMade = macroDefs(), map[string]bool{}
	if err := e.refresh(ctx, first, true); err != nil {
		return err
	}
	session := []string{
		"SET integer_division = true",
		"SET TimeZone = 'UTC'",
		"SET enable_profiling = 'no_output'",
		"SET profiling_coverage = 'SELECT'",
		"SET profiling_mode = 'standard'",
	}
	for _, c := range e.all {
		for _, s := range session {
			if _, err := c.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("cannot configure DuckDB (%s): %w", s, err)
			}
		}
	}
	if _, err := first.ExecContext(ctx, "SET lock_configuration = true"); err != nil {
		return fmt.Errorf("cannot lock DuckDB's configuration: %w", err)
	}
	for _, c := range e.all {
		e.conns <- c
	}
	return nil
}

// Close releases the engine. Queries still running fail.
func (e *Engine) Close() error {
	for _, c := range e.all {
		c.Close()
	}
	e.all = nil
	return e.db.Close()
}

// Dir is the lake folder the engine reads.
func (e *Engine) Dir() string { return e.dir }

// acquire takes a connection, waiting for one if all are in use.
func (e *Engine) acquire(ctx context.Context) (*sql.Conn, error) {
	select {
	case c := <-e.conns:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (e *Engine) release(c *sql.Conn) { e.conns <- c }

// Refresh lists the lake's files again and rebuilds the views if they
// changed. Query does this by itself when the lake's metadata changed.
func (e *Engine) Refresh(ctx context.Context) error {
	c, err := e.acquire(ctx)
	if err != nil {
		return err
	}
	defer e.release(c)
	return e.refresh(ctx, c, true)
}

// refresh rebuilds the views on c if the lake changed since they were
// built (always when force is set).
func (e *Engine) refresh(ctx context.Context, c *sql.Conn, force bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	stamp := lakeStamp(e.dir)
	if !force && e.state != nil && stamp == e.stamp {
		return nil
	}
	st, err := listLake(e.dir)
	if err != nil {
		return err
	}
	if e.state != nil && st.sig == e.state.sig {
		e.stamp = stamp
		return nil
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("cannot update the lake's views: %w", err)
	}
	for _, s := range append(e.dropViews(), "DROP TABLE IF EXISTS "+filesTable) {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			tx.Rollback()
			return fmt.Errorf("cannot create the lake's views: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("cannot update the lake's views: %w", err)
	}
	e.state, e.stamp = st, stamp
	e.views, e.made = viewDefs(st), map[string]bool{}
	return nil
}

// snapshot returns the lake state the views were last built from.
func (e *Engine) snapshot() *lakeState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state
}

// Query runs one query, in Athena's dialect (see Translate), with args
// bound to its ? parameters, and returns all its rows (up to
// Options.MaxRows; Result.Truncated says when there were more) with scan
// statistics. It collects what Stream yields.
func (e *Engine) Query(ctx context.Context, query string, args ...any) (*Result, error) {
	var rows [][]any
	res, err := e.each(ctx, query, args, &sink{row: func(r []any) error {
		rows = append(rows, r)
		return nil
	}})
	if err != nil {
		return nil, err
	}
	res.Rows = rows
	return res, nil
}

// sink receives a query's answer as it is read: its columns once, before
// the first row, then each row (a new slice, the sink's to keep). An error
// of a sink ends the query and is returned as it is.
type sink struct {
	columns func([]Column) error
	row     func([]any) error

	started bool  // columns were handed over: the query cannot be run again
	rows    int64 // rows handed over
	err     error // the sink's error that ended the query
}

// each runs one query and hands its answer to s. It returns the Result
// without rows: columns, Truncated, scan statistics and the SQL that ran.
func (e *Engine) each(ctx context.Context, query string, args []any, s *sink) (*Result, error) {
	res, err := e.answer(ctx, query, args, s)
	if err != nil {
		return nil, locateError(query, err)
	}
	return res, nil
}

// answer is each, with errors not yet located in the user's SQL.
func (e *Engine) answer(ctx context.Context, query string, args []any, s *sink) (*Result, error) {
	start := time.Now()
	// Parse before anything else: a syntax error or a statement that is
	// not a query needs no connection.
	p, err := parseSQL(query)
	if err != nil {
		return nil, err
	}
	if e.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.opts.Timeout)
		defer cancel()
	}
	c, err := e.acquire(ctx)
	if err != nil {
		return nil, e.queryError(ctx, err)
	}
	defer e.release(c)
	if err := e.refresh(ctx, c, false); err != nil {
		return nil, err
	}
	if err := e.ensureViews(ctx, c, p.tables, p.allTables); err != nil {
		return nil, e.queryError(ctx, err)
	}
	// A query that failed before its first row was handed over can run
	// again; one that handed rows over cannot.
	retry := func(err error) bool { return err != nil && ctx.Err() == nil && !s.started }
	topts := TranslateOptions{Now: e.opts.Now(), AccountViews: e.snapshot().accountViews}
	res, err := e.run(ctx, c, p, args, topts, s)
	if retry(err) && isMissingFile(err) {
		// A compaction replaced files since the views were built.
		if rerr := e.refresh(ctx, c, true); rerr == nil && e.ensureViews(ctx, c, p.tables, p.allTables) == nil {
			topts.AccountViews = e.snapshot().accountViews
			res, err = e.run(ctx, c, p, args, topts, s)
		}
	}
	if retry(err) && strings.Contains(err.Error(), "Could not find key") {
		// A record key the rewrite of logs/UNNEST did not see: build the
		// whole record.
		topts.FullRecords = true
		if r2, err2 := e.run(ctx, c, p, args, topts, s); err2 == nil || s.started {
			res, err = r2, err2
		}
	}
	if retry(err) && strings.Contains(err.Error(), "eventtimestamp") {
		// from_iso8601_timestamp(eventtime) on an eventtime that is not the
		// table's column: translate it literally.
		topts.KeepEventTime = true
		if r2, err2 := e.run(ctx, c, p, args, topts, s); err2 == nil || s.started {
			res, err = r2, err2
		}
	}
	if err != nil {
		if s.err != nil && errors.Is(err, s.err) && ctx.Err() == nil {
			return nil, s.err
		}
		return nil, e.queryError(ctx, err)
	}
	res.Stats.Wall = time.Since(start)
	return res, nil
}

// queryError turns an error of a query into one clear line.
func (e *Engine) queryError(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("query: timed out after %s (raise the timeout with --timeout): %w", e.opts.Timeout, context.DeadlineExceeded)
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("query: canceled: %w", context.Canceled)
	}
	return cleanError(err, e.snapshot())
}

func isMissingFile(err error) bool {
	s := err.Error()
	return strings.Contains(s, "No files found") || strings.Contains(s, "No such file") || strings.Contains(s, "Cannot open file")
}

// run translates, checks and runs one parsed query on c.
func (e *Engine) run(ctx context.Context, c *sql.Conn, p *parsed, args []any, topts TranslateOptions, s *sink) (*Result, error) {
	text, marks, err := translateMarked(p.text, topts) // marks: where the lake tables are, for pruneQuery
	if err != nil {
		return nil, err
	}
	if err := checkQuery(ctx, c, text); err != nil {
		return nil, err
	}
	if err := e.ensureMacros(ctx, c, text); err != nil {
		return nil, err
	}
	res := &Result{SQL: text}
	st := e.snapshot()
	pruned, lists := text, [][]dataFile(nil)
	if !e.noPrune {
		probe := func(ctx context.Context, q string) (n int64, v sql.NullString, err error) {
			err = c.QueryRowContext(ctx, q).Scan(&n, &v)
			return n, v, err
		}
		pruned, lists = pruneQuery(ctx, marks, pruner{st: st, probe: probe, batch: e.topBatch, keepEventTime: topts.KeepEventTime})
	}
	ran := ""
	err = c.Raw(func(dc any) error {
		conn, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("BUG: driver connection is %T", dc)
		}
		var err error
		ran, err = e.execute(ctx, conn, pruned, args, p.names, res, s)
		return err
	})
	if err != nil {
		return nil, err
	}
	if info, perr := duckdb.GetProfilingInfo(c); perr == nil && info.Metrics["QUERY_NAME"] == ran {
		files := func() error { return e.ensureViews(ctx, c, []string{filesTable}, false) }
		res.Stats = scanStats(ctx, c, st, info, &e.sizes, lists, files)
	} else {
		res.Stats = footerStats(st, lists)
		if len(lists) == 0 {
			res.Stats.Partitions = -1 // no profile: cannot tell
		}
	}
	res.Stats.Rows = s.rows
	return res, nil
}

// execute prepares text on conn, checks that it is a query, and hands its
// columns and rows to s as DuckDB's driver returns them, naming the
// columns names (Athena's names, see outputNames) when there are as many.
// It reads at most Options.MaxRows rows and sets res.Truncated when there
// were more. It returns the SQL it ran (text, or text wrapped to turn
// nested values into JSON and to stop DuckDB after the row cap).
func (e *Engine) execute(ctx context.Context, conn *duckdb.Conn, text string, args []any, names []string, res *Result, s *sink) (string, error) {
	ran := text
	ds, err := prepare(conn, text)
	if err != nil {
		return ran, err
	}
	typ, err := ds.StatementType()
	if err != nil {
		ds.Close()
		return ran, err
	}
	if typ != duckdb.STATEMENT_TYPE_SELECT && typ != duckdb.STATEMENT_TYPE_EXPLAIN {
		ds.Close()
		return ran, &RefusedError{Statement: "this statement", Reason: "only queries (SELECT, WITH, VALUES, EXPLAIN, SHOW, DESCRIBE) run"}
	}
	n, err := ds.ColumnCount()
	if err != nil {
		ds.Close()
		return ran, err
	}
	kinds := make([]valueKind, n)
	exprs := make([]string, n)
	wrap := false
	var cols []Column
	for i := range n {
		name, _ := ds.ColumnName(i)
		info, err := ds.ColumnTypeInfo(i)
		if err != nil {
			ds.Close()
			return ran, err
		}
		col := columnName(name, i)
		if len(names) == n {
			col = names[i]
		}
		cols = append(cols, Column{Name: col, Type: typeName(info), Athena: athenaType(info)})
		expr, kind := columnWrap(info, i+1)
		kinds[i] = kind
		if expr == "" {
			exprs[i] = fmt.Sprintf("#%d", i+1)
		} else {
			exprs[i] = expr
			wrap = true
		}
		exprs[i] += " AS " + quoteIdent(name)
	}
	maxRows := e.opts.MaxRows
	if (wrap || maxRows > 0) && typ == duckdb.STATEMENT_TYPE_SELECT {
		// The cap goes into the query, so that DuckDB stops producing rows
		// after it (one more row tells that there were more).
		ds.Close()
		ran = "SELECT " + strings.Join(exprs, ", ") + " FROM (\n" + text + "\n) AS _q"
		if maxRows > 0 {
			ran += fmt.Sprintf("\nLIMIT %d", maxRows+1)
		}
		ds, err = prepare(conn, ran)
		if err != nil {
			return ran, err
		}
	}
	defer ds.Close()
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv := driver.NamedValue{Ordinal: i + 1, Value: a}
		if err := conn.CheckNamedValue(&nv); errors.Is(err, driver.ErrSkip) {
			v, err := driver.DefaultParameterConverter.ConvertValue(a)
			if err != nil {
				return ran, fmt.Errorf("query: parameter %d: %w", i+1, err)
			}
			nv.Value = v
		} else if err != nil {
			return ran, fmt.Errorf("query: parameter %d: %w", i+1, err)
		}
		named[i] = nv
	}
	rows, err := ds.QueryContext(ctx, named)
	if err != nil {
		return ran, err
	}
	defer rows.Close()
	res.Columns = cols
	s.started = true
	if s.columns != nil {
		if err := s.columns(cols); err != nil {
			s.err = err
			return ran, err
		}
	}
	dest := make([]driver.Value, n)
	for {
		if err := rows.Next(dest); err != nil {
			if errors.Is(err, io.EOF) {
				return ran, nil
			}
			return ran, err
		}
		if maxRows > 0 && s.rows >= int64(maxRows) {
			res.Truncated = true
			return ran, nil
		}
		if s.rows%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return ran, err
			}
		}
		row := make([]any, n)
		for i, v := range dest {
			row[i] = convertValue(v, kinds[i])
		}
		if err := s.row(row); err != nil {
			s.err = err
			return ran, err
		}
		s.rows++
	}
}

// columnName is the name Athena gives a result column when the syntax
// tree cannot tell (a * over a subquery, SHOW, EXPLAIN): DuckDB's name for
// a column or alias in lower case, and _col<i> for an expression without
// an alias (which DuckDB names after its text, e.g. count_star()).
func columnName(name string, i int) string {
	if name == "" || strings.ContainsAny(name, "()'[]:") || name[0] >= '0' && name[0] <= '9' || strings.Contains(name, " + ") || strings.Contains(name, " - ") || strings.Contains(name, " || ") {
		return fmt.Sprintf("_col%d", i)
	}
	return strings.ToLower(name)
}

// prepare prepares exactly one statement (never running any).
func prepare(conn *duckdb.Conn, text string) (*duckdb.Stmt, error) {
	st, err := conn.Prepare(text)
	if err != nil {
		return nil, err
	}
	ds, ok := st.(*duckdb.Stmt)
	if !ok {
		st.Close()
		return nil, fmt.Errorf("BUG: prepared statement is %T", st)
	}
	return ds, nil
}
