package gaps_test

import (
	"fmt"

	"github.com/trailsql/trailsql/internal/gaps"
)

func ExampleLogFileHour() {
	k, hour, ok := gaps.LogFileHour("AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T2355Z_Ab12.json.gz")
	fmt.Println(ok, k.Account, k.Region, hour)
	// Output: true 111122223333 eu-west-1 2024-05-01 23:00:00 +0000 UTC
}
