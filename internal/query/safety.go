package query

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// allowedTableFunctions are the table functions a query may call: none of
// them reads a file or changes anything.
var allowedTableFunctions = map[string]bool{
	"unnest": true, "range": true, "generate_series": true, "json_each": true, "json_tree": true,
	"duckdb_columns": true, "duckdb_tables": true, "duckdb_views": true, "duckdb_functions": true,
	"duckdb_types": true, "duckdb_keywords": true, "pragma_table_info": true,
}

// deniedFunctions are scalar functions with effects outside the query.
var deniedFunctions = map[string]bool{
	"write_log": true, "setseed": true, "nextval": true, "currval": true,
}

// checkQuery parses text with DuckDB's own parser and refuses it unless it
// is a single SELECT whose table functions and functions are all harmless.
// It is the second line of defence after the statement check of
// Translate; locked configuration and disabled external access are the
// third.
func checkQuery(ctx context.Context, c *sql.Conn, text string) error {
	body := text
	toks, _ := lex(text)
	i := 0
	skip := func() {
		for i < len(toks) && toks[i].kind == tokSpace {
			i++
		}
	}
	skip()
	if i < len(toks) && toks[i].isKeyword("explain") {
		i++
		skip()
		if i < len(toks) && toks[i].isKeyword("analyze") {
			i++
		}
		body = text[toks[min(i, len(toks)-1)].off:]
	}
	var js string
	if err := c.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql("+quoteString(body)+") AS VARCHAR)").Scan(&js); err != nil {
		return fmt.Errorf("cannot parse the query: %w", err)
	}
	var tree struct {
		Error        bool   `json:"error"`
		ErrorType    string `json:"error_type"`
		ErrorMessage string `json:"error_message"`
		Statements   []any  `json:"statements"`
	}
	if err := json.Unmarshal([]byte(js), &tree); err != nil {
		return fmt.Errorf("BUG: cannot read DuckDB's parse tree: %w", err)
	}
	if tree.Error {
		if tree.ErrorType == "not implemented" {
			return &RefusedError{Statement: "this statement", Reason: "only queries (SELECT, WITH, VALUES, EXPLAIN, SHOW, DESCRIBE) run"}
		}
		// A syntax error: let DuckDB report it with its position.
		return nil
	}
	if len(tree.Statements) != 1 {
		return &RefusedError{Statement: "more than one statement", Reason: "run one query at a time"}
	}
	return walkTree(tree.Statements[0])
}

// walkTree refuses a parse tree that calls a table function or function
// that is not allowed.
func walkTree(n any) error {
	switch x := n.(type) {
	case map[string]any:
		if x["type"] == "TABLE_FUNCTION" {
			if f, ok := x["function"].(map[string]any); ok {
				name, _ := f["function_name"].(string)
				if !allowedTableFunctions[strings.ToLower(name)] {
					return &RefusedError{Statement: "the table function " + name + "()", Reason: "queries read the lake through its tables (cloudtrail, cloudtrail_logs, cloudtrail_<account>, logs) and nothing else"}
				}
			}
		}
		if x["type"] == "BASE_TABLE" {
			// A file named as a table (FROM 'x.parquet') is a table function
			// in disguise.
			if name, _ := x["table_name"].(string); strings.ContainsAny(name, "/\\.") {
				return &RefusedError{Statement: "reading the file " + name, Reason: "queries read the lake through its tables (cloudtrail, cloudtrail_logs, cloudtrail_<account>, logs) and nothing else"}
			}
		}
		if x["class"] == "FUNCTION" {
			name, _ := x["function_name"].(string)
			if deniedFunctions[strings.ToLower(name)] {
				return &RefusedError{Statement: "the function " + name + "()", Reason: "it changes state outside the query"}
			}
		}
		for _, v := range x {
			if err := walkTree(v); err != nil {
				return err
			}
		}
	case []any:
		for _, v := range x {
			if err := walkTree(v); err != nil {
				return err
			}
		}
	}
	return nil
}
