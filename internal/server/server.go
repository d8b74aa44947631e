package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/trailsql/trailsql/internal/attrib"
	"github.com/trailsql/trailsql/internal/gaps"
	"github.com/trailsql/trailsql/internal/integrity"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/report"
)

// App is what the server asks of the application layer; *app.App is one.
type App interface {
	Query(ctx context.Context, sql string, args ...any) (*query.Result, error)
	Stream(ctx context.Context, sql string, args ...any) (*query.Rows, error)
	Tables(ctx context.Context) (*query.Catalog, error)
	Whois(ctx context.Context, who string) (*attrib.Answer, error)
	Timeline(ctx context.Context, tq report.TimelineQuery) ([]report.TimelineEvent, error)
	Gaps(ctx context.Context, opts gaps.Options) (*gaps.Report, error)
	// Dir is the local lake folder (an s3:// lake's local copy): events
	// are rebuilt from its files, and the console keeps its history and
	// saved queries under its _trailsql/console.
	Dir() string
}

// Config is the server's configuration. The zero value of each field
// takes its default (see withDefaults).
type Config struct {
	// Addr is the address to listen on (default 127.0.0.1:8080). On any
	// address that is not loopback, every request needs Token.
	Addr string
	// Token is the bearer token every request needs: when it is empty
	// and Addr is not loopback, one is generated (see Server.Token); on
	// loopback, a token given is required too.
	Token string
	// MaxRows caps the rows of a JSON answer (default 100,000); streamed
	// answers are capped by the engine's own MaxRows.
	MaxRows int
	// Timeout bounds each request that runs queries (default 2 minutes).
	Timeout time.Duration
	// MaxQueries is how many requests may run queries at once (default
	// 4). Another waits for a slot for at most QueueWait (default 2
	// seconds; negative: not at all), then is answered 429 with
	// Retry-After.
	MaxQueries int
	QueueWait  time.Duration
	// MaxBody is the largest request body, in bytes (default 1 MiB).
	MaxBody int64
	// Sync, when set, runs from Serve's start until Serve returns: the
	// scheduled sync (app.App.Sync with an interval), which returns when
	// its context ends. Serve waits for it.
	Sync func(ctx context.Context) error
	// Verify, when set, answers /api/integrity: the integrity of the
	// trail's logs, checked from their digest files.
	Verify func(ctx context.Context) (*integrity.Report, error)
	// Log receives the server's log: requests that failed, with the
	// detail that responses leave out (default: discarded).
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Defaults of Config.
const (
	DefaultAddr       = "127.0.0.1:8080"
	DefaultMaxRows    = 100_000
	DefaultTimeout    = 2 * time.Minute
	DefaultMaxQueries = 4
	DefaultQueueWait  = 2 * time.Second
	DefaultMaxBody    = 1 << 20
)

// withDefaults returns a copy of c with the defaults filled in, and every
// problem found in c.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("address %q is not host:port: %w", c.Addr, err))
	}
	if c.MaxRows == 0 {
		c.MaxRows = DefaultMaxRows
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxQueries == 0 {
		c.MaxQueries = DefaultMaxQueries
	}
	if c.QueueWait == 0 {
		c.QueueWait = DefaultQueueWait
	}
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.MaxRows < 0 || c.MaxQueries < 0 || c.MaxBody < 0 || c.Timeout < 0 {
		errs = append(errs, errors.New("limits cannot be negative"))
	}
	if c.Token != "" && len(c.Token) < 16 {
		errs = append(errs, errors.New("the token must be at least 16 characters"))
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, errors.Join(errs...)
}

// Validate reports every problem in c.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// Server is the HTTP API and web console over one engine.
type Server struct {
	cfg       Config
	app       App
	lake      string // app.Dir()
	reports   *report.Library
	index     *template.Template
	csrf      string // the token index.html carries and non-GET requests send back
	loopback  bool   // bound to a loopback address: no token needed, Host checked
	slots     chan struct{}
	console   *console
	integrity integrityCache
	routes    []route
	handler   http.Handler
}

// New returns a server over a. It does not listen: see Serve, or use
// Handler.
func New(a App, cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("cannot start the server: %w", err)
	}
	lib, err := report.Load()
	if err != nil {
		return nil, fmt.Errorf("cannot start the server: %w", err)
	}
	index, err := loadIndex()
	if err != nil {
		return nil, fmt.Errorf("cannot start the server: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		app:      a,
		lake:     a.Dir(),
		reports:  lib,
		index:    index,
		csrf:     randomToken(),
		loopback: isLoopbackAddr(cfg.Addr),
		slots:    make(chan struct{}, cfg.MaxQueries),
		console:  newConsole(a.Dir(), cfg.Now),
	}
	if !s.loopback && s.cfg.Token == "" {
		s.cfg.Token = randomToken()
	}
	s.routes = s.apiRoutes()
	s.handler = s.build()
	return s, nil
}

// Token is the bearer token every request needs, or "" when the server
// is bound to loopback and was given none.
func (s *Server) Token() string { return s.cfg.Token }

// CSRF is the token that non-GET requests carry in X-Trailsql-CSRF.
func (s *Server) CSRF() string { return s.csrf }

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve listens on Config.Addr (or on ln when it is not nil) and serves
// until ctx ends, then shuts down gracefully: it stops accepting, lets
// the requests in flight finish (for at most 10 seconds; then their
// queries are cancelled), and waits for the scheduled sync to stop.
// ready, when not nil, is called with the address listened on.
func (s *Server) Serve(ctx context.Context, ln net.Listener, ready func(addr net.Addr)) error {
	if ln == nil {
		var err error
		ln, err = net.Listen("tcp", s.cfg.Addr)
		if err != nil {
			return fmt.Errorf("cannot listen on %s: %w", s.cfg.Addr, err)
		}
	}
	reqCtx, cancelReqs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelReqs()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ErrorLog:          slog.NewLogLogger(s.cfg.Log.Handler(), slog.LevelWarn),
	}
	var wg sync.WaitGroup
	syncCtx, stopSync := context.WithCancel(ctx)
	defer stopSync()
	if s.cfg.Sync != nil {
		wg.Go(func() {
			if err := s.cfg.Sync(syncCtx); err != nil {
				s.cfg.Log.Error("scheduled sync stopped", slog.String("error", err.Error()))
			}
		})
	}
	served := make(chan error, 1)
	wg.Go(func() { served <- srv.Serve(ln) })
	if ready != nil {
		ready(ln.Addr())
	}
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if serr := srv.Shutdown(shutCtx); serr != nil {
			cancelReqs() // stop the queries still running
			srv.Close()
		}
		cancel()
		err = <-served
	}
	stopSync()
	cancelReqs()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("cannot serve: %w", err)
	}
	return nil
}

// randomToken returns 32 random hex digits.
func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// isLoopbackAddr reports whether host:port addr listens on loopback only.
// An empty host or an unspecified address (0.0.0.0, ::) is every
// interface, so it is not.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
