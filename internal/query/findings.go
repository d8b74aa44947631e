package query

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/trailsql/trailsql/internal/lake"
)

// FindingsDir is the folder, relative to a lake's folder, where package
// detect keeps the findings of the detection rules: files of JSON lines
// named *.jsonl, one object per finding (see detect.Finding). The findings
// table reads them.
var FindingsDir = filepath.Join(lake.MetaDir, "findings")

// findingsTable is the name of the table of findings.
const findingsTable = "findings"

// findingsColumns are the findings table's columns: the name in the
// files' JSON objects, the column's name and its DuckDB type.
var findingsColumns = [][3]string{
	{"rule_id", "rule_id", "VARCHAR"},
	{"title", "title", "VARCHAR"},
	{"level", "level", "VARCHAR"},
	{"tactics", "tactics", "VARCHAR[]"},
	{"techniques", "techniques", "VARCHAR[]"},
	{"first", "first", "TIMESTAMPTZ"},
	{"last", "last", "TIMESTAMPTZ"},
	{"account", "account", "VARCHAR"},
	{"region", "region", "VARCHAR"},
	{"principal", "principal", "VARCHAR"},
	{"source_ip", "source_ip", "VARCHAR"},
	{"event_ids", "event_ids", "VARCHAR[]"},
	{"events", "events", "BIGINT"},
	{"group", "grp", "VARCHAR"},
	{"key", "key", "VARCHAR"},
	{"detected", "detected", "TIMESTAMPTZ"},
}

// createFindings (re)creates the findings table from the findings files
// as they are now: the files change without the lake's data changing, so
// the table is made again for every statement that reads it. The files
// are read here rather than by DuckDB, whose access is limited to the
// lake's data folder.
func (e *Engine) createFindings(ctx context.Context, c *sql.Conn) error {
	lines, err := readFindingsLines(filepath.Join(e.dir, FindingsDir))
	if err != nil {
		return err
	}
	spec := make([]string, len(findingsColumns))
	defs := make([]string, len(findingsColumns))
	sel := make([]string, len(findingsColumns))
	for i, col := range findingsColumns {
		spec[i] = strconv.Quote(col[0]) + ": " + strconv.Quote(col[2])
		defs[i] = quoteIdent(col[1]) + " " + col[2]
		sel[i] = "s." + quoteIdent(col[0])
	}
	stmts := []string{
		"CREATE OR REPLACE TABLE " + findingsTable + " (" + strings.Join(defs, ", ") + ")",
	}
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("cannot create the findings table: %w", err)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	insert := "INSERT INTO " + findingsTable + " SELECT " + strings.Join(sel, ", ") +
		" FROM (SELECT json_transform(line, " + quoteString("{"+strings.Join(spec, ", ")+"}") + ") AS s" +
		" FROM (SELECT unnest(string_split(?, chr(10))) AS line) WHERE line <> '')"
	if _, err := c.ExecContext(ctx, insert, string(lines)); err != nil {
		return fmt.Errorf("cannot read the findings into the findings table: %w", err)
	}
	return nil
}

// readFindingsLines returns the lines of the findings files in dir,
// oldest file first; nothing when there is no such folder.
func readFindingsLines(dir string) ([]byte, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list the findings: %w", err)
	}
	var names []string
	for _, ent := range ents {
		n := ent.Name()
		if ent.Type().IsRegular() && !strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".jsonl") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var buf bytes.Buffer
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, fmt.Errorf("cannot read the findings: %w", err)
		}
		buf.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes(), nil
}
