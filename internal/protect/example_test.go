package protect_test

import (
	"encoding/json"
	"fmt"

	"github.com/trailsql/trailsql/internal/protect"
)

func ExamplePolicy() {
	b, err := protect.Policy(protect.PolicyOptions{
		Bucket:   "my-trail-bucket",
		Account:  "111122223333",
		TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management",
	})
	if err != nil {
		panic(err)
	}
	var doc protect.Document
	if err := json.Unmarshal(b, &doc); err != nil {
		panic(err)
	}
	for _, s := range doc.Statement {
		fmt.Println(s.Effect, s.Sid, s.Action)
	}
	// Output:
	// Allow AWSCloudTrailAclCheck s3:GetBucketAcl
	// Allow AWSCloudTrailWrite s3:PutObject
	// Deny DenyLogDeletion [s3:DeleteObject s3:DeleteObjectVersion]
	// Deny DenyLogOverwriteExceptCloudTrail s3:PutObject
	// Deny DenyInsecureTransport s3:*
}
