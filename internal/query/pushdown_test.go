package query

import (
	"reflect"
	"testing"
)

// TestLogsPushdownSameAnswers checks that the filters and top-n copied
// into the records source of logs/UNNEST change no answer: each query
// must answer as its flat form on cloudtrail does.
func TestLogsPushdownSameAnswers(t *testing.T) {
	e, _, _ := openFixture(t)
	for _, tc := range []struct{ logs, flat string }{
		{"SELECT record.eventName, record.eventTime FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.eventSource = 's3.amazonaws.com' ORDER BY record.eventTime DESC, record.eventName LIMIT 3",
			"SELECT eventname, eventtime FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' ORDER BY eventtime DESC, eventname LIMIT 3"},
		{"SELECT record.eventName AS event, record.userIdentity.arn AS user, record.eventTime, record.resources[1].ARN AS object FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) AS records WHERE record.eventSource = 's3.amazonaws.com' AND (record.eventName IN ('CreateBucket','DeleteBucket') OR record.eventName LIKE '%Object') ORDER BY record.eventTime DESC, record.eventName LIMIT 4",
			"SELECT eventname, useridentity.arn, eventtime, resources[1].arn FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' AND (eventname IN ('CreateBucket','DeleteBucket') OR eventname LIKE '%Object') ORDER BY eventtime DESC, eventname LIMIT 4"},
		{"SELECT count(record.eventName) FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.userIdentity.arn LIKE '%alice%' AND record.userIdentity IS NOT NULL",
			"SELECT count(eventname) FROM cloudtrail WHERE useridentity.arn LIKE '%alice%'"},
		{"SELECT DISTINCT record.eventName FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.eventSource = 's3.amazonaws.com' ORDER BY record.eventName LIMIT 2",
			"SELECT DISTINCT eventname FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' ORDER BY eventname LIMIT 2"},
		{"SELECT record.eventName FROM logs CROSS JOIN UNNEST(records) AS t (record) WHERE record.eventSource = 's3.amazonaws.com' OR record.errorCode IS NOT NULL ORDER BY record.eventTime, record.eventID LIMIT 5",
			"SELECT eventname FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' OR errorcode IS NOT NULL ORDER BY eventtime, eventid LIMIT 5"},
	} {
		got := mustQuery(t, e, tc.logs)
		want := mustQuery(t, e, tc.flat)
		if len(got.Rows) == 0 || !reflect.DeepEqual(got.Rows, want.Rows) {
			t.Errorf("%s\n got %v\nwant %v (%s)", tc.logs, got.Rows, want.Rows, tc.flat)
		}
	}
}
