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
// JSON, like the Athena table's string columns).
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

// DuckDBConvert converts every .json.gz log under src into one Parquet
// file with DuckDB's read_json: the baseline that ingest is compared with.
func DuckDBConvert(ctx context.Context, src, out string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("cannot open duckdb: %w", err)
	}
	defer db.Close()
	glob := filepath.Join(src, "AWSLogs", "**", "*.json.gz")
	q := fmt.Sprintf(`COPY (
  SELECT unnest(Records, recursive := false) AS r
  FROM read_json('%s', format = 'auto', maximum_object_size = 1073741824,
                 columns = {'Records': 'STRUCT(%s)[]'})
) TO '%s' (FORMAT parquet, COMPRESSION zstd)`,
		strings.ReplaceAll(glob, "'", "''"), strings.Join(recordColumns, ", "), strings.ReplaceAll(out, "'", "''"))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("cannot convert with duckdb: %w", err)
	}
	return nil
}
