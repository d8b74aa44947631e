package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/iostreams"
	"github.com/trailsql/trailsql/internal/trailtest"
)

func TestServeFlags(t *testing.T) {
	cases := []struct {
		args  []string
		env   map[string]string
		check func(*ServeOptions) bool
		usage bool
	}{
		{args: nil, check: func(o *ServeOptions) bool { return o.Addr == "127.0.0.1:8080" && o.Token == "" && o.MaxQueries == 4 }},
		{args: []string{"--addr", "0.0.0.0:9000", "--token", "0123456789abcdef0123"}, check: func(o *ServeOptions) bool {
			return o.Addr == "0.0.0.0:9000" && o.Token == "0123456789abcdef0123"
		}},
		{env: map[string]string{"TRAILSQL_TOKEN": "fromtheenvironment00"}, check: func(o *ServeOptions) bool { return o.Token == "fromtheenvironment00" }},
		{args: []string{"--sync", "a", "--sync", "s3://b/c", "--sync-every", "5m"}, check: func(o *ServeOptions) bool {
			return len(o.Sync) == 2 && o.Sync[1] == "s3://b/c" && o.SyncEvery == 5*time.Minute
		}},
		{args: []string{"--addr", "nonsense"}, usage: true},
		{args: []string{"--sync", "a", "--sync-every", "0s"}, usage: true},
		{args: []string{"extra"}, usage: true},
	}
	for _, c := range cases {
		io, _, _, _ := iostreams.Test()
		f := &Factory{IO: io, Getenv: func(k string) string { return c.env[k] }}
		var got *ServeOptions
		cmd := newServeCmd(f, func(_ context.Context, _ *Factory, o *ServeOptions) error { got = o; return nil })
		cmd.SetArgs(c.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if c.usage {
			if err == nil {
				t.Errorf("%v: no error", c.args)
			}
			continue
		}
		if err != nil || got == nil || !c.check(got) {
			t.Errorf("%v %v: %+v (%v)", c.args, c.env, got, err)
		}
	}
}

// announce is an output that tells when serve has said where it listens.
type announce struct {
	mu   sync.Mutex
	b    bytes.Buffer
	done chan struct{}
}

func (a *announce) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.b.Write(p)
	if strings.Contains(a.b.String(), "stop with Ctrl-C") {
		select {
		case <-a.done:
		default:
			close(a.done)
		}
	}
	return len(p), nil
}

func (a *announce) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.b.String()
}

// TestServeAnnounce runs serve bound to every interface (no traffic is
// sent): it prints the token, how to use it, and the TLS advice, and stops
// when its context ends.
func TestServeAnnounce(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		want, not   []string
	}{
		{"0.0.0.0:0", "", []string{"every request needs the token", "in a browser: http://127.0.0.1:", "/?token=", "Authorization: Bearer", "reverse proxy", "from other machines"}, []string{"http://0.0.0.0", "http://[::]"}},
		{"0.0.0.0:0", "givenTokenGivenToken", []string{"the token givenTokenGivenToken"}, nil},
		{"127.0.0.1:0", "", []string{"http://127.0.0.1:"}, []string{"token", "reverse proxy"}},
	} {
		io, _, _, _ := iostreams.Test()
		out := &announce{done: make(chan struct{})}
		io.Out = out
		f := &Factory{IO: io, Getenv: func(string) string { return "" }, Now: time.Now}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- runServe(ctx, f, &ServeOptions{Lake: t.TempDir(), Addr: c.addr, Token: c.token, Timeout: time.Minute,
				MemoryLimit: "1GB", MaxRows: 10, StreamRows: 10, MaxQueries: 1, SyncEvery: time.Minute, Lookback: "2d"})
		}()
		select {
		case <-out.done:
		case err := <-done:
			t.Fatalf("%s: serve ended: %v", c.addr, err)
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: serve said nothing in 30 s: %s", c.addr, out.String())
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", c.addr, err)
		}
		s := out.String()
		for _, w := range c.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: no %q in\n%s", c.addr, w, s)
			}
		}
		for _, w := range c.not {
			if strings.Contains(s, w) {
				t.Errorf("%s: %q in\n%s", c.addr, w, s)
			}
		}
	}
}

// TestServeSync runs serve with --sync over a local trail: the first run
// ingests it while the server answers, and the server's queries see the
// events it wrote; the sync is stopped with the server.
func TestServeSync(t *testing.T) {
	src, lakeDir := t.TempDir(), filepath.Join(t.TempDir(), "lake")
	n := trailtest.WriteTrail(t, src, trailtest.Trail{Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"},
		Start: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Days: 2, Files: 3, Events: 7, Seed: 3})
	io, _, _, _ := iostreams.Test()
	out := &announce{done: make(chan struct{})}
	logs := &announce{done: make(chan struct{})}
	io.Out, io.ErrOut = out, logs
	f := &Factory{IO: io, Getenv: func(string) string { return "" }, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, f, &ServeOptions{Lake: lakeDir, Addr: "127.0.0.1:0", Timeout: time.Minute, MemoryLimit: "1GB",
			MaxRows: 100, StreamRows: 100, MaxQueries: 1, Sync: []string{src}, SyncEvery: time.Hour, Lookback: "2d"})
	}()
	select {
	case <-out.done:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve said nothing in 60 s: %s", out.String())
	}
	m := regexp.MustCompile(`is at (http://[^/\s]+)/`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no address in %s", out.String())
	}
	base := m[1]
	count := func() (int64, bool) {
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := readBody(resp)
		csrf := regexp.MustCompile(`trailsql-csrf" content="([0-9a-f]+)"`).FindStringSubmatch(page)
		if csrf == nil {
			t.Fatalf("no CSRF token in the page")
		}
		req, _ := http.NewRequest("POST", base+"/api/query", strings.NewReader(`{"sql": "SELECT count(*) FROM cloudtrail"}`))
		req.Header.Set("Origin", base)
		req.Header.Set("X-Trailsql-CSRF", csrf[1])
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := readBody(resp)
		var a struct{ Rows [][]int64 }
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &a) != nil || len(a.Rows) != 1 {
			return 0, false
		}
		return a.Rows[0][0], true
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if c, ok := count(); ok && c == int64(n) {
			break
		}
		if time.Now().After(deadline) {
			c, _ := count()
			t.Fatalf("after 60 s the server counts %d events of the %d synced; log:\n%s", c, n, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), "sync run") {
		t.Errorf("no sync run logged:\n%s", logs.String())
	}
}

func readBody(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err := b.ReadFrom(resp.Body)
	return b.String(), err
}
