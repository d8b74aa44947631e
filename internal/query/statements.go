package query

import (
	"fmt"
	"strings"
)

// RefusedError is returned for a statement that trailsql does not run
// because it is not a read-only query over the lake: COPY, ATTACH,
// INSTALL, SET, CREATE, more than one statement, a table function that
// reads other files, and so on.
type RefusedError struct {
	// Statement names what was refused, e.g. "COPY".
	Statement string
	// Reason says why, and what to do instead.
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("query: %s is not allowed: %s", e.Statement, e.Reason)
}

// UnsupportedError is returned for an Athena construct that trailsql
// cannot run; Instead says what to write instead.
type UnsupportedError struct {
	Construct string
	Instead   string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("query: %s is not supported by trailsql; %s", e.Construct, e.Instead)
}

// IsRefused reports whether err is (or wraps) a *RefusedError.
func IsRefused(err error) bool {
	_, ok := asError[*RefusedError](err)
	return ok
}

// IsUnsupported reports whether err is (or wraps) an *UnsupportedError.
func IsUnsupported(err error) bool {
	_, ok := asError[*UnsupportedError](err)
	return ok
}

const (
	readOnly   = "trailsql queries only read the lake; to save a result use 'trailsql query --format csv|json --output FILE'"
	builtIn    = "the tables are built in (see 'trailsql tables') and new partitions are found at every query"
	noSettings = "settings cannot be changed from a query; use the flags of 'trailsql query' (--timeout, --memory-limit)"
)

// refuseStatement is the error for a statement that is not a query;
// words are its leading keywords, upper case.
func refuseStatement(words []string) error {
	head := ""
	if len(words) > 0 {
		head = words[0]
	}
	two := strings.Join(words[:min(2, len(words))], " ")
	switch head {
	case "MSCK":
		return &UnsupportedError{Construct: "MSCK REPAIR TABLE", Instead: "it is not needed: " + builtIn}
	case "ALTER":
		if len(words) > 1 && words[1] == "TABLE" {
			return &UnsupportedError{Construct: "ALTER TABLE", Instead: "it is not needed: " + builtIn}
		}
		return &RefusedError{Statement: two, Reason: readOnly}
	case "CREATE", "DROP", "INSERT", "UPDATE", "DELETE", "MERGE", "UNLOAD", "TRUNCATE", "REPLACE", "UPSERT":
		if head == "CREATE" && strings.Contains(strings.Join(words, " "), "TABLE") {
			return &RefusedError{Statement: two, Reason: readOnly + "; " + builtIn}
		}
		return &RefusedError{Statement: two, Reason: readOnly}
	case "COPY", "EXPORT", "IMPORT":
		return &RefusedError{Statement: head, Reason: readOnly}
	case "ATTACH", "DETACH", "USE":
		return &RefusedError{Statement: head, Reason: "queries read the lake and nothing else"}
	case "INSTALL", "LOAD", "FORCE", "UPDATE EXTENSIONS":
		return &RefusedError{Statement: strings.Join(words, " "), Reason: "extensions cannot be installed or loaded (json, parquet and icu are built in)"}
	case "SET", "RESET", "PRAGMA", "CALL":
		return &RefusedError{Statement: head, Reason: noSettings}
	case "PREPARE", "EXECUTE", "DEALLOCATE":
		return &RefusedError{Statement: head, Reason: "pass parameters with '?' and the query's arguments instead"}
	case "BEGIN", "COMMIT", "ROLLBACK", "START", "END", "ABORT", "CHECKPOINT", "VACUUM", "ANALYZE", "SUMMARIZE", "COMMENT", "GRANT", "REVOKE":
		return &RefusedError{Statement: head, Reason: "only queries (SELECT, WITH, VALUES, EXPLAIN, SHOW, DESCRIBE) run"}
	}
	return &RefusedError{Statement: fmt.Sprintf("%q", strings.Join(words, " ")), Reason: "only queries (SELECT, WITH, VALUES, EXPLAIN, SHOW, DESCRIBE) run"}
}

// statementWords returns up to n leading words of the statement, upper case.
func statementWords(toks []token, first, n int) []string {
	var out []string
	for i := first; i < len(toks) && len(out) < n; i++ {
		switch toks[i].kind {
		case tokSpace:
			continue
		case tokIdent:
			out = append(out, strings.ToUpper(toks[i].text))
		default:
			return out
		}
	}
	return out
}

// special translates the statements that Athena has and DuckDB spells
// differently: SHOW TABLES, SHOW PARTITIONS, SHOW COLUMNS, SHOW DATABASES,
// DESCRIBE. ok is false for anything else.
func (t *translator) special(first int) (string, bool, error) {
	words := statementWords(t.toks, first, 3)
	if len(words) == 0 {
		return "", false, nil
	}
	// The name of the table the statement is about: the last identifier.
	table := func() (string, error) {
		last := -1
		for i := first; i < len(t.toks); i++ {
			if t.toks[i].kind == tokIdent || t.toks[i].kind == tokQIdent {
				last = i
			}
		}
		if last < 0 || last == first {
			return "", fmt.Errorf("%s needs a table name", strings.Join(words, " "))
		}
		return t.toks[last].name(), nil
	}
	switch words[0] {
	case "DESCRIBE", "DESC":
		name, err := table()
		if err != nil {
			return "", true, err
		}
		return "SELECT column_name AS col_name, column_type AS data_type FROM (DESCRIBE " + quoteIdent(name) + ")" + partitionAliasFilter, true, nil
	case "SHOW":
		if len(words) < 2 {
			return "", true, &UnsupportedError{Construct: "SHOW", Instead: "write SHOW TABLES, SHOW PARTITIONS t, SHOW COLUMNS IN t or DESCRIBE t"}
		}
		switch words[1] {
		case "TABLES", "VIEWS":
			return "SELECT table_name AS tab_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY 1", true, nil
		case "DATABASES", "SCHEMAS":
			return "SELECT 'default' AS database_name", true, nil
		case "COLUMNS":
			name, err := table()
			if err != nil {
				return "", true, err
			}
			return "SELECT column_name AS field FROM (DESCRIBE " + quoteIdent(name) + ")" + partitionAliasFilter, true, nil
		case "PARTITIONS":
			name, err := table()
			if err != nil {
				return "", true, err
			}
			where := ""
			switch n := strings.ToLower(name); {
			case n == "cloudtrail" || n == "cloudtrail_logs":
			case t.opts.AccountViews[n] != "":
				where = " WHERE account = " + quoteString(t.opts.AccountViews[n])
			default:
				return "", true, &UnsupportedError{Construct: "SHOW PARTITIONS " + name, Instead: "only cloudtrail, cloudtrail_logs and cloudtrail_<account> have partitions"}
			}
			return "SELECT DISTINCT 'account=' || account || '/region=' || region || '/year=' || year || '/month=' || month || '/day=' || day AS partition FROM _trailsql_files" + where + " ORDER BY 1", true, nil
		case "CREATE":
			return "", true, &UnsupportedError{Construct: "SHOW CREATE TABLE", Instead: "use DESCRIBE t or 'trailsql tables' to see the columns"}
		case "FUNCTIONS":
			return "SELECT DISTINCT function_name FROM duckdb_functions() ORDER BY 1", true, nil
		}
		return "", true, &UnsupportedError{Construct: "SHOW " + words[1], Instead: "write SHOW TABLES, SHOW PARTITIONS t, SHOW COLUMNS IN t or DESCRIBE t"}
	}
	return "", false, nil
}
