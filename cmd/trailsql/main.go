// Command trailsql ingests AWS CloudTrail logs into a Parquet lake and
// answers questions about them in Athena's SQL dialect.
package main

import (
	"os"

	"github.com/trailsql/trailsql/internal/cli"
)

func main() {
	os.Exit(int(cli.Main()))
}
