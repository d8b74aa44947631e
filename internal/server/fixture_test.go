package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/query"
)

var testNow = time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC)

// lakeFixture is a lake of generated events, built once for the package's
// tests, with the source records read in Go apart from the lake.
type lakeFixture struct {
	src, dir string
	records  map[string]rawRecord // by eventID
}

// rawRecord is one source record as the log files hold it.
type rawRecord struct {
	json      json.RawMessage
	eventName string
	account   string
	time      time.Time
}

var (
	fixtureOnce sync.Once
	fixture     *lakeFixture
	fixtureErr  error
)

// testLake returns the package's lake fixture: 6,000 generated events of
// two accounts and two regions over five days (two months: four files),
// ingested.
func testLake(t *testing.T) *lakeFixture {
	t.Helper()
	fixtureOnce.Do(func() { fixture, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

func buildFixture() (*lakeFixture, error) {
	ctx := context.Background()
	root, err := os.MkdirTemp("", "trailsql-server-test-")
	if err != nil {
		return nil, err
	}
	f := &lakeFixture{src: filepath.Join(root, "src"), dir: filepath.Join(root, "lake")}
	if _, err := gen.Generate(ctx, gen.Options{Dir: f.src, Events: 6000, Accounts: 2, Regions: 2, Days: 5, Seed: 1,
		Start: time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC), Org: gen.DefaultOrg, Workers: 2}, nil); err != nil {
		return nil, err
	}
	w, err := app.Open(ctx, app.Config{Lake: f.dir, Write: true, Now: func() time.Time { return testNow }})
	if err != nil {
		return nil, err
	}
	s, err := w.OpenSource(ctx, f.src)
	if err != nil {
		w.Close()
		return nil, err
	}
	if _, err := w.Ingest(ctx, ingest.Options{Sources: []ingest.Source{s}}); err != nil {
		w.Close()
		return nil, err
	}
	w.Close()
	f.records, err = readRecords(f.src)
	return f, err
}

// readRecords reads every log file under dir in Go and returns its
// records by eventID.
func readRecords(dir string) (map[string]rawRecord, error) {
	out := map[string]rawRecord{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") || strings.Contains(filepath.ToSlash(p), "/CloudTrail-Digest/") {
			return err
		}
		fh, err := os.Open(p)
		if err != nil {
			return err
		}
		defer fh.Close()
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return err
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.NewDecoder(zr).Decode(&doc); err != nil {
			return err
		}
		for _, raw := range doc.Records {
			var r struct {
				EventID, EventName, EventTime, RecipientAccountID string
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				return err
			}
			t, err := time.Parse(time.RFC3339, r.EventTime)
			if err != nil {
				return err
			}
			out[r.EventID] = rawRecord{json: raw, eventName: r.EventName, account: r.RecipientAccountID, time: t.UTC()}
		}
		return nil
	})
	return out, err
}

// testServer is a server over the fixture, and an HTTP client for it.
type testServer struct {
	t   *testing.T
	srv *Server
	ts  *httptest.Server
	app *app.App
}

// newTestServer starts a server over the lake fixture on loopback with
// cfg (its Addr is 127.0.0.1:0 unless set) and engine options qopts.
func newTestServer(t *testing.T, cfg Config, qopts query.Options) *testServer {
	t.Helper()
	f := testLake(t)
	if qopts.Conns == 0 {
		qopts.Conns = 2
	}
	qopts.Now = func() time.Time { return testNow }
	a, err := app.Open(context.Background(), app.Config{Lake: f.dir, Query: qopts, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	srv, err := New(a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testServer{t: t, srv: srv, ts: ts, app: a}
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("cannot decode %s: %v", r.body, err)
	}
}

// do sends a request as the console's page does: with the Origin of the
// server and the CSRF token on requests that change something. Headers in
// hdr replace those (an empty value removes one).
func (s *testServer) do(method, path string, body any, hdr map[string]string) response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.ts.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", s.ts.URL)
		req.Header.Set(CSRFHeader, s.srv.CSRF())
	}
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// query runs sql over the time range from, to and returns the answer,
// failing the test unless it is 200.
func (s *testServer) query(sql, from, to string) answerJSON {
	s.t.Helper()
	r := s.do("POST", "/api/query", queryRequest{SQL: sql, From: from, To: to}, nil)
	if r.status != http.StatusOK {
		s.t.Fatalf("%s: status %d: %s", sql, r.status, r.body)
	}
	var a answerJSON
	r.decode(s.t, &a)
	return a
}
