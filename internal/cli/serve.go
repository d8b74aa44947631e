package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/integrity"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/server"
)

// ServeOptions are the settings of `trailsql serve`.
type ServeOptions struct {
	Lake string
	S3   S3Flags
	Addr string
	// Token is the bearer token (--token, else $TRAILSQL_TOKEN; generated
	// when bound beyond loopback and none is given).
	Token string
	// Sync are the sources synced every SyncEvery, looking back Lookback.
	Sync      []string
	SyncEvery time.Duration
	Lookback  string
	// Verify is the trail (logs and digest files) /api/integrity checks.
	Verify string
	// Limits of each query and of the server.
	Timeout     time.Duration
	MemoryLimit string
	MaxRows     int
	StreamRows  int
	MaxQueries  int
}

func newServeCmd(f *Factory, runF func(context.Context, *Factory, *ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{}
	cmd := &cobra.Command{
		Use:   "serve [--lake DIR|s3://bucket/prefix] [--addr 127.0.0.1:8080] [--sync SOURCE... --sync-every 15m]",
		Short: "Serve the web console and the HTTP API over the lake",
		Long: `Serve the investigation console (a web page) and its HTTP API over one lake,
with one query engine kept open between requests.

The server listens on 127.0.0.1:8080 by default, reachable from this machine
only. Bound to any other address (0.0.0.0 included), every request needs a
token: --token, $TRAILSQL_TOKEN, or one generated and printed at start. Open
http://HOST:PORT/?token=TOKEN once in a browser (it is kept in a cookie), or
send 'Authorization: Bearer TOKEN'. Put TLS in front with a reverse proxy
(Caddy, nginx) when the network is not trusted.

Queries run in the same read-only sandbox as 'trailsql query', with a
timeout, a memory limit and a row cap each, and at most --max-queries at
once (the others are answered 429). The API is described at
/api/openapi.json.

With --sync, the server also keeps the lake current: an incremental ingest
of the sources every --sync-every, as 'trailsql sync' does.`,
		Example: `  trailsql serve
  trailsql serve --lake s3://analytics/trailsql --addr 0.0.0.0:8080
  trailsql serve --sync s3://org-trail-bucket --sync-every 15m --verify s3://org-trail-bucket`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Token == "" {
				opts.Token = f.Getenv("TRAILSQL_TOKEN")
			}
			if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
				return usagef("--addr %q is not host:port", opts.Addr)
			}
			if opts.SyncEvery <= 0 && len(opts.Sync) > 0 {
				return usagef("--sync-every must be positive")
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runServe(c.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Lake, "lake", "", "lake folder or s3://bucket/prefix (default $TRAILSQL_LAKE or ./trailsql-lake)")
	opts.S3.addFlags(fl)
	fl.StringVar(&opts.Addr, "addr", server.DefaultAddr, "address to listen on; any but loopback needs a token")
	fl.StringVar(&opts.Token, "token", "", "bearer token every request needs (default $TRAILSQL_TOKEN; generated when --addr is not loopback)")
	fl.StringSliceVar(&opts.Sync, "sync", nil, "keep the lake current from this `SOURCE` (repeat for more)")
	fl.DurationVar(&opts.SyncEvery, "sync-every", 15*time.Minute, "time between sync runs")
	fl.StringVar(&opts.Lookback, "lookback", "2d", "days of S3 logs each sync run lists again, for late deliveries")
	fl.StringVar(&opts.Verify, "verify", "", "trail (folder or s3://bucket[/prefix] with digest files) whose integrity /api/integrity checks")
	fl.DurationVar(&opts.Timeout, "timeout", time.Minute, "stop each query after this long")
	fl.StringVar(&opts.MemoryLimit, "memory-limit", "2GB", "memory the queries may use")
	fl.IntVar(&opts.MaxRows, "max-rows", server.DefaultMaxRows, "rows of a JSON answer at most")
	fl.IntVar(&opts.StreamRows, "stream-rows", 1_000_000, "rows of a streamed (NDJSON) answer at most")
	fl.IntVar(&opts.MaxQueries, "max-queries", server.DefaultMaxQueries, "queries running at once at most")
	return cmd
}

func runServe(ctx context.Context, f *Factory, opts *ServeOptions) error {
	log := slog.New(slog.NewTextHandler(f.IO.ErrOut, nil))
	var lookback time.Duration
	if len(opts.Sync) > 0 {
		var err error
		if lookback, err = app.ParseLookback(opts.Lookback); err != nil {
			return &UsageError{Err: err}
		}
	}
	qopts := query.Options{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit, MaxRows: opts.StreamRows,
		Conns: opts.MaxQueries, Now: f.Now}
	if err := qopts.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	a, err := app.Open(ctx, app.Config{Lake: lakeDir(f, opts.Lake), Write: len(opts.Sync) > 0, Cache: opts.S3.Cache,
		S3: opts.S3.config(f), Query: qopts, Now: f.Now, Getenv: f.Getenv})
	if err != nil {
		if app.IsInput(err) {
			return &UsageError{Err: err}
		}
		return err
	}
	defer a.Close()
	if _, err := a.Engine(ctx); err != nil {
		return err
	}
	cfg := server.Config{Addr: opts.Addr, Token: opts.Token, MaxRows: opts.MaxRows, Timeout: opts.Timeout,
		MaxQueries: opts.MaxQueries, Log: log, Now: f.Now}
	if len(opts.Sync) > 0 {
		cfg.Sync = func(ctx context.Context) error {
			return a.Sync(ctx, app.SyncOptions{Sources: opts.Sync, Every: opts.SyncEvery, Lookback: lookback,
				OnRun: func(_ context.Context, run *app.SyncRun) {
					if run.Err != nil {
						log.Error("sync run failed", "run", run.N, "error", run.Err)
						return
					}
					log.Info("sync run", "run", run.N, "events", run.Summary.Events, "next", run.Next.Format(time.RFC3339))
				}})
		}
	}
	if opts.Verify != "" {
		cfg.Verify = func(ctx context.Context) (*integrity.Report, error) {
			return a.Verify(ctx, app.VerifyOptions{Source: opts.Verify})
		}
	}
	srv, err := server.New(a, cfg)
	if err != nil {
		return &UsageError{Err: err}
	}
	return srv.Serve(ctx, nil, func(addr net.Addr) {
		out := f.IO.Out
		shown := browseAddr(addr)
		fmt.Fprintf(out, "trailsql serve: the console of %s is at http://%s/\n", a.Name(), shown)
		if shown != addr.String() {
			fmt.Fprintf(out, "  (listening on %s: from other machines, use this machine's name or address)\n", addr)
		}
		if t := srv.Token(); t != "" {
			fmt.Fprintf(out, "every request needs the token %s\n", t)
			fmt.Fprintf(out, "  in a browser: http://%s/?token=%s (once; a cookie keeps it)\n", shown, t)
			fmt.Fprintf(out, "  from scripts: Authorization: Bearer %s\n", t)
		}
		if !isLoopback(opts.Addr) {
			fmt.Fprintln(out, "this address is reachable from other machines and the server speaks plain HTTP:")
			fmt.Fprintln(out, "  put TLS in front with a reverse proxy that passes the Host header on, e.g. 'caddy reverse-proxy --from trailsql.example.com --to "+addr.String()+"'")
			fmt.Fprintln(out, "  (nginx: proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $scheme; proxy_buffering off)")
		}
		fmt.Fprintln(out, "stop with Ctrl-C")
	})
}

// browseAddr is the address to open the console at: addr, or 127.0.0.1
// with its port when addr is every address of the machine (0.0.0.0 or
// [::]), which no browser can open.
func browseAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// isLoopback reports whether host:port addr is a loopback address.
func isLoopback(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
