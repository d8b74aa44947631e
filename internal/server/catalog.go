package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/sqltree"
)

// tableJSON is one table with its columns.
type tableJSON struct {
	Name    string      `json:"name"`
	About   string      `json:"about,omitempty"`
	Columns []fieldJSON `json:"columns"`
}

// fieldJSON is a column, or a field of a row (struct) column: its name,
// Athena's type, and the fields of a row or of an array of rows.
type fieldJSON struct {
	Name   string      `json:"name"`
	Type   string      `json:"type"`
	Fields []fieldJSON `json:"fields,omitempty"`
}

func (s *Server) handleTables(w http.ResponseWriter, r *http.Request) error {
	cat, err := s.app.Tables(r.Context())
	if err != nil {
		return err
	}
	// The catalog has DuckDB's types; a query over each table has
	// Athena's, and the columns SELECT * gives (trailsql's helper columns
	// are left out). The views of cloudtrail have its columns.
	out := []tableJSON{}
	var events []fieldJSON
	for _, t := range cat.Tables {
		tj := tableJSON{Name: t.Name, About: t.About}
		if reEventTable.MatchString(t.Name) && events != nil {
			tj.Columns = events
			out = append(out, tj)
			continue
		}
		q, err := bindQuery("SELECT * FROM " + quoteName(t.Name) + " LIMIT 0")
		if err != nil {
			return err
		}
		res, err := s.app.Query(r.Context(), sqltree.Format(q))
		if err != nil {
			return fmt.Errorf("cannot describe table %s: %w", t.Name, err)
		}
		tj.Columns = []fieldJSON{}
		for _, c := range res.Columns {
			tj.Columns = append(tj.Columns, columnFields(c))
		}
		if t.Name == "cloudtrail" {
			events = tj.Columns
		}
		out = append(out, tj)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// quoteName quotes a table name for a query.
func quoteName(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func columnFields(c query.Column) fieldJSON {
	return fieldJSON{Name: c.Name, Type: c.Athena, Fields: rowFields(c.Athena)}
}

// rowFields returns the fields of Athena's type typ when it is a row, or
// an array of rows: row(a varchar, b row(c bigint)) has a and b, and b
// has c.
func rowFields(typ string) []fieldJSON {
	typ = strings.TrimSpace(typ)
	for {
		inner, ok := unwrapType(typ, "array")
		if !ok {
			break
		}
		typ = inner
	}
	inner, ok := unwrapType(typ, "row")
	if !ok {
		return nil
	}
	var out []fieldJSON
	for _, part := range splitTop(inner) {
		part = strings.TrimSpace(part)
		name, t, ok := strings.Cut(part, " ")
		if !ok {
			continue
		}
		name = strings.Trim(name, `"`)
		t = strings.TrimSpace(t)
		out = append(out, fieldJSON{Name: name, Type: t, Fields: rowFields(t)})
	}
	return out
}

// unwrapType returns X of kind(X).
func unwrapType(typ, kind string) (string, bool) {
	if !strings.HasPrefix(typ, kind+"(") || !strings.HasSuffix(typ, ")") {
		return "", false
	}
	return typ[len(kind)+1 : len(typ)-1], true
}

// splitTop splits s at the commas outside parentheses and double quotes.
func splitTop(s string) []string {
	var out []string
	depth, start, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func (s *Server) handleFunctions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, query.FunctionNames())
	return nil
}
