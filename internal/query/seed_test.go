package query

import (
	"context"
	"strings"
	"testing"
)

// The seed queries of the issue, verbatim (account ids replaced by the
// fixture's, as the issue says), each checked against an answer computed
// from the fixture's events without DuckDB.
func TestSeedQueries(t *testing.T) {
	e, evs, _ := openFixture(t)
	ctx := context.Background()
	run := func(t *testing.T, q string) *Result {
		t.Helper()
		r, err := e.Query(ctx, q)
		if err != nil {
			t.Fatalf("%v\nquery: %s", err, q)
		}
		return r
	}
	dayOf := func(e *fxEvent, y, m, d string) bool { return e.year() == y && e.month() == m && e.day() == d }

	t.Run("1_logs_unnest_s3", func(t *testing.T) {
		q := `SELECT record.eventName AS event, record.userIdentity.arn AS user, record.eventTime, record.resources[1].ARN AS object FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) AS records WHERE record.eventSource = 's3.amazonaws.com' AND (record.eventName IN ('CreateBucket','DeleteBucket') OR record.eventName LIKE '%Object') ORDER BY record.eventTime DESC LIMIT 100;`
		r := run(t, q)
		var want [][]string
		for _, ev := range where(evs, func(e *fxEvent) bool {
			return e.Source == "s3.amazonaws.com" && (e.Name == "CreateBucket" || e.Name == "DeleteBucket" || strings.HasSuffix(e.Name, "Object"))
		}) {
			obj := null
			if len(ev.Resources) > 0 {
				obj = ev.Resources[0].ARN
			}
			want = append(want, []string{ev.Name, orNull(ev.User.ARN), ev.eventTime(), obj})
		}
		want = limit(sortRows(want, -3), 100)
		if len(want) < 8 {
			t.Fatalf("fixture has only %d S3 events for this query", len(want))
		}
		if got := []string{r.Columns[0].Name, r.Columns[1].Name, r.Columns[2].Name, r.Columns[3].Name}; strings.Join(got, ",") != "event,user,eventtime,object" { // lower case, as in Athena
			t.Errorf("columns = %v", got)
		}
		sameRows(t, resultRows(r), want, false)
	})

	t.Run("2_one_partition_star", func(t *testing.T) {
		q := `SELECT * FROM cloudtrail_111122223333 WHERE region = 'us-east-1' AND year = '2019' AND month = '09' AND day = '30' LIMIT 5;`
		r := run(t, q)
		inPart := map[string]bool{}
		for _, ev := range where(evs, func(e *fxEvent) bool {
			return e.Account == acctProd && e.Region == "us-east-1" && dayOf(e, "2019", "09", "30")
		}) {
			inPart[ev.ID] = true
		}
		if len(r.Rows) != 5 || len(inPart) < 5 {
			t.Fatalf("got %d rows (partition holds %d)", len(r.Rows), len(inPart))
		}
		col := map[string]int{}
		for i, c := range r.Columns {
			col[c.Name] = i
		}
		for _, name := range []string{"eventversion", "useridentity", "eventtime", "requestparameters", "resources", "tlsdetails", "account", "region", "year", "month", "day"} {
			if _, ok := col[name]; !ok {
				t.Errorf("column %s missing from SELECT *", name)
			}
		}
		for _, row := range resultRows(r) {
			if !inPart[row[col["eventid"]]] || row[col["account"]] != acctProd || row[col["day"]] != "30" {
				t.Errorf("row outside the partition: %v", row)
			}
		}
		if r.Stats.Files != 1 || r.Stats.Partitions != 1 {
			t.Errorf("stats = %+v, want 1 file of 1 partition", r.Stats)
		}
	})

	t.Run("3_errors_by_user", func(t *testing.T) {
		q := `SELECT useridentity.arn, errorcode, count(*) AS count FROM cloudtrail_111122223333 WHERE year = '2019' AND month = '09' AND day = '30' AND errorcode != '' GROUP BY errorcode, useridentity.arn ORDER BY count DESC LIMIT 50;`
		r := run(t, q)
		want := groupCount(where(evs, func(e *fxEvent) bool {
			return e.Account == acctProd && dayOf(e, "2019", "09", "30") && e.ErrorCode != ""
		}), func(e *fxEvent) []string { return []string{orNull(e.User.ARN), e.ErrorCode} })
		if len(want) != 5 || len(want) > 50 {
			t.Fatalf("fixture: %d error groups, want 5", len(want))
		}
		sameRowsSorted(t, resultRows(r), want, -3)
	})

	t.Run("4_alice_events", func(t *testing.T) {
		q := `SELECT eventname, count(*) AS COUNT FROM cloudtrail_111122223333 WHERE year = '2019' AND month = '09' and day = '30' AND useridentity.arn like '%alice%' GROUP BY eventname ORDER BY COUNT DESC`
		r := run(t, q)
		want := groupCount(where(evs, func(e *fxEvent) bool {
			return e.Account == acctProd && dayOf(e, "2019", "09", "30") && strings.Contains(e.User.ARN, "alice")
		}), func(e *fxEvent) []string { return []string{e.Name} })
		sameRowsSorted(t, resultRows(r), want, -2)
		if r.Columns[1].Name != "count" { // Athena lower-cases aliases
			t.Errorf("column 2 is %q, want count", r.Columns[1].Name)
		}
	})

	t.Run("5_source_ip", func(t *testing.T) {
		q := `SELECT recipientaccountid, count(*) AS COUNT FROM cloudtrail WHERE year = '2019' AND month = '09' AND sourceipaddress = '1.2.3.4' GROUP BY recipientaccountid ORDER BY COUNT DESC`
		r := run(t, q)
		want := groupCount(where(evs, func(e *fxEvent) bool {
			return e.year() == "2019" && e.month() == "09" && e.IP == "1.2.3.4"
		}), func(e *fxEvent) []string { return []string{e.Account} })
		if len(want) != 2 || want[0][1] == want[1][1] {
			t.Fatalf("fixture: want two accounts with different counts, have %v", want)
		}
		sameRowsSorted(t, resultRows(r), want, -2)
	})

	t.Run("6_security_group_port_23", func(t *testing.T) {
		q := `select eventname, useridentity.username, sourceIPAddress, eventtime, requestparameters from cloudtrail_logs where eventtime > '2019-02-24T21:22:00Z' and requestparameters like '%sg-0ecc76ac9b16d1e14%' and requestparameters like '%:23%' order by eventtime asc;`
		r := run(t, q)
		var want [][]string
		for _, ev := range where(evs, func(e *fxEvent) bool {
			return e.eventTime() > "2019-02-24T21:22:00Z" && strings.Contains(e.Req, sgOpen) && strings.Contains(e.Req, ":23")
		}) {
			want = append(want, []string{ev.Name, orNull(ev.User.UserName), ev.IP, ev.eventTime(), ev.Req})
		}
		want = sortRows(want, 3)
		if len(want) != 2 || want[1][1] != "mallory" || want[1][3] != "2019-09-30T10:15:00Z" {
			t.Fatalf("fixture: unexpected answer %v", want)
		}
		sameRows(t, resultRows(r), want, false)
	})

	t.Run("7_anonymous_getobject", func(t *testing.T) {
		verbatim := `SELECT * FROM cloudtrail_logs WHERE eventsource = 's3.amazonaws.com' AND eventname in ('GetObject') AND useridentity.accountid LIKE '%ANONYMOUS%' AND useridentity.arn IS NULL AND requestparameters LIKE '%[your bucket name ]%';`
		// As written, with the placeholder: no bucket has that name.
		if r := run(t, verbatim); len(r.Rows) != 0 {
			t.Errorf("verbatim query returned %d rows, want 0", len(r.Rows))
		}
		q := strings.Replace(verbatim, "[your bucket name ]", bucketPub, 1)
		r := run(t, q)
		var want []string
		for _, ev := range where(evs, func(e *fxEvent) bool {
			return e.Source == "s3.amazonaws.com" && e.Name == "GetObject" && strings.Contains(e.User.AccountID, "ANONYMOUS") && e.User.ARN == "" && strings.Contains(e.Req, bucketPub)
		}) {
			want = append(want, ev.ID)
		}
		idCol := -1
		for i, c := range r.Columns {
			if c.Name == "eventid" {
				idCol = i
			}
		}
		var got []string
		for _, row := range resultRows(r) {
			got = append(got, row[idCol])
		}
		if len(want) != 3 {
			t.Fatalf("fixture: %d anonymous reads, want 3", len(want))
		}
		sameRows(t, [][]string{sortedStrings(got)}, [][]string{sortedStrings(want)}, false)
	})

	t.Run("8_first_100", func(t *testing.T) {
		q := `SELECT useridentity.arn, eventname, sourceipaddress, eventtime FROM cloudtrail_logs LIMIT 100;`
		r := run(t, q)
		all := map[string]bool{}
		for _, ev := range evs {
			all[strings.Join([]string{orNull(ev.User.ARN), ev.Name, orNull(ev.IP), ev.eventTime()}, "|")] = true
		}
		if len(evs) <= 100 || len(r.Rows) != 100 {
			t.Fatalf("got %d rows of %d events, want 100", len(r.Rows), len(evs))
		}
		seen := map[string]bool{}
		for _, row := range resultRows(r) {
			k := strings.Join(row, "|")
			if !all[k] || seen[k] {
				t.Errorf("row %v is not one of the events, or repeats", row)
			}
			seen[k] = true
		}
		if names := r.Columns[0].Name + "," + r.Columns[3].Name; names != "arn,eventtime" {
			t.Errorf("columns = %s", names)
		}
	})
}
