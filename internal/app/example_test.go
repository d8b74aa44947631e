package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/report"
)

// Example ingests one CloudTrail log file into a new lake, then opens the
// lake read-only and asks it questions, as the command line and the
// server do.
func Example() {
	ctx := context.Background()
	tmp, _ := os.MkdirTemp("", "app-example")
	defer os.RemoveAll(tmp)
	logs := filepath.Join(tmp, "logs", "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "05", "01")
	os.MkdirAll(logs, 0o755)
	os.WriteFile(filepath.Join(logs, "111122223333_CloudTrail_us-east-1_20240501T1000Z_abcdefabcdef0001.json"), []byte(`{"Records":[
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-05-01T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","requestParameters":{"userName":"ghost"},"eventID":"e1","recipientAccountId":"111122223333"},
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-05-01T10:01:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","eventID":"e2","recipientAccountId":"111122223333"}]}`), 0o644)
	lakeDir := filepath.Join(tmp, "lake")

	// Write: one ingest run.
	w, err := app.Open(ctx, app.Config{Lake: lakeDir, Write: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	src, _ := w.OpenSource(ctx, filepath.Join(tmp, "logs"))
	res, err := w.Ingest(ctx, ingest.Options{Sources: []ingest.Source{src}})
	w.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("written:", res.Written)

	// Read: one engine for every question.
	a, err := app.Open(ctx, app.Config{Lake: lakeDir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	r, _ := a.Query(ctx, "SELECT eventname FROM cloudtrail WHERE eventsource = 'iam.amazonaws.com'")
	fmt.Println("iam:", r.Rows[0][0])
	evs, _ := a.Timeline(ctx, report.TimelineQuery{Principal: "alice", Limit: 10})
	for _, e := range evs {
		fmt.Println(e.Time.Format("15:04"), e.Action)
	}
	_, err = a.RunReport(ctx, "principal-api-calls", report.Inputs{}) // its principal is required
	fmt.Println("input error:", app.IsInput(err))
	// Output:
	// written: 2
	// iam: CreateUser
	// 10:00 iam:CreateUser
	// 10:01 ec2:DescribeInstances
	// input error: true
}
