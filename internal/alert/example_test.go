package alert_test

import (
	"crypto/hmac"
	"fmt"
	"time"

	"github.com/trailsql/trailsql/internal/alert"
	"github.com/trailsql/trailsql/internal/detect"
)

// A receiver of the generic webhook checks the signature of each body
// with the shared secret, and drops a delivery whose X-Trailsql-Delivery
// key it has seen (the resend after a crash in the ack-before-mark
// window).
func ExampleSign() {
	secret := []byte("shared secret")
	body := []byte(`{"rule_id":"r1","key":"0f3a"}`)
	header := alert.Sign(secret, body) // what trailsql sends in X-Trailsql-Signature

	// On the receiving side:
	ok := hmac.Equal([]byte(header), []byte(alert.Sign(secret, body)))
	fmt.Println(header[:7], ok)
	// Output: sha256= true
}

func ExampleSummary() {
	f := detect.Finding{
		Level: "high", Title: "CloudTrail logging stopped",
		Principal: "arn:aws:iam::111111111111:user/mallory", Account: "111111111111", Region: "eu-west-1",
		First: time.Date(2024, 5, 1, 3, 4, 5, 0, time.UTC),
	}
	fmt.Println(alert.Summary(&f))
	// Output: [HIGH] CloudTrail logging stopped by arn:aws:iam::111111111111:user/mallory in 111111111111/eu-west-1 at 2024-05-01T03:04:05Z
}
