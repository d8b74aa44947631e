package athena_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/trailsql/trailsql/internal/athena"
)

func ExampleWrite() {
	var b bytes.Buffer
	err := athena.Write(&b, athena.Options{
		Lake:      "s3://analytics/trailsql",
		Accounts:  []string{"111122223333"},
		FirstYear: 2024,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "CREATE") || strings.Contains(line, "storage.location.template") {
			fmt.Println(line)
		}
	}
	// Output:
	// CREATE EXTERNAL TABLE IF NOT EXISTS cloudtrail (
	//   'storage.location.template'='s3://analytics/trailsql/cloudtrail/account=${account}/year=${year}/month=${month}'
	// CREATE OR REPLACE VIEW cloudtrail_logs AS
	// CREATE OR REPLACE VIEW cloudtrail_111122223333 AS
	// CREATE OR REPLACE VIEW logs AS
}
