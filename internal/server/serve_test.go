package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/query"
)

// TestServeShutdown checks that Serve serves until its context ends, then
// lets the request in flight finish, and returns only after the scheduled
// sync has stopped.
func TestServeShutdown(t *testing.T) {
	base := newTestServer(t, Config{}, query.Options{})
	var syncs, stopped atomic.Int32
	srv, err := New(base.app, Config{Addr: "127.0.0.1:0", Sync: func(ctx context.Context) error {
		syncs.Add(1)
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // a run finishing its work
		stopped.Add(1)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, nil, func(a net.Addr) { addrc <- a }) }()
	url := "http://" + (<-addrc).String()
	resp, err := http.Get(url + "/api/samples")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// A request in flight when the signal comes is answered.
	inflight := make(chan int, 1)
	go func() {
		resp, err := http.Get(url + "/api/tables")
		if err != nil {
			inflight <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		inflight <- resp.StatusCode
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if syncs.Load() != 1 || stopped.Load() != 1 {
		t.Errorf("sync ran %d times and stopped %d times before Serve returned", syncs.Load(), stopped.Load())
	}
	if st := <-inflight; st != 200 {
		t.Errorf("the request in flight got %d", st)
	}
	if _, err := http.Get(url + "/api/samples"); err == nil {
		t.Error("the server still answers after Serve returned")
	}
}
