package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/server"
)

// A server over a lake (here an empty one), its handler served by
// httptest: a query is posted as the console posts it, with the page's
// Origin and CSRF token.
func ExampleNew() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "lake")
	defer os.RemoveAll(dir)
	a, err := app.Open(ctx, app.Config{Lake: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	srv, err := server.New(a, server.Config{}) // 127.0.0.1:8080: no token
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	req, _ := http.NewRequest("POST", ts.URL+"/api/query", strings.NewReader(`{"sql": "SELECT 6 * 7 AS answer"}`))
	req.Header.Set("Origin", ts.URL)
	req.Header.Set(server.CSRFHeader, srv.CSRF())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	body := string(raw)
	fmt.Println(resp.Status)
	fmt.Println(body[:strings.Index(body, `,"stats"`)])
	// Output:
	// 200 OK
	// {"columns":[{"name":"answer","type":"integer"}],"rows":[[42]]
}
