package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/query"
)

// FuzzAPI sends arbitrary bodies, paths and query strings to the API's
// endpoints that read: the server must answer every request (no panic,
// which the server would turn into a 500), with a status below 500 or
// 503, and an error as one JSON object that shows no file path of the
// lake. The endpoints that write (history, saved queries) are left out so
// that the fixture lake stays as the other tests expect it.
func FuzzAPI(f *testing.F) {
	fixtureOnce.Do(func() { fixture, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		f.Fatal(fixtureErr)
	}
	a, err := app.Open(context.Background(), app.Config{Lake: fixture.dir,
		Query: query.Options{Conns: 2, Timeout: 5 * time.Second, Now: func() time.Time { return testNow }},
		Now:   func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { a.Close() })
	srv, err := New(a, Config{Addr: "127.0.0.1:0", Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()

	for _, seed := range []struct {
		route uint8
		arg   string
		body  []byte
	}{
		{0, "", []byte(`{"sql": "SELECT count(*) FROM cloudtrail"}`)},
		{0, "", []byte(`{"sql": "SELECT eventname FROM cloudtrail WHERE eventtime > '2019-09-30'", "from": "2019-09-29T00:00:00Z", "to": "2019-10-01T00:00:00Z"}`)},
		{0, "", []byte(`{"sql": "SELECT * FROM read_csv('/etc/passwd')"}`)},
		{0, "", []byte(`{"sql": 12}`)},
		{0, "", []byte(`{"sql": "SELECT 1", "from": "yesterday"}`)},
		{0, "", []byte(`not json`)},
		{1, "security-group-opened-to-world", []byte(`{"params": {"days": "7"}}`)},
		{1, "../../etc/passwd", []byte(`{}`)},
		{2, "no-such-event", nil},
		{2, "%00%2e%2e%2f", nil},
		{3, "principal=arn:aws:iam::111111111111:user/alice", nil},
		{4, "ip=1.2.3.4&from=2019-09-29T00:00:00Z&to=x", nil},
		{5, "group=tactic", nil},
		{6, "from=2019&to=2020", nil},
	} {
		f.Add(seed.route, seed.arg, seed.body)
	}
	f.Fuzz(func(t *testing.T, route uint8, arg string, body []byte) {
		var method, target string
		switch route % 7 {
		case 0:
			method, target = http.MethodPost, "/api/query"
		case 1:
			method, target = http.MethodPost, "/api/reports/"+url.PathEscape(arg)
		case 2:
			method, target = http.MethodGet, "/api/events/"+url.PathEscape(arg)
		case 3:
			method, target = http.MethodGet, "/api/whois?"+arg
		case 4:
			method, target = http.MethodGet, "/api/timeline?"+arg
		case 5:
			method, target = http.MethodGet, "/api/findings?"+arg
		default:
			method, target = http.MethodGet, "/api/gaps.svg?"+arg
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+target, bytes.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		req.Host = "127.0.0.1"
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", "http://127.0.0.1")
			req.Header.Set(CSRFHeader, srv.CSRF())
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		resp := w.Result()
		if resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s %s %q: status %d: %s", method, target, body, resp.StatusCode, w.Body.String())
		}
		if resp.StatusCode >= 400 {
			var e map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e["error"] == nil {
				t.Fatalf("%s %s %q: status %d, body not a JSON error: %s", method, target, body, resp.StatusCode, w.Body.String())
			}
			if strings.Contains(w.Body.String(), fixture.dir) {
				t.Fatalf("%s %s %q: the error shows the lake's path: %s", method, target, body, w.Body.String())
			}
		}
	})
}
