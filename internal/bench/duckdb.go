package bench

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // the DuckDB driver
)

// recordColumns is the Athena CloudTrail DDL as a DuckDB STRUCT: what a
// user of DuckDB alone would declare to read the logs (nested parts as
// JSON, like the Athena table's string columns). ConvertOptions.Columns
// uses it instead of read_json's own detection.
var recordColumns = []string{
	"eventVersion VARCHAR", "userIdentity JSON", "eventTime VARCHAR", "eventSource VARCHAR",
	"eventName VARCHAR", "awsRegion VARCHAR", "sourceIPAddress VARCHAR", "userAgent VARCHAR",
	"errorCode VARCHAR", "errorMessage VARCHAR", "requestParameters JSON", "responseElements JSON",
	"additionalEventData JSON", "requestID VARCHAR", "eventID VARCHAR", "readOnly BOOLEAN",
	"resources JSON", "eventType VARCHAR", "apiVersion VARCHAR", "managementEvent BOOLEAN",
	"recipientAccountId VARCHAR", "serviceEventDetails JSON", "sharedEventID VARCHAR",
	"vpcEndpointId VARCHAR", "eventCategory VARCHAR", "tlsDetails JSON", "insightDetails JSON",
	"sessionCredentialFromConsole VARCHAR",
}

// ConvertOptions select how DuckDBConvert reads the logs.
type ConvertOptions struct {
	// Threads is DuckDB's thread count (SET threads); zero leaves
	// DuckDB's default, the number of cores.
	Threads int
	// UnionByName adds union_by_name = true to read_json: every file's
	// schema is detected and the union is read.
	UnionByName bool
	// Columns declares the Records' columns (the Athena DDL, nested parts
	// as JSON) instead of letting read_json detect them.
	Columns bool
}

// Method names the conversion that o selects, as the results print it.
func (o ConvertOptions) Method() string {
	switch {
	case o.Columns:
		return "read_json, explicit columns"
	case o.UnionByName:
		return "read_json, union_by_name = true"
	}
	return "read_json"
}

// ConvertSQL returns the statement that converts every .json.gz log under
// src into the Parquet file out. By default it is what a DuckDB user would
// type: read_json's own schema detection, one row per record.
func ConvertSQL(src, out string, o ConvertOptions) string {
	glob := quote(filepath.Join(src, "AWSLogs", "**", "*.json.gz"))
	var args string
	switch {
	case o.Columns:
		args = fmt.Sprintf(", format = 'auto', maximum_object_size = 1073741824, columns = {'Records': 'STRUCT(%s)[]'}", strings.Join(recordColumns, ", "))
	case o.UnionByName:
		args = ", union_by_name = true"
	}
	return fmt.Sprintf("COPY (SELECT unnest(Records, recursive := false) FROM read_json(%s%s)) TO %s (FORMAT parquet, COMPRESSION zstd)", glob, args, quote(out))
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// DuckDBConvert converts every .json.gz log under src into one Parquet
// file with DuckDB's read_json (see ConvertSQL): the baseline that ingest
// is compared with.
func DuckDBConvert(ctx context.Context, src, out string, o ConvertOptions) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("cannot open duckdb: %w", err)
	}
	defer db.Close()
	// One connection, so that SET applies to the statement that follows.
	db.SetMaxOpenConns(1)
	if o.Threads > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", o.Threads)); err != nil {
			return fmt.Errorf("cannot set duckdb's threads: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, ConvertSQL(src, out, o)); err != nil {
		return fmt.Errorf("cannot convert with duckdb: %w", err)
	}
	return nil
}
