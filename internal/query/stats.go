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
	rows    int64    // rows the scan produced
	read    int      // files opened
	kept    int      // files left after partition pruning (-1: all)
	total   int      // files before pruning (-1: all of the lake's)
	filters []string // the partition predicates that pruned files
	files   []string // the files left after pruning, when the profiler lists them all
	columns []string // the columns read (lower case; struct fields as a.b)
	fetch   bool     // fetches the rows another scan found (late materialisation)
}

var (
	reFilesRead   = regexp.MustCompile(`Total Files Read=(\d+)`)
	reScanning    = regexp.MustCompile(`Scanning Files=(\d+)/(\d+)`)
	reFilters     = regexp.MustCompile(`File Filters='((?:[^'\\]|\\.)*)'`)
	reFilenames   = regexp.MustCompile(`'Filename\(s\)'='((?:[^'\\]|\\.)*)'`)
	reProjQuoted  = regexp.MustCompile(`Projections='((?:[^'\\]|\\.)*)'`)
	reProjPlain   = regexp.MustCompile(`Projections=([^,']*)`)
	reScanFilters = regexp.MustCompile(`(?:^|[{ ])Filters='((?:[^'\\]|\\.)*)'`)
)

// filterColumns returns the columns (and struct fields, as a.b) that the
// filter expressions of a scan name.
func filterColumns(expr string) []string {
	toks, _ := lex(expr)
	var out []string
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tokIdent && toks[i].kind != tokQIdent {
			continue
		}
		path := strings.ToLower(toks[i].name())
		j := i + 1
		for j+1 < len(toks) && toks[j].is(".") && (toks[j+1].kind == tokIdent || toks[j+1].kind == tokQIdent) {
			path += "." + strings.ToLower(toks[j+1].name())
			j += 2
		}
		if j < len(toks) && toks[j].is("(") {
			i = j
			continue // a function
		}
		out = append(out, path)
		i = j - 1
	}
	return out
}

// scans collects the Parquet scans of a profiled query.
func scans(info duckdb.ProfilingInfo, out []scan) []scan {
	x := info.Metrics["EXTRA_INFO"]
	if info.Metrics["OPERATOR_TYPE"] == "TABLE_SCAN" && strings.Contains(x, "READ_PARQUET") {
		s := scan{kept: -1, total: -1, fetch: strings.Contains(x, "file_row_number")}
		if m := reFilesRead.FindStringSubmatch(x); m != nil {
			s.read, _ = strconv.Atoi(m[1])
		}
		if m := reScanning.FindStringSubmatch(x); m != nil {
			s.kept, _ = strconv.Atoi(m[1])
			s.total, _ = strconv.Atoi(m[2])
		}
		s.rows, _ = strconv.ParseInt(info.Metrics["OPERATOR_CARDINALITY"], 10, 64)
		proj := ""
		if m := reProjQuoted.FindStringSubmatch(x); m != nil {
			proj = unescape(m[1])
		} else if m := reProjPlain.FindStringSubmatch(x); m != nil {
			proj = m[1]
		}
		for _, p := range strings.Split(proj, "\n") {
			if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
				s.columns = append(s.columns, strings.ReplaceAll(p, `"`, ""))
			}
		}
		if m := reScanFilters.FindStringSubmatch(x); m != nil {
			s.columns = append(s.columns, filterColumns(unescape(m[1]))...)
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

// scanStats computes a query's statistics from DuckDB's profile: files
// and partitions from the scans' file lists and partition predicates,
// bytes from the Parquet footers of the files read (the compressed size
// of the columns read; row groups that statistics let DuckDB skip are
// counted, and a scan that a LIMIT stopped early is counted in proportion
// to the files it opened).
//
// lists are the file lists that pruning gave the tables it rewrote (see
// pruneQuery): a scan of one of them reads a table of the whole lake.
func scanStats(ctx context.Context, c *sql.Conn, st *lakeState, info duckdb.ProfilingInfo, cs *colSizes, lists [][]dataFile, ensureFiles func() error) Stats {
	s := Stats{PartitionsTotal: st.partitions}
	list := scans(info, nil)
	if len(list) == 0 {
		return footerStats(st, lists)
	}
	byPath := make(map[string]int, len(st.files))
	for i, f := range st.files {
		byPath[f.path] = i
	}
	parts := map[any]bool{}
	partsKnown := true
	used := make([]bool, len(lists))
	for _, sc := range list {
		fetch := sc.fetch
		var pruned []dataFile // the files pruning left this scan, if it did
		for k, l := range lists {
			if used[k] || fetch || sc.total >= 0 && sc.total != len(l) || len(sc.files) > 0 && !hasFile(l, sc.files[0]) {
				continue
			}
			used[k], pruned = true, l
			if sc.kept < 0 {
				sc.kept = len(l)
			}
			sc.total = len(st.files)
			break
		}
		if sc.total < 0 {
			sc.total = len(st.files)
		}
		if sc.kept < 0 {
			sc.kept = sc.total
		}
		// The profiler counts the files a scan finished; a LIMIT can stop
		// it inside one, which it then does not count.
		if sc.rows > 0 && sc.read < sc.kept {
			sc.read++
		}
		if !fetch {
			s.Files += sc.read
			s.FilesTotal += sc.total
		}
		files, ok := candidates(ctx, c, st, sc, byPath, pruned, ensureFiles)
		if !ok {
			partsKnown = false
			continue
		}
		narrowed := map[string]dataFile{} // pruning's view of the files it kept
		for _, f := range pruned {
			narrowed[f.path] = f
		}
		var size int64
		for _, i := range files {
			if !fetch {
				if f, ok := narrowed[st.files[i].path]; ok {
					addParts(parts, f)
				} else {
					addParts(parts, st.files[i])
				}
			}
			size += st.files[i].size
		}
		if sc.kept > 0 && sc.read < sc.kept {
			size = size * int64(sc.read) / int64(sc.kept)
		}
		if share, ok := cs.share(st, sc.columns); ok {
			s.Bytes += int64(float64(size) * share)
		}
	}
	s.Partitions = len(parts)
	if !partsKnown {
		s.Partitions = -1
	}
	return s
}

// footerStats are the statistics of a query that scanned nothing: DuckDB
// answered from the Parquet footers of the files that pruning left (the
// count(*) of one file, say), if any.
func footerStats(st *lakeState, lists [][]dataFile) Stats {
	s := Stats{PartitionsTotal: st.partitions}
	parts := map[any]bool{}
	for _, l := range lists {
		s.Files += len(l)
		s.FilesTotal += len(st.files)
		for _, f := range l {
			addParts(parts, f)
		}
	}
	s.Partitions = len(parts)
	return s
}

// addParts adds the partitions of f to set (its folder's, when they are
// not known).
func addParts(set map[any]bool, f dataFile) {
	if f.parts == nil {
		set[f.dir] = true
	}
	for _, p := range f.parts {
		set[p] = true
	}
}

func hasFile(files []dataFile, path string) bool {
	for _, f := range files {
		if f.path == path {
			return true
		}
	}
	return false
}

// candidates returns the files (indexes into st.files) that a scan's
// partition predicates left: the files the profiler names when it names
// them all, else the files of the lake's list that the predicates select.
func candidates(ctx context.Context, c *sql.Conn, st *lakeState, sc scan, byPath map[string]int, pruned []dataFile, ensureFiles func() error) ([]int, bool) {
	if sc.kept == 0 {
		return nil, true
	}
	var in map[string]bool // the files pruning left, if it did
	if pruned != nil {
		if sc.kept == len(pruned) {
			out := make([]int, 0, len(pruned))
			for _, f := range pruned {
				out = append(out, byPath[f.path])
			}
			return out, true
		}
		if len(sc.filters) == 0 {
			return nil, false
		}
		in = make(map[string]bool, len(pruned))
		for _, f := range pruned {
			in[f.path] = true
		}
	}
	if len(sc.files) == sc.kept {
		out := make([]int, 0, len(sc.files))
		for _, f := range sc.files {
			i, ok := byPath[f]
			if !ok {
				return nil, false
			}
			out = append(out, i)
		}
		return out, true
	}
	if len(sc.filters) == 0 {
		if sc.kept != len(st.files) {
			return nil, false
		}
		out := make([]int, len(st.files))
		for i := range out {
			out[i] = i
		}
		return out, true
	}
	// The file table is made when a statement first needs it.
	if ensureFiles() != nil {
		return nil, false
	}
	q := "SELECT DISTINCT path FROM " + filesTable + " WHERE " + strings.Join(sc.filters, " AND ")
	// The predicates are DuckDB's rendering of the user's: run them as
	// carefully as a query.
	if checkQuery(ctx, c, q) != nil {
		return nil, false
	}
	var out []int
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
		dest := make([]driver.Value, 1)
		for rows.Next(dest) == nil {
			p, _ := dest[0].(string)
			if in != nil && !in[p] {
				continue
			}
			i, ok := byPath[p]
			if !ok {
				return errors.New("unknown file")
			}
			out = append(out, i)
		}
		return nil
	})
	if err != nil || len(out) != sc.kept {
		return nil, false
	}
	return out, true
}
