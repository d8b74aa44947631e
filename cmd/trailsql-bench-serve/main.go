// Command trailsql-bench-serve times trailsql's HTTP API end to end: a
// warm server over a lake, questions asked over HTTP on loopback as the
// console asks them.
//
//	go run ./cmd/trailsql-bench-serve --lake LAKE                        # 20 clients for 60 s
//	go run ./cmd/trailsql-bench-serve --lake LAKE --clients 5 --duration 10s
//
// LAKE is a lake that 'trailsql ingest' wrote (e.g. of 'trailsql gen
// --events 1000000' logs). The server runs in a child process (this
// command, run again with -serve), so that its peak RSS is its own. The
// command first asks each question --runs times, one at a time, after a
// warm-up, and reports the median and 95th percentile of each; then
// --clients clients ask a mix of the questions for --duration, each
// sending its next request when the last one is answered, and it reports
// the requests per second, the latency percentiles, the errors (any
// answer but 200; a 429 is retried after its Retry-After and counted
// apart), the server's CPU time and its peak RSS. On a busy machine the
// latencies grow with the load of others; the server's CPU time per
// request (from /proc) does not.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"sort"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/server"
)

type options struct {
	lake       string
	clients    int
	duration   time.Duration
	runs       int
	maxQueries int
	memory     string
	serve      bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var o options
	flag.StringVar(&o.lake, "lake", "", "the lake (required)")
	flag.IntVar(&o.clients, "clients", 20, "concurrent clients of the load phase")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "length of the load phase")
	flag.IntVar(&o.runs, "runs", 30, "timed runs of each question, one at a time")
	flag.IntVar(&o.maxQueries, "max-queries", server.DefaultMaxQueries, "the server's --max-queries")
	flag.StringVar(&o.memory, "memory-limit", "2GB", "the server's --memory-limit")
	flag.BoolVar(&o.serve, "serve", false, "run the server (the child process)")
	flag.Parse()
	var err error
	if o.serve {
		err = serve(ctx, o)
	} else {
		err = run(ctx, o, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "trailsql-bench-serve: "+err.Error())
		os.Exit(1)
	}
}

// serve is the child: a server over the lake on a free loopback port,
// whose address it prints on a line of its own; it stops at SIGTERM.
func serve(ctx context.Context, o options) error {
	a, err := app.Open(ctx, app.Config{Lake: o.lake, Query: query.Options{Conns: o.maxQueries, MemoryLimit: o.memory, Timeout: time.Minute}})
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Engine(ctx); err != nil {
		return err
	}
	srv, err := server.New(a, server.Config{Addr: "127.0.0.1:0", MaxQueries: o.maxQueries})
	if err != nil {
		return err
	}
	return srv.Serve(ctx, nil, func(addr net.Addr) { fmt.Printf("listening %s\n", addr) })
}

// client asks the server questions as the console does.
type client struct {
	base, csrf string
	http       *http.Client
}

// request is one API request of the mix.
type request struct {
	method, path string
	body         any
}

func (c *client) do(ctx context.Context, r request) (int, []byte, error) {
	var rd io.Reader
	if r.body != nil {
		b, _ := json.Marshal(r.body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.base+r.path, rd)
	if err != nil {
		return 0, nil, err
	}
	if r.method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", c.base)
		req.Header.Set(server.CSRFHeader, c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// query runs sql and returns its rows.
func (c *client) query(ctx context.Context, sql string) ([][]any, error) {
	st, b, err := c.do(ctx, request{"POST", "/api/query", map[string]string{"sql": sql}})
	if err != nil {
		return nil, err
	}
	if st != 200 {
		return nil, fmt.Errorf("%s: %d %s", sql, st, b)
	}
	var a struct{ Rows [][]any }
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	return a.Rows, nil
}

var reCSRF = regexp.MustCompile(`<meta name="trailsql-csrf" content="([0-9a-f]+)">`)

func run(ctx context.Context, o options, out io.Writer) error {
	if o.lake == "" {
		return errors.New("--lake is required")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, self, "-serve", "-lake", o.lake, "-max-queries", fmt.Sprint(o.maxQueries), "-memory-limit", o.memory)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	var addr string
	if _, err := fmt.Fscanf(stdout, "listening %s\n", &addr); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return fmt.Errorf("the server did not start: %w", err)
	}
	startup := time.Since(start)
	stopServer := func() (int64, error) {
		cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			return ru.Maxrss * 1024, err
		}
		return 0, err
	}
	c := &client{base: "http://" + addr, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.clients + 4}}}
	_, page, err := c.do(ctx, request{"GET", "/", nil})
	if err != nil {
		stopServer()
		return err
	}
	m := reCSRF.FindSubmatch(page)
	if m == nil {
		stopServer()
		return errors.New("the page has no CSRF token")
	}
	c.csrf = string(m[1])
	mix, err := questions(ctx, c)
	if err != nil {
		stopServer()
		return err
	}
	fmt.Fprintf(out, "lake %s; server up in %s\n\n", o.lake, startup.Round(time.Millisecond))

	// One at a time.
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "question\tp50\tp95\tserver CPU/request\truns\n")
	for _, q := range mix {
		for i := range 3 { // warm up
			if _, err := q.ask(ctx, c, i); err != nil {
				stopServer()
				return fmt.Errorf("%s: %w", q.name, err)
			}
		}
		var lat []time.Duration
		cpu0 := cpuTime(cmd.Process.Pid)
		for i := range o.runs {
			d, err := q.ask(ctx, c, i)
			if err != nil {
				stopServer()
				return fmt.Errorf("%s: %w", q.name, err)
			}
			lat = append(lat, d)
		}
		perReq := (cpuTime(cmd.Process.Pid) - cpu0) / time.Duration(len(lat))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", q.name, pct(lat, 50), pct(lat, 95), perReq.Round(100*time.Microsecond), len(lat))
	}
	tw.Flush()

	// Many at once.
	var (
		mu        sync.Mutex
		lat       []time.Duration
		perQ      = map[string][]time.Duration{}
		errs      = map[string]int{}
		retries   int
		wg        sync.WaitGroup
		loadStart = time.Now()
	)
	loadCPU := cpuTime(cmd.Process.Pid)
	lctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	for w := range o.clients {
		wg.Go(func() {
			for i := w; lctx.Err() == nil; i += o.clients {
				q := mix[i%len(mix)]
				t0 := time.Now()
				var err error
				for {
					_, err = q.ask(lctx, c, i/len(mix))
					var busy *busyError
					if errors.As(err, &busy) && lctx.Err() == nil {
						mu.Lock()
						retries++
						mu.Unlock()
						time.Sleep(busy.after)
						continue
					}
					break
				}
				d := time.Since(t0)
				if lctx.Err() != nil {
					return // cut short by the end of the phase
				}
				mu.Lock()
				if err != nil {
					errs[err.Error()]++
				} else {
					lat = append(lat, d)
					perQ[q.name] = append(perQ[q.name], d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(loadStart)
	loadCPU = cpuTime(cmd.Process.Pid) - loadCPU
	rss, serr := stopServer()
	nerr := 0
	for _, n := range errs {
		nerr += n
	}
	fmt.Fprintf(out, "\n%d clients for %s: %d requests, %.1f/s; p50 %s, p95 %s, p99 %s; %d errors, %d retried 429s; server CPU %s (%.2f cores), peak RSS %d MB\n",
		o.clients, o.duration, len(lat), float64(len(lat))/elapsed.Seconds(), pct(lat, 50), pct(lat, 95), pct(lat, 99), nerr, retries,
		loadCPU.Round(10*time.Millisecond), loadCPU.Seconds()/elapsed.Seconds(), rss>>20)
	tw = tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "question\trequests\tp50\tp95\n")
	for _, q := range mix {
		l := perQ[q.name]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", q.name, len(l), pct(l, 50), pct(l, 95))
	}
	tw.Flush()
	for e, n := range errs {
		fmt.Fprintf(out, "error (%d times): %s\n", n, e)
	}
	if serr != nil {
		return fmt.Errorf("the server: %w", serr)
	}
	return nil
}

// busyError is a 429: try again after.
type busyError struct{ after time.Duration }

func (e *busyError) Error() string { return "429" }

// question is one kind of request of the mix; its i-th request varies the
// day or the needle.
type question struct {
	name string
	req  func(i int) request
}

// ask sends the i-th request of q and checks the answer.
func (q question) ask(ctx context.Context, c *client, i int) (time.Duration, error) {
	r := q.req(i)
	t0 := time.Now()
	st, b, err := c.do(ctx, r)
	d := time.Since(t0)
	if err != nil {
		return d, err
	}
	if st == http.StatusTooManyRequests {
		return d, &busyError{after: time.Second}
	}
	if st != 200 {
		return d, fmt.Errorf("%s %s: %d %.200s", r.method, r.path, st, b)
	}
	return d, nil
}

// questions finds values in the lake (days, event ids, access keys) and
// returns the mix.
func questions(ctx context.Context, c *client) ([]question, error) {
	days, err := c.query(ctx, "SELECT year, month, day, count(*) AS n FROM cloudtrail GROUP BY 1, 2, 3 HAVING count(*) > 1000 ORDER BY 1, 2, 3")
	if err != nil {
		return nil, err
	}
	ids, err := c.query(ctx, "SELECT eventid FROM cloudtrail WHERE eventid IS NOT NULL ORDER BY eventid LIMIT 50")
	if err != nil {
		return nil, err
	}
	keys, err := c.query(ctx, "SELECT DISTINCT useridentity.accesskeyid FROM cloudtrail WHERE useridentity.accesskeyid LIKE 'AKIA%' ORDER BY 1 LIMIT 20")
	if err != nil {
		return nil, err
	}
	if len(days) == 0 || len(ids) == 0 || len(keys) == 0 {
		return nil, fmt.Errorf("the lake has %d days, %d event ids, %d access keys: too little to ask", len(days), len(ids), len(keys))
	}
	day := func(i int) (string, string, string) {
		d := days[i%len(days)]
		return d[0].(string), d[1].(string), d[2].(string)
	}
	s := func(rows [][]any, i int) string { return rows[i%len(rows)][0].(string) }
	q := func(sql string) request { return request{"POST", "/api/query", map[string]string{"sql": sql}} }
	return []question{
		{"one-day partition, calls by name", func(i int) request {
			y, m, d := day(i)
			return q(fmt.Sprintf("SELECT eventname, count(*) AS n FROM cloudtrail WHERE year = '%s' AND month = '%s' AND day = '%s' GROUP BY eventname ORDER BY n DESC LIMIT 10", y, m, d))
		}},
		{"needle: an eventid, all time", func(i int) request {
			return q(fmt.Sprintf("SELECT eventtime, eventname, useridentity.arn, sourceipaddress FROM cloudtrail WHERE eventid = '%s'", s(ids, i)))
		}},
		{"needle: an access key's last 100 calls", func(i int) request {
			return q(fmt.Sprintf("SELECT eventtime, eventname, errorcode FROM cloudtrail WHERE useridentity.accesskeyid = '%s' ORDER BY eventtime DESC LIMIT 100", s(keys, i)))
		}},
		{"one hour by from/to, calls by service", func(i int) request {
			y, m, d := day(i)
			from := fmt.Sprintf("%s-%s-%sT%02d:00:00Z", y, m, d, i%24)
			t, _ := time.Parse(time.RFC3339, from)
			return request{"POST", "/api/query", map[string]string{"sql": "SELECT eventsource, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY 2 DESC",
				"from": from, "to": t.Add(time.Hour).Format(time.RFC3339)}}
		}},
		{"an event's record (GET /api/events)", func(i int) request {
			return request{"GET", "/api/events/" + s(ids, i), nil}
		}},
		{"report top-errors, one day", func(i int) request {
			y, m, d := day(i)
			from := fmt.Sprintf("%s-%s-%sT00:00:00Z", y, m, d)
			t, _ := time.Parse(time.RFC3339, from)
			return request{"POST", "/api/reports/top-errors", map[string]any{"params": map[string]string{}, "from": from, "to": t.AddDate(0, 0, 1).Format(time.RFC3339)}}
		}},
	}, nil
}

// cpuTime is the CPU time (user and system) process pid has used, from
// /proc (Linux); 0 elsewhere.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces): state is
	// the 3rd field, utime the 14th, stime the 15th, in clock ticks (100
	// a second on Linux).
	rest := b[bytes.LastIndexByte(b, ')')+2:]
	f := bytes.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	var ut, st int64
	fmt.Sscan(string(f[11]), &ut)
	fmt.Sscan(string(f[12]), &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// pct is the p-th percentile of ds.
func pct(ds []time.Duration, p int) string {
	if len(ds) == 0 {
		return "-"
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	d := s[max(0, min(len(s)-1, i-1))]
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(10 * time.Microsecond).String()
}
