package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/iostreams"
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
		{"0.0.0.0:0", "", []string{"every request needs the token", "/?token=", "Authorization: Bearer", "reverse proxy"}, nil},
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
