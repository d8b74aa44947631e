package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/integrity"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
)

func TestQueryJSON(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	f := testLake(t)
	a := s.query("SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY eventname ORDER BY eventname", "", "")
	want := map[string]int64{}
	for _, r := range f.records {
		want[r.eventName]++
	}
	got := map[string]int64{}
	for _, row := range a.Rows {
		name, _ := row[0].(string)
		got[name] = int64(row[1].(float64))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("counts by eventname differ from the source files:\n got %v\nwant %v", got, want)
	}
	if len(a.Columns) != 2 || a.Columns[0] != (columnJSON{"eventname", "varchar"}) || a.Columns[1] != (columnJSON{"n", "bigint"}) {
		t.Errorf("columns %+v", a.Columns)
	}
	if a.Stats.Rows != int64(len(want)) || a.Stats.Files == 0 || a.Stats.FilesTotal < a.Stats.Files || a.Stats.Bytes == 0 || a.Stats.Truncated {
		t.Errorf("stats %+v", a.Stats)
	}
}

func TestQueryRowCap(t *testing.T) {
	s := newTestServer(t, Config{MaxRows: 10}, query.Options{})
	a := s.query("SELECT eventid FROM cloudtrail", "", "")
	if len(a.Rows) != 10 || !a.Stats.Truncated || a.Stats.Rows != 10 {
		t.Errorf("rows %d, stats %+v; want 10 rows, truncated", len(a.Rows), a.Stats)
	}
	a = s.query("SELECT eventid FROM cloudtrail LIMIT 10", "", "")
	if len(a.Rows) != 10 || a.Stats.Truncated {
		t.Errorf("exactly the cap: rows %d, stats %+v; want 10 rows, not truncated", len(a.Rows), a.Stats)
	}
}

// ndjson reads an NDJSON answer: its first line, its rows, its last line.
func ndjson(t *testing.T, body []byte) (first map[string]json.RawMessage, rows [][]any, last map[string]json.RawMessage) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	var lines [][]byte
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if len(lines) < 2 {
		t.Fatalf("NDJSON answer of %d lines: %s", len(lines), body)
	}
	if err := json.Unmarshal(lines[0], &first); err != nil {
		t.Fatalf("first line %s: %v", lines[0], err)
	}
	if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil {
		t.Fatalf("last line %s: %v", lines[len(lines)-1], err)
	}
	for _, l := range lines[1 : len(lines)-1] {
		var row []any
		if err := json.Unmarshal(l, &row); err != nil {
			t.Fatalf("row %s: %v", l, err)
		}
		rows = append(rows, row)
	}
	return first, rows, last
}

func TestQueryNDJSON(t *testing.T) {
	s := newTestServer(t, Config{MaxRows: 100}, query.Options{})
	f := testLake(t)
	r := s.do("POST", "/api/query", queryRequest{SQL: "SELECT eventid, eventtime FROM cloudtrail"}, map[string]string{"Accept": "application/x-ndjson"})
	if r.status != 200 || r.header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, type %q: %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
	first, rows, last := ndjson(t, r.body)
	var cols []columnJSON
	json.Unmarshal(first["columns"], &cols)
	if len(cols) != 2 || cols[0].Name != "eventid" {
		t.Errorf("columns %s", first["columns"])
	}
	// The JSON answer's cap does not apply to a stream: every event.
	if len(rows) != len(f.records) {
		t.Errorf("%d rows streamed, the source has %d events", len(rows), len(f.records))
	}
	for _, row := range rows {
		if _, ok := f.records[row[0].(string)]; !ok {
			t.Fatalf("streamed event %v is not in the source", row)
		}
	}
	var st statsJSON
	if err := json.Unmarshal(last["stats"], &st); err != nil || st.Rows != int64(len(f.records)) || st.Truncated {
		t.Errorf("last line %v (%v)", last, err)
	}

	// An error after the first line is the last line.
	r = s.do("POST", "/api/query", queryRequest{SQL: "SELECT CAST(eventname AS integer) FROM cloudtrail"}, map[string]string{"Accept": "application/x-ndjson"})
	if r.status == 200 {
		_, _, last = ndjson(t, r.body)
		if last["error"] == nil {
			t.Errorf("a failing stream ends with %s", r.body[max(0, len(r.body)-200):])
		}
	} else if r.status != 400 {
		t.Errorf("a failing query: status %d %s", r.status, r.body)
	}
}

// TestQueryTimeRange checks that from and to give the answer of the same
// query with the time bound written by hand in each table's WHERE clause,
// and the answer computed in Go from the source files.
func TestQueryTimeRange(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	f := testLake(t)
	from, to := "2019-09-28T17:30:00Z", "2019-09-30T04:15:00Z"
	bound := "from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('" + from + "') AND from_iso8601_timestamp(eventtime) < from_iso8601_timestamp('" + to + "')"
	acct := ""
	for _, r := range f.records {
		acct = r.account
		break
	}
	cases := []struct{ ranged, byHand string }{
		{"SELECT count(*) FROM cloudtrail", "SELECT count(*) FROM cloudtrail WHERE " + bound},
		{"SELECT eventname, count(*) FROM cloudtrail_logs c WHERE c.errorcode IS NULL GROUP BY 1 ORDER BY 1",
			"SELECT eventname, count(*) FROM cloudtrail_logs c WHERE c.errorcode IS NULL AND " + strings.ReplaceAll(bound, "eventtime", "c.eventtime") + " GROUP BY 1 ORDER BY 1"},
		{"SELECT count(*) FROM cloudtrail_" + acct, "SELECT count(*) FROM cloudtrail_" + acct + " WHERE " + bound},
		// A WITH query named like the table: it is restricted where it
		// reads the table, not again where it is read.
		{"WITH cloudtrail AS (SELECT * FROM cloudtrail WHERE eventname LIKE 'Get%') SELECT count(*) FROM cloudtrail",
			"WITH cloudtrail AS (SELECT * FROM cloudtrail WHERE eventname LIKE 'Get%' AND " + bound + ") SELECT count(*) FROM cloudtrail"},
		// A self-join and a subquery: every read of the table is bounded.
		{"SELECT count(*) FROM cloudtrail a JOIN cloudtrail b ON a.eventid = b.eventid WHERE a.eventname IN (SELECT eventname FROM cloudtrail WHERE readonly = 'false')",
			"SELECT count(*) FROM (SELECT * FROM cloudtrail WHERE " + bound + ") a JOIN (SELECT * FROM cloudtrail WHERE " + bound + ") b ON a.eventid = b.eventid WHERE a.eventname IN (SELECT eventname FROM cloudtrail WHERE readonly = 'false' AND " + bound + ")"},
		{"SELECT count(*) FROM (cloudtrail) AS x WHERE x.readonly = 'true'",
			"SELECT count(*) FROM cloudtrail AS x WHERE x.readonly = 'true' AND " + strings.ReplaceAll(bound, "eventtime", "x.eventtime")},
		// trailsql's helper columns can still be named.
		{"SELECT max(eventtimestamp), count(DISTINCT c._object) FROM cloudtrail c", "SELECT max(eventtimestamp), count(DISTINCT c._object) FROM cloudtrail c WHERE " + strings.ReplaceAll(bound, "eventtime", "c.eventtime")},
		{"SELECT * FROM cloudtrail ORDER BY eventtime DESC, eventid LIMIT 20", "SELECT * FROM cloudtrail WHERE " + bound + " ORDER BY eventtime DESC, eventid LIMIT 20"},
	}
	for _, c := range cases {
		got := s.query(c.ranged, from, to)
		want := s.query(c.byHand, "", "")
		if !reflect.DeepEqual(got.Rows, want.Rows) || !reflect.DeepEqual(got.Columns, want.Columns) {
			t.Errorf("%s\nwith from/to: %d rows %.300v\nby hand:      %d rows %.300v", c.ranged, len(got.Rows), got.Rows, len(want.Rows), want.Rows)
		}
	}
	// The count, against the source files read in Go.
	lo, _ := time.Parse(time.RFC3339, from)
	hi, _ := time.Parse(time.RFC3339, to)
	n := 0
	for _, r := range f.records {
		if !r.time.Before(lo) && r.time.Before(hi) {
			n++
		}
	}
	got := s.query("SELECT count(*) FROM cloudtrail", from, to)
	if int(got.Rows[0][0].(float64)) != n || n == 0 || n == len(f.records) {
		t.Errorf("count in range %v, the source files have %d of %d", got.Rows[0][0], n, len(f.records))
	}
	// The range prunes: fewer files than the whole lake.
	all := s.query("SELECT count(*) FROM cloudtrail", "", "")
	oneHour := s.query("SELECT count(*) FROM cloudtrail", "2019-09-29T10:00:00Z", "2019-09-29T11:00:00Z")
	if oneHour.Stats.Files >= all.Stats.Files && all.Stats.Files > 1 {
		t.Errorf("an hour read %d files, the whole lake %d", oneHour.Stats.Files, all.Stats.Files)
	}
	// Only from, only to.
	for _, c := range []struct{ from, to, where string }{
		{from, "", "from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('" + from + "')"},
		{"", to, "from_iso8601_timestamp(eventtime) < from_iso8601_timestamp('" + to + "')"},
	} {
		got := s.query("SELECT count(*) FROM cloudtrail", c.from, c.to)
		want := s.query("SELECT count(*) FROM cloudtrail WHERE "+c.where, "", "")
		if !reflect.DeepEqual(got.Rows, want.Rows) {
			t.Errorf("from %q to %q: %v, by hand %v", c.from, c.to, got.Rows, want.Rows)
		}
	}
	// Bad ranges, and logs, are refused.
	for _, c := range []struct{ sql, from, to, want string }{
		{"SELECT 1", "yesterday", "", "not an RFC 3339 time"},
		{"SELECT 1", to, from, "is not before"},
		{"SELECT count(*) FROM logs", from, to, "cannot restrict the logs table"},
	} {
		r := s.do("POST", "/api/query", queryRequest{SQL: c.sql, From: c.from, To: c.to}, nil)
		if r.status != 400 || !strings.Contains(string(r.body), c.want) {
			t.Errorf("%s from %q to %q: %d %s; want 400 %q", c.sql, c.from, c.to, r.status, r.body, c.want)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	cases := []struct {
		sql          string
		from         string
		line, column int
		want         string
	}{
		{"SELECT eventname\nFROM cloudtrail\nWHERE AND", "", 3, 7, "syntax error"},
		{"SELECT eventname\nFROM cloudtrail\nWHERE AND", "2019-09-29T00:00:00Z", 3, 7, "syntax error"},
		{"SELECT 1;\nSELECT 2", "", 0, 0, "one query at a time"},
		{"", "", 0, 0, "no query"},
	}
	for _, c := range cases {
		r := s.do("POST", "/api/query", queryRequest{SQL: c.sql, From: c.from}, nil)
		var e apiError
		r.decode(t, &e)
		if r.status != 400 || e.Line != c.line || e.Column != c.column || !strings.Contains(e.Error, c.want) {
			t.Errorf("%q: %d %+v; want 400 at %d:%d %q", c.sql, r.status, e, c.line, c.column, c.want)
		}
	}
	// Bad bodies.
	for _, body := range []string{"", "{", `{"sql": 1}`, `{"sql": "SELECT 1", "extra": true}`, `{"sql": "SELECT 1"} {}`} {
		r := s.do("POST", "/api/query", body, nil)
		if r.status != 400 {
			t.Errorf("body %q: %d %s", body, r.status, r.body)
		}
	}
}

// TestQueryErrorPosition checks that a query error found where the query
// binds names its place in the user's text, with and without a time
// range (which rewrites the query that runs).
func TestQueryErrorPosition(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	for _, from := range []string{"", "2019-09-29T00:00:00Z"} {
		r := s.do("POST", "/api/query", queryRequest{SQL: "SELECT eventname,\n  nosuchcolumn\nFROM cloudtrail", From: from}, nil)
		var e apiError
		r.decode(t, &e)
		if r.status != 400 || !strings.Contains(e.Error, "nosuchcolumn") {
			t.Errorf("from %q: %d %+v", from, r.status, e)
		}
		if e.Line != 2 || e.Column != 3 {
			t.Errorf("from %q: position %d:%d, want 2:3", from, e.Line, e.Column)
		}
	}
}

// TestSandbox sends queries that try to leave the lake: each is refused
// with 400, and nothing of the files they name comes back.
func TestSandbox(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	hostile := []string{
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT * FROM read_csv_auto('/etc/passwd')",
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM read_parquet('/etc/passwd')",
		"SELECT * FROM read_parquet('" + filepath.Join(testLake(t).dir, "cloudtrail", "*", "*", "*", "*.parquet") + "')",
		"SELECT * FROM read_json('/etc/passwd')",
		"SELECT * FROM '/etc/passwd'",
		"SELECT * FROM glob('/etc/*')",
		"COPY (SELECT 1) TO '/tmp/trailsql-pwned.csv'",
		"COPY cloudtrail TO '/tmp/trailsql-pwned.csv'",
		"ATTACH '/tmp/trailsql-pwned.db' AS x",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SET enable_external_access = true",
		"SET memory_limit = '100GB'",
		"PRAGMA database_list",
		"CREATE TABLE x AS SELECT 1",
		"SELECT 1; SELECT * FROM read_csv('/etc/passwd')",
		"CALL pragma_version()",
		"EXPORT DATABASE '/tmp/trailsql-pwned'",
		"SELECT getenv('HOME')",
		"SELECT current_setting('home_directory')",
	}
	for _, q := range hostile {
		for _, from := range []string{"", "2019-09-29T00:00:00Z"} {
			r := s.do("POST", "/api/query", queryRequest{SQL: q, From: from}, nil)
			body := string(r.body)
			if r.status == 200 {
				// A few harmless functions run; they must not reveal the
				// machine.
				if strings.Contains(body, "/root") || strings.Contains(body, "/home") {
					t.Errorf("%s: 200 %s", q, body)
				}
				continue
			}
			if r.status != 400 || strings.Contains(body, "root:") || strings.Contains(body, "/etc/passwd") || strings.Contains(body, testLake(t).dir) {
				t.Errorf("%s (from %q): %d %s", q, from, r.status, body)
			}
		}
	}
	if _, err := os.Stat("/tmp/trailsql-pwned.csv"); err == nil {
		t.Error("COPY wrote a file")
	}
}

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, Config{MaxBody: 1 << 20}, query.Options{})
	big := `{"sql": "SELECT '` + strings.Repeat("x", 2<<20) + `'"}`
	for _, path := range []string{"/api/query", "/api/saved", "/api/history", "/api/reports/top-errors"} {
		r := s.do("POST", path, big, nil)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s with a 2 MiB body: %d %.200s", path, r.status, r.body)
		}
	}
}

func TestCSRF(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	body := queryRequest{SQL: "SELECT 1"}
	cases := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"the page's own request", nil, 200},
		{"no origin", map[string]string{"Origin": ""}, 403},
		{"another site", map[string]string{"Origin": "https://evil.example"}, 403},
		{"another port", map[string]string{"Origin": "http://127.0.0.1:1"}, 403},
		{"null origin", map[string]string{"Origin": "null"}, 403},
		{"no CSRF header", map[string]string{CSRFHeader: ""}, 403},
		{"wrong CSRF header", map[string]string{CSRFHeader: "0123456789abcdef0123456789abcdef"}, 403},
		{"referer instead of origin", map[string]string{"Origin": "", "Referer": s.ts.URL + "/query"}, 200},
		{"referer of another site", map[string]string{"Origin": "", "Referer": "https://evil.example/x"}, 403},
		{"a form post", map[string]string{"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded", CSRFHeader: ""}, 403},
	}
	for _, c := range cases {
		r := s.do("POST", "/api/query", body, c.hdr)
		if r.status != c.status {
			t.Errorf("%s: %d %s; want %d", c.name, r.status, r.body, c.status)
		}
	}
	r := s.do("DELETE", "/api/saved/x", nil, map[string]string{CSRFHeader: ""})
	if r.status != 403 {
		t.Errorf("DELETE without the CSRF header: %d", r.status)
	}
}

func TestHostCheck(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	for host, want := range map[string]int{"evil.example": 421, "evil.example:8080": 421, "localhost:8080": 200, "127.0.0.1": 200, "[::1]:80": 200} {
		req, _ := http.NewRequest("GET", s.ts.URL+"/api/samples", nil)
		req.Host = host
		resp, err := s.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	for _, p := range []string{"/", "/api/samples", "/api/nosuch", "/nosuch.js", "/api/openapi.json"} {
		r := s.do("GET", p, nil, nil)
		if r.header.Get("Content-Security-Policy") != ContentSecurityPolicy || r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", p, r.header)
		}
	}
	r := s.do("POST", "/api/query", queryRequest{SQL: "SELECT 1"}, map[string]string{"Origin": ""})
	if r.header.Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Error("a refused request has no CSP")
	}
}

func TestStatic(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	r := s.do("GET", "/", nil, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "text/html; charset=utf-8" || r.header.Get("Cache-Control") != "no-store" ||
		!bytes.Contains(r.body, []byte(`<meta name="trailsql-csrf" content="`+s.srv.CSRF()+`">`)) {
		t.Errorf("/: %d %v\n%s", r.status, r.header, r.body)
	}
	if bytes.Contains(r.body, []byte("<script>")) {
		t.Error("index.html has an inline script")
	}
	// A view's URL reloads the page.
	if r := s.do("GET", "/query/abc", nil, nil); r.status != 200 || !bytes.Contains(r.body, []byte("trailsql-csrf")) {
		t.Errorf("/query/abc: %d", r.status)
	}
	// Every embedded file has its type, and an ETag that gives 304.
	err := fsWalk(func(name string, data []byte) {
		if name == "index.html" {
			return
		}
		r := s.do("GET", "/"+name, nil, nil)
		if r.status != 200 || !bytes.Equal(r.body, data) || r.header.Get("ETag") == "" {
			t.Errorf("%s: %d, %d bytes, ETag %q", name, r.status, len(r.body), r.header.Get("ETag"))
		}
		if ct, ok := contentTypes[filepath.Ext(name)]; ok && r.header.Get("Content-Type") != ct {
			t.Errorf("%s: type %q, want %q", name, r.header.Get("Content-Type"), ct)
		}
		r2 := s.do("GET", "/"+name, nil, map[string]string{"If-None-Match": r.header.Get("ETag")})
		if r2.status != 304 {
			t.Errorf("%s with its ETag: %d", name, r2.status)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPathTraversal asks for files outside web/ in every spelling: none
// is served.
func TestPathTraversal(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	paths := []string{
		"/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/..\\..\\etc\\passwd", "/..%5c..%5cetc%5cpasswd", "/web/../../../etc/passwd", "//etc/passwd", "/./../etc/passwd",
		"/static/..%252f..%252fetc%252fpasswd", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/server.go", "/static.go", "/openapi.json/../server.go",
		"/.%2e/.%2e/etc/passwd", "/web/index.html/..", "/..;/etc/passwd",
	}
	for _, p := range paths {
		req, err := http.NewRequest("GET", s.ts.URL+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = p // sent as written, not cleaned by the client
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		body := b.String()
		if strings.Contains(body, "root:") || strings.Contains(body, "package server") {
			t.Errorf("%s: %d served a file outside web/: %.100s", p, resp.StatusCode, body)
		}
		if resp.StatusCode == 200 && !strings.Contains(body, "trailsql-csrf") {
			t.Errorf("%s: 200 with %.100s", p, body)
		}
	}
}

// TestToken binds 0.0.0.0 (every interface) and connects over loopback:
// every request needs the token.
func TestToken(t *testing.T) {
	f := testLake(t)
	_ = f
	base := newTestServer(t, Config{}, query.Options{})
	srv, err := New(base.app, Config{Addr: "0.0.0.0:0", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	token := srv.Token()
	if len(token) < 32 {
		t.Fatalf("generated token %q", token)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- srv.Serve(ctx, nil, func(a net.Addr) { addrc <- a.String() })
	}()
	addr := <-addrc
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	_, port, _ := strings.Cut(strings.TrimPrefix(addr, "[::]"), ":")
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		port = addr[i+1:]
	}
	url := "http://127.0.0.1:" + port
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, hdr map[string]string, cookies ...*http.Cookie) *http.Response {
		req, _ := http.NewRequest("GET", url+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, c := range []struct {
		name   string
		path   string
		hdr    map[string]string
		cookie *http.Cookie
		status int
	}{
		{"no token", "/api/samples", nil, nil, 401},
		{"no token, page", "/", nil, nil, 401},
		{"no token, file", "/index.html", nil, nil, 401},
		{"wrong bearer", "/api/samples", map[string]string{"Authorization": "Bearer " + strings.Repeat("0", len(token))}, nil, 401},
		{"bearer prefix of the token", "/api/samples", map[string]string{"Authorization": "Bearer " + token[:10]}, nil, 401},
		{"basic auth", "/api/samples", map[string]string{"Authorization": "Basic " + token}, nil, 401},
		{"bearer", "/api/samples", map[string]string{"Authorization": "Bearer " + token}, nil, 200},
		{"wrong cookie", "/api/samples", nil, &http.Cookie{Name: TokenCookie, Value: "x"}, 401},
		{"cookie", "/api/samples", nil, &http.Cookie{Name: TokenCookie, Value: token}, 200},
		{"token in an API URL", "/api/samples?token=" + token, nil, nil, 401},
		{"wrong token in the page URL", "/?token=nope", nil, nil, 401},
	} {
		var cs []*http.Cookie
		if c.cookie != nil {
			cs = append(cs, c.cookie)
		}
		resp := get(c.path, c.hdr, cs...)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.name, resp.StatusCode, c.status)
		}
		if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", c.name)
		}
	}
	// The page with ?token= sets the cookie and goes to the page without it.
	resp := get("/?token="+token, nil)
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == TokenCookie {
			cookie = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || cookie == nil || cookie.Value != token ||
		!cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Errorf("/?token=: %d Location %q cookie %+v", resp.StatusCode, resp.Header.Get("Location"), cookie)
	}
	// Behind a TLS proxy, the cookie is Secure.
	resp = get("/?token="+token, map[string]string{"X-Forwarded-Proto": "https"})
	if cs := resp.Cookies(); len(cs) != 1 || !cs[0].Secure {
		t.Errorf("/?token= through a TLS proxy: cookies %+v", cs)
	}
	// A script with the bearer token posts without the page's CSRF token;
	// a browser with the cookie needs it.
	post := func(hdr map[string]string) int {
		req, _ := http.NewRequest("POST", url+"/api/query", strings.NewReader(`{"sql": "SELECT 1"}`))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(map[string]string{"Authorization": "Bearer " + token}); st != 200 {
		t.Errorf("POST with the bearer token: %d", st)
	}
	if st := post(map[string]string{"Cookie": TokenCookie + "=" + token, "Origin": url}); st != 403 {
		t.Errorf("POST with the cookie, without the CSRF header: %d", st)
	}
	if st := post(map[string]string{"Cookie": TokenCookie + "=" + token, "Origin": url, CSRFHeader: srv.CSRF()}); st != 200 {
		t.Errorf("POST with the cookie and the CSRF header: %d", st)
	}
	// Bound beyond loopback, the Host check does not apply (names differ).
	if resp := get("/api/samples", map[string]string{"Authorization": "Bearer " + token, "Host": "trailsql.example"}); resp.StatusCode != 200 {
		t.Errorf("Host trailsql.example with the token: %d", resp.StatusCode)
	}
}

// waitSlots waits until n query slots of srv are taken.
func waitSlots(t *testing.T, srv *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.slots) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d query slots taken, want %d", len(srv.slots), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// slowQuery runs for many minutes.
const slowQuery = "SELECT count(*) FROM UNNEST(sequence(1, 100000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 100000)) AS b(y) CROSS JOIN UNNEST(sequence(1, 100000)) AS c(z)"

func TestConcurrencyLimit(t *testing.T) {
	s := newTestServer(t, Config{MaxQueries: 1, QueueWait: 200 * time.Millisecond}, query.Options{Conns: 1})
	slow := queryRequest{SQL: slowQuery}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		j, _ := json.Marshal(slow)
		req, _ := http.NewRequestWithContext(ctx, "POST", s.ts.URL+"/api/query", bytes.NewReader(j))
		req.Header.Set("Origin", s.ts.URL)
		req.Header.Set(CSRFHeader, s.srv.CSRF())
		close(started)
		resp, err := s.ts.Client().Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			t.Logf("the slow query: %d %s", resp.StatusCode, b)
		}
	}()
	<-started
	waitSlots(t, s.srv, 1)
	r := s.do("POST", "/api/query", queryRequest{SQL: "SELECT 1"}, nil)
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("a query while the only slot is taken: %d %s (Retry-After %q)", r.status, r.body, r.header.Get("Retry-After"))
	}
	// Endpoints that run no query are not limited.
	if r := s.do("GET", "/api/samples", nil, nil); r.status != 200 {
		t.Errorf("samples while the slot is taken: %d", r.status)
	}
	// The client goes away: its query is cancelled and the slot freed at
	// once (the query alone would run for minutes).
	cancel()
	<-done
	start := time.Now()
	for {
		r = s.do("POST", "/api/query", queryRequest{SQL: "SELECT 1"}, nil)
		if r.status == 200 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("10 s after the client went away, queries get %d %s", r.status, r.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestQueueWait checks that a query waits for a slot that frees within
// QueueWait instead of being refused.
func TestQueueWait(t *testing.T) {
	s := newTestServer(t, Config{MaxQueries: 1, QueueWait: 20 * time.Second}, query.Options{Conns: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		j, _ := json.Marshal(queryRequest{SQL: slowQuery})
		req, _ := http.NewRequestWithContext(ctx, "POST", s.ts.URL+"/api/query", bytes.NewReader(j))
		req.Header.Set("Origin", s.ts.URL)
		req.Header.Set(CSRFHeader, s.srv.CSRF())
		if resp, err := s.ts.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitSlots(t, s.srv, 1)
	time.AfterFunc(300*time.Millisecond, cancel) // the slow query's client goes away
	start := time.Now()
	r := s.do("POST", "/api/query", queryRequest{SQL: "SELECT 1"}, nil)
	if r.status != 200 || time.Since(start) < 250*time.Millisecond {
		t.Errorf("a query that waited for the slot: %d after %s: %s", r.status, time.Since(start), r.body)
	}
	<-done
}

// bigAnswer is 3M rows, about 150 MB of NDJSON.
const bigAnswer = "SELECT x, 'a fairly long text to make the answer large' AS t FROM UNNEST(sequence(1, 3000000)) AS a(x)"

// goneWriter is a client that reads the first line of a stream and goes
// away: later writes fail, and the request's context is cancelled.
type goneWriter struct {
	header http.Header
	cancel context.CancelFunc
	n      int // bytes accepted
	writes int
}

func (w *goneWriter) Header() http.Header { return w.header }
func (w *goneWriter) WriteHeader(int)     {}
func (w *goneWriter) Write(b []byte) (int, error) {
	w.writes++
	if w.writes > 1 {
		w.cancel()
		return 0, errors.New("connection reset by peer")
	}
	w.n += len(b)
	return len(b), nil
}

// TestStreamStopsWhenClientGoes checks that the server stops writing, and
// the query stops, when the client of a stream goes away.
func TestStreamStopsWhenClientGoes(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{MaxRows: -1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j, _ := json.Marshal(queryRequest{SQL: bigAnswer})
	req := httptest.NewRequestWithContext(ctx, "POST", "http://127.0.0.1/api/query", bytes.NewReader(j))
	req.Header.Set("Origin", "http://127.0.0.1")
	req.Header.Set(CSRFHeader, s.srv.CSRF())
	req.Header.Set("Accept", "application/x-ndjson")
	w := &goneWriter{header: http.Header{}, cancel: cancel}
	s.srv.Handler().ServeHTTP(w, req)
	if w.writes > 3 || w.n > 1<<20 {
		t.Errorf("the server wrote %d times (%d bytes) to a client that went away", w.writes, w.n)
	}
	if len(s.srv.slots) != 0 {
		t.Error("the query's slot was not released")
	}
}

// TestCancelStream checks that a client that stops reading a stream and
// goes away cancels the query.
func TestCancelStream(t *testing.T) {
	s := newTestServer(t, Config{MaxQueries: 1}, query.Options{Conns: 1, MaxRows: -1})
	ctx, cancel := context.WithCancel(context.Background())
	j, _ := json.Marshal(queryRequest{SQL: bigAnswer})
	req, _ := http.NewRequestWithContext(ctx, "POST", s.ts.URL+"/api/query", bytes.NewReader(j))
	req.Header.Set("Origin", s.ts.URL)
	req.Header.Set(CSRFHeader, s.srv.CSRF())
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, `{"columns"`) {
		t.Fatalf("first line %q (%v)", line, err)
	}
	cancel()
	resp.Body.Close()
	start := time.Now()
	for {
		r := s.do("POST", "/api/query", queryRequest{SQL: "SELECT 1"}, nil)
		if r.status == 200 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("10 s after the client went away, queries get %d %s", r.status, r.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTables(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	r := s.do("GET", "/api/tables", nil, nil)
	var tables []tableJSON
	r.decode(t, &tables)
	byName := map[string]tableJSON{}
	for _, tb := range tables {
		byName[tb.Name] = tb
	}
	ct, ok := byName["cloudtrail"]
	if !ok || len(byName["logs"].Columns) == 0 {
		t.Fatalf("tables %v", byName)
	}
	var uid *fieldJSON
	for i, c := range ct.Columns {
		if c.Name == "useridentity" {
			uid = &ct.Columns[i]
		}
	}
	if uid == nil || !strings.HasPrefix(uid.Type, "row(") {
		t.Fatalf("useridentity %+v", uid)
	}
	fields := map[string]fieldJSON{}
	for _, f := range uid.Fields {
		fields[f.Name] = f
	}
	if fields["arn"].Type != "varchar" || len(fields["sessioncontext"].Fields) == 0 {
		t.Errorf("useridentity's fields %+v", uid.Fields)
	}
	// Every field listed can be queried.
	var paths []string
	var walk func(prefix string, fs []fieldJSON)
	walk = func(prefix string, fs []fieldJSON) {
		for _, f := range fs {
			if strings.HasPrefix(f.Type, "array(") {
				continue
			}
			paths = append(paths, prefix+f.Name)
			walk(prefix+f.Name+".", f.Fields)
		}
	}
	walk("", ct.Columns)
	a := s.query("SELECT "+strings.Join(paths, ", ")+" FROM cloudtrail LIMIT 1", "", "")
	if len(a.Columns) != len(paths) {
		t.Errorf("%d columns for %d paths", len(a.Columns), len(paths))
	}
}

func TestRowFields(t *testing.T) {
	got := rowFields(`array(row(arn varchar, "type" varchar, tags map(varchar, varchar), s row(a bigint, b array(row(c double)))))`)
	b, _ := json.Marshal(got)
	want := `[{"name":"arn","type":"varchar"},{"name":"type","type":"varchar"},{"name":"tags","type":"map(varchar, varchar)"},{"name":"s","type":"row(a bigint, b array(row(c double)))","fields":[{"name":"a","type":"bigint"},{"name":"b","type":"array(row(c double))","fields":[{"name":"c","type":"double"}]}]}]`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if rowFields("varchar") != nil || rowFields("array(varchar)") != nil {
		t.Error("fields of a type that is not a row")
	}
}

func TestFunctions(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	var names []string
	s.do("GET", "/api/functions", nil, nil).decode(t, &names)
	if !reflect.DeepEqual(names, query.FunctionNames()) || !sort.StringsAreSorted(names) {
		t.Errorf("functions %v", names)
	}
}

func TestReports(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	var reps []reportJSON
	s.do("GET", "/api/reports", nil, nil).decode(t, &reps)
	if len(reps) != len(s.srv.reports.Reports()) || len(reps) == 0 {
		t.Fatalf("%d reports", len(reps))
	}
	withParams := 0
	for _, r := range reps {
		if r.Title == "" || r.Description == "" || r.SQL == "" {
			t.Errorf("report %+v", r)
		}
		withParams += len(r.Params)
	}
	if withParams == 0 {
		t.Error("no report lists a parameter")
	}
	// Running a report gives what its SQL gives, bound by hand.
	rep := s.srv.reports.Lookup("top-errors")
	if rep == nil {
		t.Fatal("no report top-errors")
	}
	r := s.do("POST", "/api/reports/top-errors", map[string]any{"params": map[string]string{}, "from": "2019-09-29T00:00:00Z"}, nil)
	if r.status != 200 {
		t.Fatalf("top-errors: %d %s", r.status, r.body)
	}
	var got answerJSON
	r.decode(t, &got)
	since, _ := time.Parse(time.RFC3339, "2019-09-29T00:00:00Z")
	text, args, _, err := rep.Bind(reportInputs(since))
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.app.Query(context.Background(), text, args...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(want.Rows) || len(got.Rows) == 0 {
		t.Errorf("top-errors: %d rows over HTTP, %d bound by hand", len(got.Rows), len(want.Rows))
	}
	for _, c := range []struct {
		path string
		body any
		want int
	}{
		{"/api/reports/nosuch", map[string]any{}, 404},
		{"/api/reports/top-errors", map[string]any{"params": map[string]string{"nosuch": "1"}}, 400},
		{"/api/reports/top-errors", map[string]any{"account": "12"}, 400},
		{"/api/reports/top-errors", map[string]any{"from": "bad"}, 400},
	} {
		if r := s.do("POST", c.path, c.body, nil); r.status != c.want {
			t.Errorf("%s %v: %d %s, want %d", c.path, c.body, r.status, r.body, c.want)
		}
	}
}

func TestEvent(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	f := testLake(t)
	n := 0
	for id, rec := range f.records {
		r := s.do("GET", "/api/events/"+id, nil, nil)
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", id, r.status, r.body)
		}
		var got, want any
		json.Unmarshal(r.body, &got)
		json.Unmarshal(rec.json, &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s rebuilt:\n%s\nsource:\n%s", id, r.body, rec.json)
		}
		if n++; n == 300 {
			break
		}
	}
	for path, want := range map[string]int{
		"/api/events/00000000-0000-0000-0000-000000000000": 404,
		"/api/events/x'%20OR%20'1'='1":                     400,
	} {
		if r := s.do("GET", path, nil, nil); r.status != want {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
}

func TestWhoisTimelineGaps(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	a := s.query("SELECT useridentity.accesskeyid, useridentity.arn FROM cloudtrail WHERE useridentity.type = 'AssumedRole' AND useridentity.accesskeyid LIKE 'ASIA%' LIMIT 1", "", "")
	if len(a.Rows) == 0 {
		t.Fatal("the fixture has no assumed-role event")
	}
	key, arn := a.Rows[0][0].(string), a.Rows[0][1].(string)
	var w whoisJSON
	r := s.do("GET", "/api/whois?principal="+key, nil, nil)
	r.decode(t, &w)
	if r.status != 200 || w.Query != key || len(w.Chains) == 0 || w.Chains[0].Start != key {
		t.Errorf("whois %s: %d %s", key, r.status, r.body)
	}
	if r := s.do("GET", "/api/whois", nil, nil); r.status != 400 {
		t.Errorf("whois without principal: %d", r.status)
	}

	var tl []timelineJSON
	r = s.do("GET", "/api/timeline?principal="+arn+"&from=2019-09-28T00:00:00Z&to=2019-10-02T00:00:00Z", nil, nil)
	r.decode(t, &tl)
	if r.status != 200 || len(tl) == 0 {
		t.Errorf("timeline of %s: %d %.300s", arn, r.status, r.body)
	}
	for i := 1; i < len(tl); i++ {
		if tl[i].Time.Before(tl[i-1].Time) {
			t.Fatalf("timeline out of order at %d", i)
		}
	}
	for _, q := range []string{"", "principal=a&ip=1.2.3.4", "principal=a&from=bad"} {
		if r := s.do("GET", "/api/timeline?"+q, nil, nil); r.status != 400 {
			t.Errorf("timeline?%s: %d %s", q, r.status, r.body)
		}
	}

	r = s.do("GET", "/api/gaps.svg", nil, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(bytes.TrimSpace(r.body), []byte("<svg")) && !bytes.Contains(r.body[:min(200, len(r.body))], []byte("<svg")) {
		t.Errorf("gaps.svg: %d %q %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
}

func TestIntegrity(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	var st map[string]any
	s.do("GET", "/api/integrity", nil, nil).decode(t, &st)
	if st["configured"] != false {
		t.Errorf("integrity without --verify: %v", st)
	}
	rep := &integrity.Report{OK: false, Problems: 2}
	checks := 0
	now := testNow
	s2 := newTestServer(t, Config{Now: func() time.Time { return now },
		Verify: func(context.Context) (*integrity.Report, error) { checks++; return rep, nil }}, query.Options{})
	for i, want := range []int{1, 1, 2} {
		if i == 2 {
			now = now.Add(integrityTTL) // the report is old: checked again
		}
		r := s2.do("GET", "/api/integrity", nil, nil)
		var got integrity.Report
		r.decode(t, &got)
		if r.status != 200 || got.Problems != 2 || got.OK || checks != want {
			t.Errorf("integrity #%d: %d %s after %d checks, want %d", i, r.status, r.body, checks, want)
		}
	}
	s3 := newTestServer(t, Config{Verify: func(context.Context) (*integrity.Report, error) {
		return nil, fmt.Errorf("cannot open /secret/place/digests: %w", os.ErrPermission)
	}}, query.Options{})
	r := s3.do("GET", "/api/integrity", nil, nil)
	if r.status != 500 || strings.Contains(string(r.body), "/secret") {
		t.Errorf("a failing check: %d %s", r.status, r.body)
	}
}

func TestFindings(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	dir := testLake(t).dir
	st := detect.OpenStore(dir, func() time.Time { return testNow })
	t.Cleanup(func() { os.RemoveAll(st.Dir()) })
	os.RemoveAll(st.Dir())
	var groups []findingGroup
	if r := s.do("GET", "/api/findings", nil, nil); r.status != 200 {
		t.Fatalf("findings of a lake without any: %d %s", r.status, r.body)
	} else if r.decode(t, &groups); len(groups) != 0 {
		t.Fatalf("findings of a lake without any: %+v", groups)
	}
	t0 := time.Date(2019, 9, 29, 10, 0, 0, 0, time.UTC)
	fs := []detect.Finding{
		{RuleID: "r1", Title: "Rule one", Level: "high", Tactics: []string{"persistence", "privilege_escalation"}, Events: 3, First: t0, Last: t0.Add(time.Hour), Key: "k1"},
		{RuleID: "r1", Title: "Rule one", Level: "high", Tactics: []string{"persistence"}, Events: 2, First: t0.Add(2 * time.Hour), Last: t0.Add(3 * time.Hour), Key: "k2"},
		{RuleID: "r2", Title: "Rule two", Level: "low", Events: 5, First: t0, Last: t0, Key: "k3"},
		{RuleID: "r3", Title: "Rule three", Level: "medium", Tactics: []string{"defense_evasion"}, Events: 1, First: t0, Last: t0, Key: "k4"},
	}
	if _, err := st.Add(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	// The groups, computed in Go.
	type agg struct {
		n, events   int64
		first, last time.Time
	}
	byRule, byTactic := map[string]*agg{}, map[string]*agg{}
	add := func(m map[string]*agg, k string, f detect.Finding) {
		a := m[k]
		if a == nil {
			a = &agg{first: f.First, last: f.Last}
			m[k] = a
		}
		a.n++
		a.events += f.Events
		if f.First.Before(a.first) {
			a.first = f.First
		}
		if f.Last.After(a.last) {
			a.last = f.Last
		}
	}
	for _, f := range fs {
		add(byRule, f.RuleID, f)
		for _, tc := range f.Tactics {
			add(byTactic, tc, f)
		}
	}
	for group, want := range map[string]map[string]*agg{"rule": byRule, "tactic": byTactic} {
		r := s.do("GET", "/api/findings?group="+group, nil, nil)
		if r.status != 200 {
			t.Fatalf("by %s: %d %s", group, r.status, r.body)
		}
		groups = nil
		r.decode(t, &groups)
		if len(groups) != len(want) {
			t.Errorf("by %s: %d groups, want %d: %s", group, len(groups), len(want), r.body)
		}
		for i, g := range groups {
			w := want[g.Key]
			if w == nil || g.Findings != w.n || g.Events != w.events || g.First != w.first.Format(time.RFC3339Nano) || g.Last != w.last.Format(time.RFC3339Nano) {
				t.Errorf("by %s: group %+v, want %+v", group, g, w)
			}
			if i > 0 && groups[i-1].Findings < g.Findings {
				t.Errorf("by %s: not largest first: %s", group, r.body)
			}
		}
	}
	if r := s.do("GET", "/api/findings?group=nosuch", nil, nil); r.status != 400 {
		t.Errorf("findings by nosuch: %d", r.status)
	}
}

func TestHistoryAndSaved(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	dir := filepath.Join(testLake(t).dir, "_trailsql", "console")
	os.RemoveAll(dir)
	t.Cleanup(func() { os.RemoveAll(dir) })
	var h []HistoryEntry
	s.do("GET", "/api/history", nil, nil).decode(t, &h)
	if len(h) != 0 {
		t.Fatalf("history of a new lake: %v", h)
	}
	for i := range 3 {
		r := s.do("POST", "/api/history", HistoryEntry{SQL: fmt.Sprintf("SELECT %d", i), ElapsedMS: 1.5, Rows: 1}, nil)
		if r.status != 201 {
			t.Fatalf("POST history: %d %s", r.status, r.body)
		}
	}
	s.do("GET", "/api/history", nil, nil).decode(t, &h)
	if len(h) != 3 || h[0].SQL != "SELECT 2" || h[2].SQL != "SELECT 0" || h[0].ID == "" || !h[0].At.Equal(testNow) {
		t.Errorf("history %+v", h)
	}
	// It is kept in the lake, for the next server.
	var onDisk []HistoryEntry
	b, err := os.ReadFile(filepath.Join(dir, "history.json"))
	if err != nil || json.Unmarshal(b, &onDisk) != nil || len(onDisk) != 3 {
		t.Errorf("history.json: %v %s", err, b)
	}
	var sq SavedQuery
	r := s.do("POST", "/api/saved", SavedQuery{Name: "errors", SQL: "SELECT errorcode FROM cloudtrail"}, nil)
	r.decode(t, &sq)
	if r.status != 201 || sq.ID == "" {
		t.Fatalf("POST saved: %d %s", r.status, r.body)
	}
	var saved []SavedQuery
	s.do("GET", "/api/saved", nil, nil).decode(t, &saved)
	if len(saved) != 1 || saved[0] != sq {
		t.Errorf("saved %+v", saved)
	}
	if r := s.do("DELETE", "/api/saved/"+sq.ID, nil, nil); r.status != 204 {
		t.Errorf("DELETE: %d %s", r.status, r.body)
	}
	if r := s.do("DELETE", "/api/saved/"+sq.ID, nil, nil); r.status != 404 {
		t.Errorf("DELETE again: %d %s", r.status, r.body)
	}
	for _, bad := range []any{SavedQuery{Name: "", SQL: "SELECT 1"}, SavedQuery{Name: "x", SQL: ""}, map[string]any{"name": "x", "sql": "SELECT 1", "id": 5}} {
		if r := s.do("POST", "/api/saved", bad, nil); r.status != 400 {
			t.Errorf("POST saved %v: %d", bad, r.status)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}

func TestSamples(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	var got []sample
	s.do("GET", "/api/samples", nil, nil).decode(t, &got)
	if len(got) != len(samples) {
		t.Fatalf("%d samples", len(got))
	}
	for _, sm := range got {
		s.query(sm.SQL, "", "")
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	s := newTestServer(t, Config{}, query.Options{})
	if r := s.do("GET", "/api/nosuch", nil, nil); r.status != 404 {
		t.Errorf("/api/nosuch: %d", r.status)
	}
	if r := s.do("PUT", "/index.html", "x", nil); r.status != 405 {
		t.Errorf("PUT /index.html: %d", r.status)
	}
}

func TestPanicIsGeneric(t *testing.T) {
	var logged bytes.Buffer
	s := &Server{cfg: Config{Log: slog.New(slog.NewTextHandler(&logged, nil))}}
	h := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("BUG: secret detail at /srv/trailsql/internal/server/x.go:12")
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/x", nil))
	body := w.Body.String()
	if w.Code != 500 || strings.Contains(body, "secret") || strings.Contains(body, ".go") || strings.Contains(body, "goroutine") {
		t.Errorf("%d %s", w.Code, body)
	}
	if !strings.Contains(logged.String(), "secret detail") || !strings.Contains(logged.String(), "stack") {
		t.Errorf("the log has %s", logged.String())
	}
}

// TestAccessLog checks that requests are logged without their query
// string (which may hold the token).
func TestAccessLog(t *testing.T) {
	var logged bytes.Buffer
	var mu sync.Mutex
	s := newTestServer(t, Config{Log: slog.New(slog.NewTextHandler(lockedWriter{&mu, &logged}, nil))}, query.Options{})
	s.do("GET", "/api/samples?token=secret-token-value", nil, nil)
	mu.Lock()
	defer mu.Unlock()
	if l := logged.String(); !strings.Contains(l, "path=/api/samples") || !strings.Contains(l, "status=200") || strings.Contains(l, "secret-token-value") {
		t.Errorf("log: %s", l)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestSanitize(t *testing.T) {
	s := &Server{lake: "/srv/lake"}
	for in, want := range map[string]string{
		"cannot open file /srv/lake/cloudtrail/x.parquet: no":       "cannot open file <lake>/cloudtrail/x.parquet: no",
		"IO Error: No files found that match '/home/u/x/*.parquet'": "IO Error: No files found that match '<path>'",
		"unknown column \"arn\" (close matches: useridentity.arn)":  "unknown column \"arn\" (close matches: useridentity.arn)",
		"Could not convert string 'arn:aws:iam::1:role/a/b' to INT": "Could not convert string 'arn:aws:iam::1:role/a/b' to INT",
	} {
		if got := s.sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func reportInputs(since time.Time) report.Inputs { return report.Inputs{Since: since} }

// fsWalk calls fn with each embedded file of web/ but directories.
func fsWalk(fn func(name string, data []byte)) error {
	return fs.WalkDir(web, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web, p)
		if err != nil {
			return err
		}
		fn(strings.TrimPrefix(p, "web/"), b)
		return nil
	})
}
