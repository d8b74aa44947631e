package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"regexp"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// scan is what DuckDB's profiler says about one Parquet scan of a query.
type scan struct {
	read    int      // files opened
	kept    int      // files left after partition pruning (-1: all)
	total   int      // files before pruning (-1: all of the lake's)
	filters []string // the partition predicates that pruned files
	files   []string // the files left after pruning, when the profiler lists them all
}

var (
	reFilesRead = regexp.MustCompile(`Total Files Read=(\d+)`)
	reScanning  = regexp.MustCompile(`Scanning Files=(\d+)/(\d+)`)
	reFilters   = regexp.MustCompile(`File Filters='((?:[^'\\]|\\.)*)'`)
	reFilenames = regexp.MustCompile(`'Filename\(s\)'='((?:[^'\\]|\\.)*)'`)
)

// scans collects the Parquet scans of a profiled query.
func scans(info duckdb.ProfilingInfo, out []scan) []scan {
	x := info.Metrics["EXTRA_INFO"]
	if info.Metrics["OPERATOR_TYPE"] == "TABLE_SCAN" && strings.Contains(x, "READ_PARQUET") {
		s := scan{kept: -1, total: -1}
		if m := reFilesRead.FindStringSubmatch(x); m != nil {
			s.read, _ = strconv.Atoi(m[1])
		}
		if m := reScanning.FindStringSubmatch(x); m != nil {
			s.kept, _ = strconv.Atoi(m[1])
			s.total, _ = strconv.Atoi(m[2])
		}
		// The profiler counts the files a scan finished; a LIMIT can stop
		// it inside one, which it then does not count.
		if rows, _ := strconv.ParseInt(info.Metrics["OPERATOR_CARDINALITY"], 10, 64); rows > 0 && (s.kept < 0 || s.read < s.kept) {
			s.read++
		}
		if m := reFilters.FindStringSubmatch(x); m != nil {
			s.filters = splitGroups(unescape(m[1]))
		}
		if m := reFilenames.FindStringSubmatch(x); m != nil {
			names := unescape(m[1])
			if !strings.HasSuffix(names, "...") {
				for _, f := range strings.Split(names, ", ") {
					if f != "" {
						s.files = append(s.files, f)
					}
				}
			}
		}
		out = append(out, s)
	}
	for _, c := range info.Children {
		out = scans(c, out)
	}
	return out
}

// unescape undoes the profiler's quoting of a value (\' and \\).
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// splitGroups splits "(a)(b)" into "(a)" and "(b)", respecting quotes.
func splitGroups(s string) []string {
	var out []string
	depth, start := 0, 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			if depth == 0 {
				start = i
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				out = append(out, s[start:i+1])
			}
		}
	}
	if depth != 0 || inQuote {
		return []string{"(" + s + ")"}
	}
	return out
}

// scanStats computes a query's statistics from DuckDB's profile.
func scanStats(ctx context.Context, c *sql.Conn, st *lakeState, info duckdb.ProfilingInfo) Stats {
	s := Stats{PartitionsTotal: st.partitions}
	s.Bytes, _ = strconv.ParseInt(info.Metrics["TOTAL_BYTES_READ"], 10, 64)
	list := scans(info, nil)
	for i, sc := range list {
		if sc.total < 0 {
			list[i].total = len(st.files)
		}
		if sc.kept < 0 {
			list[i].kept = list[i].total
		}
		s.Files += sc.read
		s.FilesTotal += list[i].total
	}
	if len(list) == 0 {
		return s
	}
	s.Partitions = partitionsRead(ctx, c, st, list)
	return s
}

// partitionsRead counts the partitions that the scans' partition
// predicates left (whether or not a LIMIT stopped the scan before it read
// them all): from the files the profiler names when it names them all,
// else by evaluating the predicates over the lake's file list. It returns
// -1 when it cannot tell.
func partitionsRead(ctx context.Context, c *sql.Conn, st *lakeState, list []scan) int {
	byPath := make(map[string]int, len(st.files))
	for i, f := range st.files {
		byPath[f.path] = i
	}
	exact := true
	parts := map[any]bool{}
	for _, sc := range list {
		if sc.kept == 0 {
			continue
		}
		if len(sc.files) != sc.kept {
			exact = false
			break
		}
		for _, f := range sc.files {
			i, ok := byPath[f]
			if !ok {
				exact = false
				break
			}
			parts[st.files[i].part] = true
		}
	}
	if exact {
		return len(parts)
	}
	var conds []string
	want := 0
	for _, sc := range list {
		if sc.kept == 0 {
			continue
		}
		want += sc.kept
		if len(sc.filters) == 0 {
			conds = append(conds, "true")
			continue
		}
		conds = append(conds, "("+strings.Join(sc.filters, " AND ")+")")
	}
	if len(conds) == 0 {
		return 0
	}
	q := "SELECT count(*), count(DISTINCT (account, region, year, month, day)) FROM _trailsql_files WHERE " + strings.Join(conds, " OR ")
	// The predicates are DuckDB's rendering of the user's: run them as
	// carefully as a query.
	if checkQuery(ctx, c, q) != nil {
		return -1
	}
	var files, n int64
	err := c.Raw(func(dc any) error {
		conn, ok := dc.(*duckdb.Conn)
		if !ok {
			return errors.New("not a DuckDB connection")
		}
		ds, err := prepare(conn, q)
		if err != nil {
			return err
		}
		defer ds.Close()
		if typ, err := ds.StatementType(); err != nil || typ != duckdb.STATEMENT_TYPE_SELECT {
			return errors.New("not a query")
		}
		rows, err := ds.QueryContext(ctx, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, 2)
		if err := rows.Next(dest); err != nil {
			return err
		}
		files, _ = dest[0].(int64)
		n, _ = dest[1].(int64)
		return nil
	})
	if err != nil {
		return -1
	}
	if len(list) == 1 && files != int64(want) {
		return -1
	}
	return int(n)
}
