package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailsql/trailsql/internal/iostreams"
)

// queryFactory returns a Factory over test buffers, with stdin holding in.
func queryFactory(in string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	io, stdin, out, errOut := iostreams.Test()
	stdin.WriteString(in)
	f := &Factory{IO: io, Getenv: func(string) string { return "" }, Now: func() time.Time {
		return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC)
	}}
	return f, out, errOut
}

// queryTestLake writes a few CloudTrail log files in the AWSLogs layout
// and ingests them with `trailsql ingest`: nine events of two accounts.
func queryTestLake(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	write := func(acct, region, day string, recs ...string) {
		t.Helper()
		dir := filepath.Join(src, "AWSLogs", acct, "CloudTrail", region, strings.ReplaceAll(day, "-", "/"))
		os.MkdirAll(dir, 0o755)
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		fmt.Fprintf(w, `{"Records":[%s]}`, strings.Join(recs, ","))
		w.Close()
		name := fmt.Sprintf("%s_CloudTrail_%s_%sT0000Z_abcdefabcdef%04d.json.gz", acct, region, strings.ReplaceAll(day, "-", ""), len(recs))
		if err := os.WriteFile(filepath.Join(dir, name), gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(acct, region, at, name, user, ip, req string) string {
		ident := fmt.Sprintf(`{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s","userName":"%s"}`, strings.ToUpper(user), acct, user, acct, user)
		if req == "" {
			req = "null"
		}
		return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":%s,"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"aws-cli/1.16","requestParameters":%s,"responseElements":null,"requestID":"r-%s","eventID":"e-%s-%s","eventType":"AwsApiCall","recipientAccountId":"%s"}`,
			ident, at, name, region, ip, req, at, at, name, acct)
	}
	write("111122223333", "us-east-1", "2019-09-30",
		rec("111122223333", "us-east-1", "2019-09-30T10:00:00Z", "DescribeInstances", "alice", "198.51.100.20", ""),
		rec("111122223333", "us-east-1", "2019-09-30T10:05:00Z", "DescribeInstances", "alice", "198.51.100.20", ""),
		rec("111122223333", "us-east-1", "2019-09-30T10:10:00Z", "CreateUser", "alice", "198.51.100.20", `{"userName":"ghost-admin"}`))
	write("111122223333", "eu-west-1", "2019-10-01",
		rec("111122223333", "eu-west-1", "2019-10-01T08:00:00Z", "DescribeVolumes", "bob", "10.0.0.5", ""),
		rec("111122223333", "eu-west-1", "2019-10-01T08:30:00Z", "StopInstances", "bob", "10.0.0.5", `{"instancesSet":{"items":[{"instanceId":"i-1"}]},"note":"a \"quoted\", text"}`))
	write("444455556666", "us-east-1", "2019-09-30",
		rec("444455556666", "us-east-1", "2019-09-30T10:15:00Z", "AuthorizeSecurityGroupIngress", "mallory", "1.2.3.4", `{"groupId":"sg-0ecc76ac9b16d1e14","ipPermissions":{"items":[{"fromPort":23,"toPort":23}]}}`),
		rec("444455556666", "us-east-1", "2019-09-30T10:20:00Z", "StopLogging", "mallory", "1.2.3.4", `{"name":"main"}`),
		rec("444455556666", "us-east-1", "2019-09-30T10:25:00Z", "ListUsers", "mallory", "1.2.3.4", ""),
		rec("444455556666", "us-east-1", "2019-09-30T10:30:00Z", "ListRoles", "mallory", "1.2.3.4", ""))
	dir := filepath.Join(t.TempDir(), "lake")
	f, _, errOut := queryFactory("")
	if code := Run(context.Background(), f, []string{"ingest", src, "--lake", dir}); code != ExitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	return dir
}

func runQueryCmd(t *testing.T, stdin string, args ...string) (ExitCode, string, string) {
	t.Helper()
	f, out, errOut := queryFactory(stdin)
	code := Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestQueryCommandFormats(t *testing.T) {
	dir := queryTestLake(t)
	q := "SELECT eventname, useridentity.username, count(*) AS n, max(from_iso8601_timestamp(eventtime)) AS last, bool_or(requestparameters IS NULL) AS noreq, arbitrary(requestparameters) FILTER (WHERE eventname = 'StopInstances') AS req FROM cloudtrail WHERE year = '2019' GROUP BY 1, 2 ORDER BY n DESC, eventname"

	// CSV is the default when standard output is not a terminal.
	code, out, errOut := runQueryCmd(t, "", "query", "--lake", dir, q)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 9 || strings.Join(recs[0], ",") != "eventname,username,n,last,noreq,req" {
		t.Fatalf("csv:\n%s", out)
	}
	if strings.Join(recs[1], ",") != "DescribeInstances,alice,2,2019-09-30 10:05:00.000 UTC,true," {
		t.Errorf("first row %q", recs[1])
	}
	for _, r := range recs {
		if r[0] == "StopInstances" && r[5] != `{"instancesSet":{"items":[{"instanceId":"i-1"}]},"note":"a \"quoted\", text"}` {
			t.Errorf("JSON text with quotes and commas did not round-trip: %q", r[5])
		}
	}

	for _, format := range []string{"json", "jsonl"} {
		code, out, errOut = runQueryCmd(t, "", "query", "--lake", dir, "--format", format, q)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		var objs []map[string]any
		if format == "json" {
			err = json.Unmarshal([]byte(out), &objs)
		} else {
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var o map[string]any
				err = json.Unmarshal([]byte(line), &o)
				objs = append(objs, o)
			}
		}
		if err != nil || len(objs) != 8 || objs[0]["n"] != 2.0 || objs[0]["noreq"] != true || objs[0]["req"] != nil || objs[0]["last"] != "2019-09-30T10:05:00Z" {
			t.Errorf("%s: %v\n%s", format, err, out)
		}
	}

	// A table on a terminal shows the first --max-rows rows, and says on
	// standard error that there are more.
	f, outBuf, errBuf := queryFactory("")
	f.IO.SetTTY(true, false)
	if code := Run(context.Background(), f, []string{"query", "--lake", dir, "--max-rows", "3", q}); code != ExitOK {
		t.Fatalf("table: exit %d", code)
	}
	table := outBuf.String()
	if !strings.HasPrefix(table, "eventname") || strings.Count(table, "\n") != 2+3+1 || !strings.HasSuffix(table, "(more than 3 rows; the first 3 shown)\n") {
		t.Errorf("table:\n%s", table)
	}
	if want := "trailsql: showing the first 3 rows; the query has more (use --max-rows N, 0 for all, or --output FILE)\n"; errBuf.String() != want {
		t.Errorf("table: stderr %q, want %q", errBuf.String(), want)
	}
	// All the rows fit: no warning.
	f, outBuf, errBuf = queryFactory("")
	f.IO.SetTTY(true, false)
	if code := Run(context.Background(), f, []string{"query", "--lake", dir, "--max-rows", "8", q}); code != ExitOK || errBuf.String() != "" || !strings.HasSuffix(outBuf.String(), "(8 rows)\n") {
		t.Errorf("table of every row: exit %d, %q\n%s", code, errBuf.String(), outBuf.String())
	}
}

// TestQueryCommandRowCap checks that csv, json and jsonl hold every row
// unless --max-rows is given, and that a cap is always reported.
func TestQueryCommandRowCap(t *testing.T) {
	dir := queryTestLake(t)
	q := "SELECT x FROM UNNEST(sequence(1, 250)) AS t(x)"
	code, out, errOut := runQueryCmd(t, "", "query", "--lake", dir, "--format", "jsonl", q)
	if code != ExitOK || errOut != "" || strings.Count(out, "\n") != 250 || !strings.HasSuffix(out, `{"x":250}`+"\n") {
		t.Fatalf("jsonl: exit %d, %q, %d lines", code, errOut, strings.Count(out, "\n"))
	}
	code, out, errOut = runQueryCmd(t, "", "query", "--lake", dir, "--format", "csv", "--max-rows", "2", q)
	if code != ExitOK || out != "x\r\n1\r\n2\r\n" || !strings.Contains(errOut, "showing the first 2 rows; the query has more") {
		t.Errorf("csv --max-rows 2: exit %d, %q, %q", code, out, errOut)
	}
	code, out, errOut = runQueryCmd(t, "", "query", "--lake", dir, "--format", "csv", "--max-rows", "0", q)
	if code != ExitOK || errOut != "" || strings.Count(out, "\n") != 251 {
		t.Errorf("csv --max-rows 0: exit %d, %q", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "out.json")
	code, out, errOut = runQueryCmd(t, "", "query", "--lake", dir, "--output", file, "--max-rows", "100", q)
	b, _ := os.ReadFile(file)
	var objs []map[string]any
	if err := json.Unmarshal(b, &objs); code != ExitOK || out != "" || err != nil || len(objs) != 100 {
		t.Errorf("--output: exit %d, %v, %d objects", code, err, len(objs))
	}
	if want := "trailsql: wrote the first 100 rows; the query has more (--max-rows 0 writes all)\n"; errOut != want {
		t.Errorf("--output: stderr %q, want %q", errOut, want)
	}
	// A query that fails while its rows are written leaves no file.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	code, _, errOut = runQueryCmd(t, "", "query", "--lake", dir, "--output", bad, "SELECT CAST(x AS INTEGER) FROM UNNEST(ARRAY['1', 'x']) AS t(x)")
	if _, err := os.Stat(bad); code == ExitOK || err == nil {
		t.Errorf("failed query: exit %d, file %v, %s", code, err, errOut)
	}
}

func TestQueryCommandInputsAndStats(t *testing.T) {
	dir := queryTestLake(t)
	q := "SELECT count(*) AS n FROM cloudtrail_444455556666 WHERE region = 'us-east-1' AND year = '2019' AND month = '09' AND day = '30'"
	want := "n\r\n4\r\n"

	code, out, errOut := runQueryCmd(t, q, "query", "--lake", dir, "--stats")
	if code != ExitOK || out != want {
		t.Fatalf("stdin: exit %d, %q, %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "Data scanned:") || !strings.Contains(errOut, "1 of 3 files, 1 of 3 partitions") || !strings.Contains(errOut, "Rows: 1") {
		t.Errorf("--stats printed %q", errOut)
	}

	file := filepath.Join(t.TempDir(), "q.sql")
	os.WriteFile(file, []byte("-- mallory's day\n"+q+";\n"), 0o644)
	if code, out, errOut := runQueryCmd(t, "", "query", "--lake", dir, "-f", file); code != ExitOK || out != want {
		t.Errorf("-f: exit %d, %q, %s", code, out, errOut)
	}

	// The lake from the environment.
	f, outBuf, _ := queryFactory("")
	f.Getenv = func(k string) string {
		if k == "TRAILSQL_LAKE" {
			return dir
		}
		return ""
	}
	if code := Run(context.Background(), f, []string{"query", q}); code != ExitOK || outBuf.String() != want {
		t.Errorf("$TRAILSQL_LAKE: exit %d, %q", code, outBuf.String())
	}

	// --output writes the file, in the format its extension says.
	outFile := filepath.Join(t.TempDir(), "result.json")
	if code, out, errOut := runQueryCmd(t, "", "query", "--lake", dir, "--output", outFile, q); code != ExitOK || out != "" {
		t.Fatalf("--output: exit %d, %q, %s", code, out, errOut)
	}
	if b, _ := os.ReadFile(outFile); string(b) != "[\n{\"n\":4}\n]\n" {
		t.Errorf("--output wrote %q", b)
	}
}

func TestQueryCommandErrors(t *testing.T) {
	dir := queryTestLake(t)
	f := func(wantCode ExitCode, wantErr string, stdin string, args ...string) {
		t.Helper()
		code, _, errOut := runQueryCmd(t, stdin, args...)
		if code != wantCode || !strings.Contains(errOut, wantErr) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%q: exit %d, %q; want exit %d and one line with %q", args, code, errOut, wantCode, wantErr)
		}
	}
	f(ExitError, "COPY is not allowed", "", "query", "--lake", dir, "COPY (SELECT * FROM cloudtrail) TO '/tmp/out.csv'")
	// An error DuckDB finds when it binds the query points at the user's
	// SQL too.
	code, _, errOut := runQueryCmd(t, "", "query", "--lake", dir, "SELECT eventnam FROM cloudtrail")
	if want := "trailsql: query: line 1, column 8: unknown column \"eventnam\" (close matches: eventname, eventtime, eventid)\n  SELECT eventnam FROM cloudtrail\n         ^\n"; code != ExitError || errOut != want {
		t.Errorf("unknown column: exit %d, %q; want exit 1 and %q", code, errOut, want)
	}
	f(ExitError, "MSCK REPAIR TABLE is not supported", "", "query", "--lake", dir, "MSCK REPAIR TABLE cloudtrail")
	f(ExitError, "timed out after 1ms", "", "query", "--lake", dir, "--timeout", "1ms", "SELECT count(*) FROM cloudtrail a, cloudtrail b, cloudtrail c WHERE a.eventid || b.eventid || c.eventid = 'x'")
	// A syntax error: the message, then the query's line with a caret.
	code, _, errOut = runQueryCmd(t, "", "query", "--lake", dir, "SELECT * FROM read_csv('/etc/passwd')")
	if want := "trailsql: syntax error at line 1, column 23: unexpected '(', expected the end of the statement\n  SELECT * FROM read_csv('/etc/passwd')\n                        ^\n"; code != ExitError || errOut != want {
		t.Errorf("syntax error: exit %d, %q; want exit 1 and %q", code, errOut, want)
	}
	f(ExitError, "no such folder", "", "query", "--lake", filepath.Join(dir, "missing"), "SELECT 1")
	f(ExitUsage, "no query", "", "query", "--lake", dir)
	f(ExitUsage, "not both", "", "query", "--lake", dir, "-f", "x.sql", "SELECT 1")
	f(ExitUsage, `--format "xml" is not one of table, csv, json, jsonl, markdown`, "", "query", "--lake", dir, "--format", "xml", "SELECT 1")
	f(ExitUsage, "memory limit", "", "query", "--lake", dir, "--memory-limit", "lots", "SELECT 1")
	f(ExitUsage, "cannot read the query", "", "query", "--lake", dir, "-f", filepath.Join(dir, "none.sql"))
	f(ExitUsage, "unknown flag", "", "query", "--lake", dir, "--bogus", "SELECT 1")
}

func TestTablesCommand(t *testing.T) {
	dir := queryTestLake(t)
	code, out, errOut := runQueryCmd(t, "", "tables", "--lake", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"3 files, 3 partitions",
		"  cloudtrail   ", "  cloudtrail_logs   ", "  logs   ", "  cloudtrail_111122223333  the events of account 111122223333", "  cloudtrail_444455556666 ",
		"Columns of cloudtrail\n", "  useridentity ", "STRUCT(", "  eventtimestamp ", "TIMESTAMP WITH TIME ZONE", "  day ",
		"Columns of logs\n", "  records ",
		"111122223333  eu-west-1       2  2019-10-01T08:00:00Z  2019-10-01T08:30:00Z",
		"444455556666  us-east-1       4  2019-09-30T10:15:00Z  2019-09-30T10:30:00Z",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tables output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Columns of cloudtrail_111122223333") {
		t.Error("per-account columns listed without --columns")
	}
	code, out, _ = runQueryCmd(t, "", "tables", "--lake", dir, "--columns")
	if code != ExitOK || !strings.Contains(out, "Columns of cloudtrail_111122223333") {
		t.Errorf("--columns: exit %d\n%s", code, out)
	}
	// An empty lake says so.
	empty := t.TempDir()
	code, out, _ = runQueryCmd(t, "", "tables", "--lake", empty)
	if code != ExitOK || !strings.Contains(out, "the lake is empty") {
		t.Errorf("empty lake: exit %d\n%s", code, out)
	}
	if code, _, errOut := runQueryCmd(t, "", "tables", "--lake", dir, "extra"); code != ExitUsage {
		t.Errorf("tables with an argument: exit %d, %s", code, errOut)
	}
}
