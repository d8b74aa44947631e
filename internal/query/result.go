package query

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Result is the answer to one query.
type Result struct {
	// Columns are the result's columns, in order.
	Columns []Column
	// Rows are the values, one slice per row, one value per column. A value
	// is nil (SQL NULL), bool, int64, float64, string, time.Time (DATE,
	// TIME, TIMESTAMP, TIMESTAMP WITH TIME ZONE; see Column.Type), *big.Int
	// (a HUGEINT beyond int64), uint64 (a UBIGINT beyond int64), or
	// json.RawMessage: the JSON text of a JSON value, struct, list or map,
	// with struct fields in their order.
	Rows [][]any
	// Truncated says that the query returned more than Options.MaxRows
	// rows and only the first MaxRows are in Rows (the rest were never
	// produced: the cap is part of the query DuckDB runs).
	Truncated bool
	// Stats are the scan statistics.
	Stats Stats
	// SQL is the DuckDB SQL that ran (after translation).
	SQL string
}

// Column is one column of a Result.
type Column struct {
	// Name is Athena's name of the column: in lower case, _col<i> for an
	// expression without an alias.
	Name string
	// Type is DuckDB's name of the column's type: VARCHAR, BIGINT,
	// TIMESTAMP WITH TIME ZONE, STRUCT(...), VARCHAR[], JSON, ...
	Type string
	// Athena is Athena's (Trino's) name of the type: varchar, bigint,
	// double, boolean, timestamp, timestamp with time zone, date,
	// array(varchar), row(name varchar, n bigint), map(varchar, bigint),
	// json, ... (see athenaType).
	Athena string
}

// Stats are a query's scan statistics, like Athena's "Data scanned".
type Stats struct {
	// Files is how many Parquet files the query read; FilesTotal how many
	// the tables it read hold. Files that partition predicates pruned were
	// never opened.
	Files, FilesTotal int
	// Bytes is how many bytes DuckDB read from the lake's files (0 when
	// every byte it needed was already in its cache).
	Bytes int64
	// Partitions is how many partitions the files read belong to;
	// PartitionsTotal how many partitions the lake has. Partitions is -1
	// when it cannot be told.
	Partitions, PartitionsTotal int
	// Rows is how many rows the query returned.
	Rows int64
	// Wall is the query's elapsed time.
	Wall time.Duration
}

// Pruned is how many partitions the query did not read, or -1.
func (s Stats) Pruned() int {
	if s.Partitions < 0 {
		return -1
	}
	return s.PartitionsTotal - s.Partitions
}

// String formats the statistics on one line, like Athena's console.
func (s Stats) String() string {
	parts := fmt.Sprintf("%d of %d partitions", s.Partitions, s.PartitionsTotal)
	if s.Partitions < 0 {
		parts = fmt.Sprintf("? of %d partitions", s.PartitionsTotal)
	}
	return fmt.Sprintf("Run time: %s, Data scanned: %s (%d of %d files, %s), Rows: %d",
		roundDuration(s.Wall), humanBytes(s.Bytes), s.Files, s.FilesTotal, parts, s.Rows)
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.2f %cB", float64(n)/float64(div), "KMGTPE"[exp])
}

// typeName is DuckDB's name of a type.
func typeName(info duckdb.TypeInfo) string {
	if info == nil {
		return "UNKNOWN"
	}
	t := info.InternalType()
	if info.Alias() != "" && (t == duckdb.TYPE_VARCHAR || t == duckdb.TYPE_BLOB) {
		return strings.ToUpper(info.Alias())
	}
	switch d := info.Details().(type) {
	case *duckdb.DecimalDetails:
		return fmt.Sprintf("DECIMAL(%d,%d)", d.Width, d.Scale)
	case *duckdb.ListDetails:
		return typeName(d.Child) + "[]"
	case *duckdb.ArrayDetails:
		return fmt.Sprintf("%s[%d]", typeName(d.Child), d.Size)
	case *duckdb.MapDetails:
		return "MAP(" + typeName(d.Key) + ", " + typeName(d.Value) + ")"
	case *duckdb.StructDetails:
		parts := make([]string, len(d.Entries))
		for i, e := range d.Entries {
			parts[i] = identName(e.Name()) + " " + typeName(e.Info())
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case *duckdb.UnionDetails:
		parts := make([]string, len(d.Members))
		for i, m := range d.Members {
			parts[i] = identName(m.Name) + " " + typeName(m.Type)
		}
		return "UNION(" + strings.Join(parts, ", ") + ")"
	case *duckdb.EnumDetails:
		return "ENUM"
	}
	switch t {
	case duckdb.TYPE_TIMESTAMP_TZ:
		return "TIMESTAMP WITH TIME ZONE"
	case duckdb.TYPE_TIME_TZ:
		return "TIME WITH TIME ZONE"
	case duckdb.TYPE_SQLNULL:
		return "NULL"
	}
	if s := basicTypeNames[t]; s != "" {
		return s
	}
	return "UNKNOWN"
}

// athenaType is Athena's (Trino's) name of the type DuckDB gives a
// column, for the type a consumer of the result declares (an API's
// schema, a report's columns). DuckDB's integers that Trino lacks take
// the Trino type that holds their values (HUGEINT, which sum and count
// give over BIGINT, is bigint as in Trino); a JSON value is json; a value
// Trino has no type for is varchar, as the result holds it as text.
func athenaType(info duckdb.TypeInfo) string {
	if info == nil {
		return "unknown"
	}
	t := info.InternalType()
	if a := strings.ToLower(info.Alias()); a != "" && (t == duckdb.TYPE_VARCHAR || t == duckdb.TYPE_BLOB) {
		return a // json, and the ipaddress/ipprefix the translation defines
	}
	switch d := info.Details().(type) {
	case *duckdb.DecimalDetails:
		return fmt.Sprintf("decimal(%d,%d)", d.Width, d.Scale)
	case *duckdb.ListDetails:
		return "array(" + athenaType(d.Child) + ")"
	case *duckdb.ArrayDetails:
		return "array(" + athenaType(d.Child) + ")"
	case *duckdb.MapDetails:
		return "map(" + athenaType(d.Key) + ", " + athenaType(d.Value) + ")"
	case *duckdb.StructDetails:
		parts := make([]string, len(d.Entries))
		for i, e := range d.Entries {
			parts[i] = athenaField(e.Name()) + " " + athenaType(e.Info())
		}
		return "row(" + strings.Join(parts, ", ") + ")"
	case *duckdb.EnumDetails:
		return "varchar"
	}
	if s := athenaTypeNames[t]; s != "" {
		return s
	}
	return "varchar"
}

// athenaField is a row field's name as Trino prints it in a type.
func athenaField(s string) string {
	if viewNamePattern.MatchString(s) && !(s[0] >= '0' && s[0] <= '9') {
		return strings.ToLower(s)
	}
	return `"` + strings.ReplaceAll(strings.ToLower(s), `"`, `""`) + `"`
}

var athenaTypeNames = map[duckdb.Type]string{
	duckdb.TYPE_BOOLEAN: "boolean", duckdb.TYPE_TINYINT: "tinyint", duckdb.TYPE_SMALLINT: "smallint",
	duckdb.TYPE_INTEGER: "integer", duckdb.TYPE_BIGINT: "bigint", duckdb.TYPE_UTINYINT: "smallint",
	duckdb.TYPE_USMALLINT: "integer", duckdb.TYPE_UINTEGER: "bigint", duckdb.TYPE_UBIGINT: "decimal(20,0)",
	duckdb.TYPE_HUGEINT: "bigint", duckdb.TYPE_UHUGEINT: "decimal(38,0)", duckdb.TYPE_BIGNUM: "decimal(38,0)",
	duckdb.TYPE_FLOAT: "real", duckdb.TYPE_DOUBLE: "double", duckdb.TYPE_VARCHAR: "varchar",
	duckdb.TYPE_BLOB: "varbinary", duckdb.TYPE_UUID: "uuid", duckdb.TYPE_DATE: "date",
	duckdb.TYPE_TIME: "time", duckdb.TYPE_TIME_TZ: "time with time zone",
	duckdb.TYPE_TIMESTAMP: "timestamp", duckdb.TYPE_TIMESTAMP_S: "timestamp", duckdb.TYPE_TIMESTAMP_MS: "timestamp",
	duckdb.TYPE_TIMESTAMP_NS: "timestamp", duckdb.TYPE_TIMESTAMP_TZ: "timestamp with time zone",
	duckdb.TYPE_INTERVAL: "interval day to second", duckdb.TYPE_SQLNULL: "unknown",
	duckdb.TYPE_UNION: "json", duckdb.TYPE_BIT: "varchar",
}

var basicTypeNames = map[duckdb.Type]string{
	duckdb.TYPE_BOOLEAN: "BOOLEAN", duckdb.TYPE_TINYINT: "TINYINT", duckdb.TYPE_SMALLINT: "SMALLINT",
	duckdb.TYPE_INTEGER: "INTEGER", duckdb.TYPE_BIGINT: "BIGINT", duckdb.TYPE_UTINYINT: "UTINYINT",
	duckdb.TYPE_USMALLINT: "USMALLINT", duckdb.TYPE_UINTEGER: "UINTEGER", duckdb.TYPE_UBIGINT: "UBIGINT",
	duckdb.TYPE_FLOAT: "FLOAT", duckdb.TYPE_DOUBLE: "DOUBLE", duckdb.TYPE_TIMESTAMP: "TIMESTAMP",
	duckdb.TYPE_DATE: "DATE", duckdb.TYPE_TIME: "TIME", duckdb.TYPE_INTERVAL: "INTERVAL",
	duckdb.TYPE_HUGEINT: "HUGEINT", duckdb.TYPE_UHUGEINT: "UHUGEINT", duckdb.TYPE_VARCHAR: "VARCHAR",
	duckdb.TYPE_BLOB: "BLOB", duckdb.TYPE_TIMESTAMP_S: "TIMESTAMP_S", duckdb.TYPE_TIMESTAMP_MS: "TIMESTAMP_MS",
	duckdb.TYPE_TIMESTAMP_NS: "TIMESTAMP_NS", duckdb.TYPE_UUID: "UUID", duckdb.TYPE_BIT: "BIT",
	duckdb.TYPE_BIGNUM: "BIGNUM",
}

// identName quotes a struct field name when it needs quotes.
func identName(s string) string {
	if viewNamePattern.MatchString(s) && !(s[0] >= '0' && s[0] <= '9') && !reservedTypeWords[strings.ToLower(s)] {
		return s
	}
	return quoteIdent(s)
}

var reservedTypeWords = map[string]bool{"type": true, "order": true, "select": true, "from": true, "where": true, "group": true, "table": true}

// valueKind is how a result column's values come back from DuckDB.
type valueKind int

const (
	kindPlain valueKind = iota // as the driver returns it
	kindJSON                   // JSON text (cast in SQL), returned as json.RawMessage
)

// columnWrap returns the SQL expression that turns column #pos (1-based)
// into a value Result can hold, or "" when the column needs nothing.
func columnWrap(info duckdb.TypeInfo, pos int) (string, valueKind) {
	ref := fmt.Sprintf("#%d", pos)
	t := info.InternalType()
	switch t {
	case duckdb.TYPE_STRUCT, duckdb.TYPE_LIST, duckdb.TYPE_MAP, duckdb.TYPE_ARRAY, duckdb.TYPE_UNION:
		return "CAST(to_json(" + ref + ") AS VARCHAR)", kindJSON
	case duckdb.TYPE_VARCHAR:
		if strings.EqualFold(info.Alias(), "json") {
			return "CAST(" + ref + " AS VARCHAR)", kindJSON
		}
	case duckdb.TYPE_DECIMAL:
		return "CAST(" + ref + " AS DOUBLE)", kindPlain
	case duckdb.TYPE_INTERVAL, duckdb.TYPE_UUID, duckdb.TYPE_BLOB, duckdb.TYPE_BIT, duckdb.TYPE_TIME_TZ,
		duckdb.TYPE_ENUM, duckdb.TYPE_BIGNUM, duckdb.TYPE_GEOMETRY, duckdb.TYPE_VARIANT:
		return "CAST(" + ref + " AS VARCHAR)", kindPlain
	}
	return "", kindPlain
}

// convertValue turns a driver value into a Result value.
func convertValue(v any, kind valueKind) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if kind == kindJSON {
			return json.RawMessage(x)
		}
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x <= 1<<63-1 {
			return int64(x)
		}
		return x
	case float32:
		return float64(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return x
	case []byte:
		return string(x)
	}
	return v
}
