package integrity_test

import (
	"context"
	"fmt"
	"os"

	"github.com/trailsql/trailsql/internal/integrity"
)

func ExampleParseDigestKey() {
	dk, err := integrity.ParseDigestKey("AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/" +
		"111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dk.Account, dk.Region, dk.Trail, dk.End)
	// Output: 111122223333 us-east-2 your-trail-name 2015-08-17 15:01:31 +0000 UTC
}

func ExampleVerify() {
	data, err := os.ReadFile("testdata/keys/public-keys.json") // aws cloudtrail list-public-keys
	if err != nil {
		fmt.Println(err)
		return
	}
	keys, err := integrity.ParsePublicKeys(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := integrity.OpenDir("testdata/trail") // aws s3 sync, plus .sig sidecars
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := integrity.Verify(context.Background(), st, integrity.Options{Keys: integrity.NewKeySet(keys...)})
	if err != nil {
		fmt.Println(err)
		return
	}
	t := r.Total()
	fmt.Println(r.OK, t.Digests.Valid, t.Logs.Valid)
	// Output: true 3 6
}
