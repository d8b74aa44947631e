package e2e_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/cli"
	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/iostreams"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/report"
	"github.com/trailsql/trailsql/internal/server"
	"github.com/trailsql/trailsql/internal/source"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the README's screenshots to docs/screenshots")

// now is the clock of the lake, the server and the CLI: the day after the
// generated trail's last.
func now() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }

// chromium is the browser the tests drive.
func chromium() string {
	if p := os.Getenv("TRAILSQL_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// fixture is a lake of generated events (with the planted scenarios), the
// server over it, and the logs it was ingested from.
type fixture struct {
	logs, lake string
	app        *app.App
	srv        *server.Server
	url        string
}

func newFixture(t *testing.T, ctx context.Context, cfg server.Config) *fixture {
	t.Helper()
	dir := t.TempDir()
	fx := &fixture{logs: filepath.Join(dir, "logs"), lake: filepath.Join(dir, "lake")}
	if _, err := gen.Generate(ctx, gen.Options{Dir: fx.logs, Events: 3000, Seed: 1, Org: gen.DefaultOrg}, nil); err != nil {
		t.Fatal(err)
	}
	lk, err := lake.Open(ctx, fx.lake, now)
	if err != nil {
		t.Fatal(err)
	}
	src, err := source.NewLocal(fx.logs)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{src}, Now: now})
	lk.Close()
	if err != nil {
		t.Fatal(err)
	}
	fx.app, err = app.Open(ctx, app.Config{Lake: fx.lake, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fx.app.Close() })
	cfg.Now = now
	fx.srv, err = server.New(fx.app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(fx.srv.Handler())
	t.Cleanup(ts.Close)
	fx.url = ts.URL
	return fx
}

// detect runs the built-in detection rules over the lake and keeps their
// findings in it.
func (fx *fixture) detect(t *testing.T, ctx context.Context) []detect.Finding {
	t.Helper()
	rules, err := pack.Rules()
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := detect.Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := fx.app.Engine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := detect.Run(ctx, eng, compiled, detect.Range{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatal("the built-in rules find nothing in the generated lake")
	}
	if _, err := detect.OpenStore(fx.lake, now).Add(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if err := fx.app.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return fs
}

// cliOutput runs the trailsql command line in-process and returns its
// standard output.
func cliOutput(t *testing.T, ctx context.Context, args ...string) []byte {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &cli.Factory{IO: ios, Now: now, Getenv: func(string) string { return "" }}
	if code := cli.Run(ctx, f, args); code != cli.ExitOK {
		t.Fatalf("trailsql %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return out.Bytes()
}

// apiError posts a query to the API and returns the error it answers.
func (fx *fixture) apiError(t *testing.T, sql string) (msg string, line, column int) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"sql": sql})
	req, _ := http.NewRequest("POST", fx.url+"/api/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", fx.url)
	req.Header.Set(server.CSRFHeader, fx.srv.CSRF())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct {
		Error        string
		Line, Column int
	}
	if err := json.NewDecoder(res.Body).Decode(&e); err != nil || res.StatusCode < 400 {
		t.Fatalf("query %q: status %d, %v: want an error", sql, res.StatusCode, err)
	}
	return e.Error, e.Line, e.Column
}

// slotsFree waits (10 s at most) until the server runs as many queries at
// once as it allows, that is until no query holds a slot.
func (fx *fixture) slotsFree(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		codes := make([]int, server.DefaultMaxQueries)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", fx.url+"/api/query", strings.NewReader(`{"sql": "SELECT count(*) FROM cloudtrail"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Origin", fx.url)
				req.Header.Set(server.CSRFHeader, fx.srv.CSRF())
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				codes[i] = res.StatusCode
			})
		}
		wg.Wait()
		if slices.Equal(codes, slices.Repeat([]int{http.StatusOK}, len(codes))) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a cancel, %d queries at once are answered %v: a slot is still taken", len(codes), codes)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sourceRecord returns the record with eventID id from the generated
// logs, as parsed JSON.
func (fx *fixture) sourceRecord(t *testing.T, id string) any {
	t.Helper()
	var found any
	err := filepath.WalkDir(fx.logs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") || found != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.NewDecoder(zr).Decode(&doc); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, r := range doc.Records {
			if bytes.Contains(r, []byte(`"`+id+`"`)) {
				var v map[string]any
				if err := json.Unmarshal(r, &v); err != nil {
					return err
				}
				if v["eventID"] == id {
					found = v
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == nil {
		t.Fatalf("no record %s in the generated logs", id)
	}
	return found
}

// page is the browser, with what it reports: downloads, and errors
// (exceptions, CSP violations, console errors) that fail the test.
type page struct {
	t         *testing.T
	ctx       context.Context
	artifacts string
	downloads string
	step      int

	mu   sync.Mutex
	errs []string
	// completed receives the GUID of each finished download.
	completed chan string
}

func newPage(t *testing.T, ctx context.Context) *page {
	t.Helper()
	p := &page{t: t, downloads: t.TempDir(), completed: make(chan string, 4)}
	p.artifacts = os.Getenv("TRAILSQL_ARTIFACTS")
	if p.artifacts == "" {
		p.artifacts = t.TempDir()
	} else {
		p.artifacts = filepath.Join(p.artifacts, "browser", t.Name())
		if err := os.MkdirAll(p.artifacts, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", p.artifacts)
	if _, err := os.Stat(chromium()); err != nil {
		t.Fatalf("cannot start the browser: %v (install Debian's chromium: apt-get install chromium, or set $TRAILSQL_CHROMIUM)", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium()),
		chromedp.NoSandbox, // as root in a container, Chromium's sandbox cannot start
		chromedp.WindowSize(1280, 820),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("force-color-profile", "srgb"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	var wg sync.WaitGroup
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); wg.Wait() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("cannot start the browser %s: %v", chromium(), err)
	}
	p.ctx = bctx
	// Subscribe before anything loads, so that no report is missed.
	exceptions := chromedp.Events(bctx, runtime.ExceptionThrown)
	console := chromedp.Events(bctx, runtime.ConsoleAPICalled)
	logs := chromedp.Events(bctx, cdplog.EntryAdded)
	downloads := chromedp.BrowserEvents(bctx, browser.DownloadProgress)
	wg.Go(func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			p.report("exception: " + msg)
		}
	})
	wg.Go(func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.report("console.error: " + strings.Join(parts, " "))
			}
		}
	})
	wg.Go(func() {
		for ev, err := range logs {
			if err != nil {
				return
			}
			// Failed requests are the API's answers to bad queries: the
			// test looks at those itself.
			if e := ev.Entry; e.Level == cdplog.EntryLevelError && e.Source != cdplog.EntrySourceNetwork {
				p.report(fmt.Sprintf("%s: %s (%s)", e.Source, e.Text, e.URL))
			}
		}
	})
	wg.Go(func() {
		for ev, err := range downloads {
			if err != nil {
				return
			}
			if ev.State == browser.DownloadProgressStateCompleted {
				p.completed <- ev.GUID
			}
		}
	})
	events := true
	if _, err := chromedp.CallBrowser(bctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: p.downloads, EventsEnabled: &events,
	}); err != nil {
		t.Fatalf("cannot set the browser's download folder: %v", err)
	}
	return p
}

func (p *page) report(msg string) {
	p.mu.Lock()
	p.errs = append(p.errs, msg)
	p.mu.Unlock()
}

// do runs actions, failing the test (with a screenshot) when one fails.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.shot("failure", false)
		p.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression (waiting for a promise's value).
func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.shot("failure", false)
		p.t.Fatalf("browser: %s: %v", js, err)
	}
	return v
}

// wait waits until a JavaScript expression is true.
func (p *page) wait(js string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js)); err != nil {
		p.shot("failure", false)
		p.t.Fatalf("browser: waiting for %s: %v", js, err)
	}
}

// check fails the test when the page reported errors.
func (p *page) check() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.errs {
		p.t.Errorf("the page reported: %s", e)
	}
	p.errs = nil
}

// shot saves a screenshot of the page as the next step's artifact, and
// as docs/screenshots/NAME.png when readme is set and
// -update-screenshots is given.
func (p *page) shot(name string, readme bool) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	// A passing notice is not part of the picture.
	chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.toast').forEach(e => { e.hidden = true; })`))
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Logf("cannot take screenshot %s: %v", name, err)
		return
	}
	p.step++
	path := filepath.Join(p.artifacts, fmt.Sprintf("%02d-%s.png", p.step, name))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s", path)
	if readme && *updateScreenshots {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			p.t.Fatal(err)
		}
		var out bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&out, quantize(img)); err != nil {
			p.t.Fatal(err)
		}
		dst := filepath.Join("..", "..", "..", "docs", "screenshots", name+".png")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			p.t.Fatal(err)
		}
		if err := os.WriteFile(dst, out.Bytes(), 0o644); err != nil {
			p.t.Fatal(err)
		}
		p.t.Logf("wrote %s (%d KB)", dst, out.Len()/1024)
	}
}

// quantize returns img with its 256 most frequent colours, each pixel
// the nearest of them: a screenshot of the console has few colours
// besides the edges of letters, and its PNG gets several times smaller.
func quantize(img image.Image) *image.Paletted {
	b := img.Bounds()
	freq := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			freq[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	cols := make([]color.RGBA, 0, len(freq))
	for c := range freq {
		cols = append(cols, c)
	}
	slices.SortFunc(cols, func(a, b color.RGBA) int {
		if d := freq[b] - freq[a]; d != 0 {
			return d
		}
		return int(a.R)<<16 | int(a.G)<<8 | int(a.B) - (int(b.R)<<16 | int(b.G)<<8 | int(b.B))
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range cols[:min(256, len(cols))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	near := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := near[c]
			if !ok {
				i = uint8(pal.Index(c))
				near[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}

// download waits for the download a click starts and returns its bytes.
func (p *page) download(click chromedp.Action[chromedp.Void]) []byte {
	p.t.Helper()
	p.do(click)
	select {
	case guid := <-p.completed:
		b, err := os.ReadFile(filepath.Join(p.downloads, guid))
		if err != nil {
			p.t.Fatal(err)
		}
		return b
	case <-time.After(15 * time.Second):
		p.t.Fatal("the download did not complete")
	}
	return nil
}

// setSQL replaces the editor's text as typing would (one input event).
func (p *page) setSQL(sql string) {
	p.t.Helper()
	js, _ := json.Marshal(sql)
	eval[chromedp.Void](p, fmt.Sprintf(`(() => { const ta = document.querySelector('#sql'); ta.focus(); ta.select();
		document.execCommand('insertText', false, %s); })()`, js))
}

// gridState is what the results grid shows.
type gridState struct {
	Stat     string     `json:"stat"`
	Columns  []string   `json:"columns"`
	Rendered int        `json:"rendered"`
	First    int        `json:"first"`
	Last     int        `json:"last"`
	Rows     [][]string `json:"rows"`
	Error    string     `json:"error"`
}

const gridJS = `(() => {
	const root = document.querySelector('#view .results');
	const rows = [...root.querySelectorAll('.grid-row')];
	const idx = rows.map(r => +r.getAttribute('aria-rowindex'));
	const err = root.querySelector('.error');
	return {
		stat: (root.querySelector('#stat-rows') || {}).textContent || '',
		columns: [...root.querySelectorAll('.grid-th .th-name')].map(e => e.textContent),
		rendered: rows.length,
		first: Math.min(...idx), last: Math.max(...idx),
		rows: rows.map(r => [...r.children].map(c => c.classList.contains('null') ? '' : c.textContent)),
		error: err && !err.hidden ? err.textContent : '',
	};
})()`

func (p *page) grid() gridState {
	p.t.Helper()
	return eval[gridState](p, gridJS)
}

// answers is the count of answers the page has shown.
func (p *page) answers() int {
	p.t.Helper()
	return eval[int](p, `Number(document.body.dataset.answers || 0)`)
}

// answer runs actions that make the page answer a query (or a report, or
// a timeline) and waits for the answer.
func (p *page) answer(actions ...chromedp.Action[chromedp.Void]) gridState {
	p.t.Helper()
	before := p.answers()
	p.do(actions...)
	p.wait(fmt.Sprintf(`Number(document.body.dataset.answers || 0) > %d`, before))
	return p.grid()
}

func parseCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// The query of the console tests: every kind of value (text, NULL, a
// timestamp with time zone, integers, a double, a struct field, a boolean).
const consoleSQL = `SELECT eventid, eventtime, eventname, useridentity.arn AS arn, sourceipaddress, errorcode,
  from_iso8601_timestamp(eventtime) AS ts, length(eventname) AS n, length(eventname) / 4.0 AS q, readonly
FROM cloudtrail
ORDER BY eventtime, eventid
LIMIT 2000`

// TestConsole drives the console in Chromium: a query typed and run with
// Ctrl+Enter, its rows against the CLI's CSV, virtual scrolling, the CSV
// download byte for byte, an event's record against the source log, a
// whois chain against the application layer's, sorting, an error
// underlined where the API says, and a report form against the CLI's
// report.
func TestConsole(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	fx := newFixture(t, ctx, server.Config{})
	p := newPage(t, ctx)
	wantCSV := cliOutput(t, ctx, "query", "--lake", fx.lake, "--format", "csv", consoleSQL)
	want := parseCSV(t, wantCSV)
	rows := len(want) - 1
	if rows < 1000 {
		t.Fatalf("the console query has %d rows: the lake is too small to test scrolling", rows)
	}

	// Type the query (completion pops up on the way) and run it with
	// Ctrl+Enter.
	p.do(chromedp.Navigate(fx.url+"/#/query"), chromedp.WaitVisible(chromedp.ID("sql")))
	eval[chromedp.Void](p, `document.querySelector('#sql').select()`)
	for i, line := range strings.Split(consoleSQL, "\n") {
		if i > 0 {
			// Escape closes the completion list, which takes Enter.
			p.do(chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(kb.Enter))
		}
		p.do(chromedp.SendKeys(chromedp.ID("sql"), line))
	}
	if typed := eval[string](p, `document.querySelector('#sql').value`); typed != consoleSQL {
		t.Fatalf("the editor holds %q after typing, want %q", typed, consoleSQL)
	}
	g := p.answer(chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	p.shot("query", true)
	if g.Error != "" {
		t.Fatalf("the query failed in the browser: %s", g.Error)
	}
	if !strings.Contains(g.Stat, commas(rows)+" rows") {
		t.Errorf("the results say %q, the CLI has %d rows", g.Stat, rows)
	}
	if !reflect.DeepEqual(g.Columns, want[0]) {
		t.Errorf("columns %v, the CLI's %v", g.Columns, want[0])
	}
	// Only the rows in view (and a few around them) are in the page, and
	// they show what the CLI writes.
	if g.Rendered == 0 || g.Rendered > 80 || g.First != 1 {
		t.Errorf("%d rows rendered from row %d, want the first few dozen of %d", g.Rendered, g.First, rows)
	}
	for i, r := range g.Rows {
		if !reflect.DeepEqual(r, want[1+i]) {
			t.Fatalf("row %d shows %q, the CLI writes %q", i+1, r, want[1+i])
		}
	}
	hash := eval[string](p, `location.hash`)
	if u, _ := url.ParseQuery(strings.TrimPrefix(hash, "#/query?")); u.Get("sql") != consoleSQL {
		t.Errorf("the URL does not hold the query: %s", hash)
	}
	if n := eval[int](p, `document.querySelectorAll('#view .histogram rect.bar').length`); n < 2 {
		t.Errorf("the histogram of events over time has %d bars", n)
	}
	p.check()

	// Scroll to the end: the last rows are drawn, still only a few dozen.
	eval[chromedp.Void](p, `(() => { const g = document.querySelector('#view .grid'); g.scrollTop = g.scrollHeight; })()`)
	p.wait(fmt.Sprintf(`[...document.querySelectorAll('#view .grid-row')].some(r => r.getAttribute('aria-rowindex') == '%d')`, rows))
	g = p.grid()
	if g.Last != rows || g.Rendered > 80 {
		t.Errorf("at the end: rows %d-%d rendered (%d), want up to %d", g.First, g.Last, g.Rendered, rows)
	}
	if len(g.Rows) > 0 && !reflect.DeepEqual(g.Rows[len(g.Rows)-1], want[rows]) {
		t.Errorf("the last row shows %q, the CLI writes %q", g.Rows[len(g.Rows)-1], want[rows])
	}
	eval[chromedp.Void](p, `document.querySelector('#view .grid').scrollTop = 0`)
	p.wait(`[...document.querySelectorAll('#view .grid-row')].some(r => r.getAttribute('aria-rowindex') == '1')`)

	// The CSV download is what `trailsql query --format csv` writes.
	got := p.download(chromedp.Click(chromedp.CSS(`#view .downloads button`)))
	if !bytes.Equal(got, wantCSV) {
		t.Errorf("the CSV download differs from the CLI's:\n%s", firstDiff(got, wantCSV))
	}

	// So is the JSON download, as --format json writes it.
	got = p.download(chromedp.Click(chromedp.CSS(`#view .downloads button:nth-of-type(2)`)))
	if wantJSON := cliOutput(t, ctx, "query", "--lake", fx.lake, "--format", "json", consoleSQL); !bytes.Equal(got, wantJSON) {
		t.Errorf("the JSON download differs from the CLI's:\n%s", firstDiff(got, wantJSON))
	}

	// An event id opens the event's record, equal to the source's.
	const eventLink = `#view .grid-row a[href^="#/event/"]`
	id := eval[string](p, `document.querySelector('`+eventLink+`').textContent`)
	p.do(chromedp.Click(chromedp.CSS(eventLink)), chromedp.WaitVisible(chromedp.ID("event-json")))
	var rec any
	if err := json.Unmarshal([]byte(eval[string](p, `document.querySelector('#event-json').textContent`)), &rec); err != nil {
		t.Fatalf("the event panel does not hold JSON: %v", err)
	}
	if src := fx.sourceRecord(t, id); !reflect.DeepEqual(rec, src) {
		a, _ := json.Marshal(rec)
		b, _ := json.Marshal(src)
		t.Errorf("event %s: the panel shows\n%s\nthe source log has\n%s", id, a, b)
	}
	if hash := eval[string](p, `location.hash`); hash != "#/event/"+id {
		t.Errorf("the URL of the event is %s", hash)
	}
	p.shot("event", true)
	p.do(chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(chromedp.ID("panel")))
	p.check()

	// A role session's ARN opens its whois chain, as the application
	// layer finds it; a principal in the chain leads on to its own.
	const sessionLink = `#view .grid-row a[href^="#/whois?principal=arn%3Aaws%3Asts"]`
	href := eval[string](p, `(() => { const a = document.querySelector('`+sessionLink+`'); return a ? a.getAttribute('href') : ''; })()`)
	if href == "" {
		t.Fatal("no role session ARN among the first rows")
	}
	who, _ := url.QueryUnescape(strings.TrimPrefix(href, "#/whois?principal="))
	p.do(chromedp.Click(chromedp.CSS(sessionLink)))
	p.checkWhois(ctx, fx, who)
	p.shot("whois", true)
	if next := eval[string](p, `(() => { const a = document.querySelector('#view .whois .hop a.principal'); return a ? a.textContent : ''; })()`); next != "" {
		p.do(chromedp.Click(chromedp.CSS(`#view .whois .hop a.principal`)))
		p.checkWhois(ctx, fx, next)
	}
	p.check()

	// Back to the results (not run again); sort by eventname, then the
	// other way.
	p.do(chromedp.NavigateBack())
	if next := eval[string](p, `location.hash`); strings.HasPrefix(next, "#/whois") {
		p.do(chromedp.NavigateBack())
	}
	p.wait(`document.querySelector('#view .grid-row') !== null`)
	col := slices.Index(want[0], "eventname")
	for _, dir := range []int{1, -1} {
		p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#view .grid-th:nth-child(%d)`, col+1))))
		sorted := slices.Clone(want[1:])
		slices.SortStableFunc(sorted, func(a, b []string) int { return dir * strings.Compare(a[col], b[col]) })
		p.wait(fmt.Sprintf(`document.querySelector('#view .grid-th:nth-child(%d)')?.getAttribute('aria-sort') == '%s'`,
			col+1, map[int]string{1: "ascending", -1: "descending"}[dir]))
		g = p.grid()
		for i, r := range g.Rows {
			if r[col] != sorted[i][col] {
				t.Fatalf("sorted %+d: row %d shows %s = %q, want %q", dir, i+1, "eventname", r[col], sorted[i][col])
			}
		}
		if dir == 1 {
			p.shot("sorted", false)
		}
	}
	p.check()

	// A typo: the error is shown, and underlined where the API says.
	const typo = "SELECT eventname, count(*) AS n\nFROM cloudtrail\nGROUP BY eventname ORDR BY n DESC"
	msg, line, column := fx.apiError(t, typo)
	if line == 0 || column == 0 {
		t.Fatalf("the API gives no position for %q: %s", typo, msg)
	}
	p.setSQL(typo)
	p.do(chromedp.Click(chromedp.ID("run")), chromedp.WaitVisible(chromedp.ID("sql-error-mark")))
	mark := eval[struct {
		Line, Column   int
		Text, Error    string
		DX, DY, CW, LH float64
	}](p, `(() => {
		const pre = document.querySelector('.editor-hl'), code = pre.querySelector('code');
		const mark = document.querySelector('#sql-error-mark');
		const r = document.createRange();
		r.setStart(code, 0);
		r.setEndBefore(mark);
		const lines = r.toString().split('\n');
		const cs = getComputedStyle(pre);
		const probe = document.createElement('span');
		probe.textContent = 'M'.repeat(20);
		pre.append(probe);
		const cw = probe.getBoundingClientRect().width / 20;
		probe.remove();
		const pr = pre.getBoundingClientRect(), mr = mark.getBoundingClientRect();
		return {
			line: lines.length, column: [...lines[lines.length - 1]].length + 1, text: mark.textContent,
			error: document.querySelector('#view .results .error').textContent,
			dx: mr.left - pr.left - parseFloat(cs.paddingLeft) + pre.scrollLeft,
			dy: mr.top - pr.top - parseFloat(cs.paddingTop) + pre.scrollTop,
			cw, lh: parseFloat(cs.lineHeight),
		};
	})()`)
	if mark.Line != line || mark.Column != column {
		t.Errorf("the underline is at line %d, column %d (%q); the API says line %d, column %d", mark.Line, mark.Column, mark.Text, line, column)
	}
	if x := float64(column-1) * mark.CW; math.Abs(mark.DX-x) > 1.5 {
		t.Errorf("the underline starts %.1f px from the left, want %.1f (column %d)", mark.DX, x, column)
	}
	if y := float64(line-1) * mark.LH; math.Abs(mark.DY-y) > mark.LH/2 {
		t.Errorf("the underline is %.1f px from the top, want %.1f (line %d)", mark.DY, y, line)
	}
	if mark.Error != msg {
		t.Errorf("the page shows the error %q, the API says %q", mark.Error, msg)
	}
	p.shot("error", true)
	p.check()

	// A report as a form: its answer is the CLI's, and so is its CSV.
	p.do(chromedp.Navigate(fx.url+"/#/reports"), chromedp.WaitVisible(chromedp.CSS(`a[href="#/report/user-activity"]`)))
	if n := eval[int](p, `document.querySelectorAll('#view .cards li').length`); n < 20 {
		t.Errorf("the reports page lists %d reports", n)
	}
	p.shot("reports", false)
	g = p.answer(chromedp.Click(chromedp.CSS(`a[href="#/report/user-activity"]`)),
		chromedp.WaitVisible(chromedp.ID("param-user")),
		chromedp.SendKeys(chromedp.ID("param-user"), gen.ScenarioGhostUser),
		chromedp.Click(chromedp.ID("run-report")))
	wantReport := cliOutput(t, ctx, "report", "run", "user-activity", "--lake", fx.lake, "-p", "user="+gen.ScenarioGhostUser, "--format", "csv")
	wr := parseCSV(t, wantReport)
	if g.Error != "" || !strings.Contains(g.Stat, commas(len(wr)-1)+" row") || len(wr) < 2 {
		t.Errorf("the report shows %q (%s); the CLI has %d rows", g.Stat, g.Error, len(wr)-1)
	}
	for i, r := range g.Rows {
		if !reflect.DeepEqual(r, wr[1+i]) {
			t.Errorf("report row %d shows %q, the CLI writes %q", i+1, r, wr[1+i])
			break
		}
	}
	if hash := eval[string](p, `location.hash`); !strings.Contains(hash, "user="+gen.ScenarioGhostUser) || !strings.Contains(hash, "run=1") {
		t.Errorf("the report's URL does not hold its parameters: %s", hash)
	}
	p.shot("report", true)
	if got := p.download(chromedp.Click(chromedp.CSS(`#view .downloads button`))); !bytes.Equal(got, wantReport) {
		t.Errorf("the report's CSV differs from the CLI's:\n%s", firstDiff(got, wantReport))
	}
	p.check()
}

// checkWhois waits for the whois view of who and compares its chains with
// the application layer's.
func (p *page) checkWhois(ctx context.Context, fx *fixture, who string) {
	p.t.Helper()
	p.wait(fmt.Sprintf(`location.hash == %q && document.querySelector('#whois-principal')?.value == %q && document.querySelector('#view .whois .chain, #view .whois p:not(.muted), #view .whois .error') !== null`,
		"#/whois?principal="+url.QueryEscape(who), who))
	ans, err := fx.app.Whois(ctx, who)
	if err != nil {
		p.t.Fatal(err)
	}
	got := eval[[]struct {
		Hops   int
		Origin string
	}](p, `[...document.querySelectorAll('#view .whois .chain')].map(c => ({hops: c.querySelectorAll('.hop').length, origin: (c.querySelector('.origin') || {}).textContent || ''}))`)
	if len(got) != len(ans.Chains) {
		p.t.Fatalf("whois %s: %d chains shown, the application layer finds %d", who, len(got), len(ans.Chains))
	}
	for i, c := range ans.Chains {
		if got[i].Hops != len(c.Hops) || (c.Origin != "" && !strings.Contains(got[i].Origin, c.Origin)) {
			p.t.Errorf("whois %s, chain %d: %d hops, origin %q shown; want %d hops, origin %q (%s)", who, i, got[i].Hops, got[i].Origin, len(c.Hops), c.Origin, c.OriginKind)
		}
	}
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// firstDiff describes where a and b first differ.
func firstDiff(a, b []byte) string {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	lo := max(0, i-120)
	return fmt.Sprintf("%d and %d bytes, first difference at byte %d:\n got: %q\nwant: %q",
		len(a), len(b), i, a[lo:min(len(a), i+120)], b[lo:min(len(b), i+120)])
}

// awkwardSQL has values that CSV must quote or that JavaScript writes
// otherwise than Go: commas, quotes, line breaks, leading spaces, empty
// text and NULL, booleans, tiny and huge numbers, dates and times of each
// type, text beyond ASCII.
const awkwardSQL = `SELECT 'a,b' AS comma, 'say "hi"' AS quote, 'line1
line2' AS newline, ' lead' AS lead, '' AS empty, CAST(NULL AS varchar) AS nul, true AS yes,
  CAST(0.0000001 AS double) AS tiny, CAST(1e20 AS double) AS huge, CAST(2.5e15 AS double) AS big, 123456789012345 AS int,
  length(eventname) / 3.0 AS third, DATE '2019-09-30' AS d, TIMESTAMP '2019-09-30 12:00:00.123' AS ts,
  from_iso8601_timestamp(eventtime) AS tstz, 'héllo wörld ✓' AS uni, '\.' AS dot
FROM cloudtrail ORDER BY eventid LIMIT 20`

// TestViews drives the other views: completion of a struct field, a
// sample query, the history and a saved query, a time range from the
// URL, cancelling a query, a timeline, findings and the delivery map.
func TestViews(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	fx := newFixture(t, ctx, server.Config{})
	p := newPage(t, ctx)

	// Completion: a struct's fields after its name and a dot.
	p.do(chromedp.Navigate(fx.url+"/#/query"), chromedp.WaitVisible(chromedp.ID("sql")))
	p.wait(`document.querySelector('.catalog details.table') !== null`) // the tables have come
	eval[chromedp.Void](p, `document.querySelector('#sql').select()`)
	p.do(chromedp.SendKeys(chromedp.ID("sql"), "SELECT useridentity.sessioncontext.sessionissuer.us"))
	p.do(chromedp.WaitVisible(chromedp.CSS(`.complete li`)))
	items := eval[[]string](p, `[...document.querySelectorAll('.complete li .c-text')].map(e => e.textContent)`)
	if !slices.Equal(items, []string{"username"}) {
		t.Errorf("completion offers %q after useridentity.sessioncontext.sessionissuer.us, want [username]", items)
	}
	p.shot("completion", false)
	p.do(chromedp.KeyEvent(kb.Tab))
	if v := eval[string](p, `document.querySelector('#sql').value`); v != "SELECT useridentity.sessioncontext.sessionissuer.username" {
		t.Errorf("after Tab the editor holds %q", v)
	}
	p.check()

	// A sample query runs from its card, and answers what the CLI does.
	p.do(chromedp.Navigate(fx.url+"/#/samples"), chromedp.WaitVisible(chromedp.CSS(`#view .card a.card-title`)))
	sampleHref := eval[string](p, `document.querySelector('#view .card a.card-title').getAttribute('href')`)
	u, _ := url.ParseQuery(strings.TrimPrefix(sampleHref, "#/query?"))
	sample := u.Get("sql")
	p.shot("samples", false)
	g := p.answer(chromedp.Click(chromedp.CSS(`#view .card a.card-title`)))
	want := parseCSV(t, cliOutput(t, ctx, "query", "--lake", fx.lake, "--format", "csv", sample))
	// Ties in its ORDER BY come in either order: compare the rows as sets.
	byText := func(a, b []string) int { return slices.Compare(a, b) }
	slices.SortFunc(g.Rows, byText)
	slices.SortFunc(want[1:], byText)
	if g.Error != "" || !reflect.DeepEqual(g.Rows, want[1:]) {
		t.Errorf("sample %q shows %q (%s), the CLI writes %q", sample, g.Rows, g.Error, want[1:])
	}

	// It is in the history, with its row count.
	p.do(chromedp.Navigate(fx.url+"/#/history"), chromedp.WaitVisible(chromedp.CSS(`#view .history li`)))
	first := eval[string](p, `document.querySelector('#view .history li .sql-preview').textContent`)
	meta := eval[string](p, `document.querySelector('#view .history li .history-meta').textContent`)
	if first != sample || !strings.Contains(meta, commas(len(want)-1)+" rows") {
		t.Errorf("the history's newest entry is %q (%s), want %q with %d rows", first, meta, sample, len(want)-1)
	}
	p.shot("history", false)

	// Save it, find it under Saved, open it, delete it.
	p.do(chromedp.NavigateBack(), chromedp.WaitVisible(chromedp.ID("save")), chromedp.Click(chromedp.ID("save")),
		chromedp.SendKeys(chromedp.ID("save-name"), "top calls\r"))
	p.do(chromedp.Navigate(fx.url+"/#/saved"), chromedp.WaitVisible(chromedp.CSS(`#view .card a.card-title`)))
	if name := eval[string](p, `document.querySelector('#view .card a.card-title').textContent`); name != "top calls" {
		t.Errorf("the saved query is called %q", name)
	}
	p.shot("saved", false)
	p.do(chromedp.Click(chromedp.CSS(`#view .card .delete`)), chromedp.Click(chromedp.CSS(`#view .card .delete`)))
	p.wait(`document.querySelector('#view .card') === null && document.querySelector('#view p:not(.muted)') !== null`)
	p.check()

	// A time range in the URL: the preset shows it, and the query counts
	// the events of that day only.
	const day = "SELECT count(*) AS n FROM cloudtrail"
	q := url.Values{"sql": {day}, "from": {"2019-09-29T00:00:00Z"}, "to": {"2019-09-30T00:00:00Z"}}
	g = p.answer(chromedp.Navigate(fx.url + "/#/query?" + q.Encode()))
	n := parseCSV(t, cliOutput(t, ctx, "query", "--lake", fx.lake, "--format", "csv",
		"SELECT count(*) AS n FROM cloudtrail WHERE eventtime >= '2019-09-29T00:00:00Z' AND eventtime < '2019-09-30T00:00:00Z'"))
	if len(g.Rows) != 1 || g.Rows[0][0] != n[1][0] {
		t.Errorf("the day's count shows %q, the CLI counts %s", g.Rows, n[1][0])
	}
	if r := eval[[]string](p, `[...document.querySelectorAll('#view .timerange select, #view .timerange input')].map(e => e.value)`); !slices.Equal(r, []string{"custom", "2019-09-29T00:00", "2019-09-30T00:00"}) {
		t.Errorf("the time range shows %q", r)
	}

	// Awkward values download as the CLI writes them too.
	for _, sql := range []string{awkwardSQL, "SELECT useridentity, resources, tlsdetails FROM cloudtrail ORDER BY eventid LIMIT 50"} {
		g = p.answer(chromedp.Navigate(fx.url + "/#/query?" + url.Values{"sql": {sql}}.Encode()))
		if g.Error != "" {
			t.Fatalf("%s: %s", sql, g.Error)
		}
		got := p.download(chromedp.Click(chromedp.CSS(`#view .downloads button`)))
		if want := cliOutput(t, ctx, "query", "--lake", fx.lake, "--format", "csv", sql); !bytes.Equal(got, want) {
			t.Errorf("%s: the CSV download differs from the CLI's:\n%s", sql, firstDiff(got, want))
		}
		got = p.download(chromedp.Click(chromedp.CSS(`#view .downloads button:nth-of-type(2)`)))
		if want := cliOutput(t, ctx, "query", "--lake", fx.lake, "--format", "json", sql); !bytes.Equal(got, want) {
			t.Errorf("%s: the JSON download differs from the CLI's:\n%s", sql, firstDiff(got, want))
		}
	}
	p.check()

	// Cancel a query that would run for minutes: the server stops it, and
	// its query slot is free again.
	p.setSQL("SELECT count(*) FROM cloudtrail a CROSS JOIN cloudtrail b CROSS JOIN cloudtrail c CROSS JOIN cloudtrail d")
	p.do(chromedp.Click(chromedp.ID("run")), chromedp.WaitEnabled(chromedp.ID("cancel")))
	time.Sleep(500 * time.Millisecond) // running on the server
	p.do(chromedp.Click(chromedp.ID("cancel")))
	p.wait(`(document.querySelector('#view .stats')?.textContent || '').startsWith('Cancelled') && !document.querySelector('#run').disabled`)
	fx.slotsFree(t)
	p.check()

	// A hundred thousand rows: they stream in, the page holds a few dozen
	// of them at a time, scrolling and sorting stay quick.
	const big = "SELECT e.eventid, e.eventname, n FROM cloudtrail e CROSS JOIN UNNEST(sequence(1, 40)) AS t(n) LIMIT 100000"
	start := time.Now()
	g = p.answer(chromedp.Navigate(fx.url + "/#/query?" + url.Values{"sql": {big}}.Encode()))
	t.Logf("100,000 rows on screen in %s", time.Since(start).Round(time.Millisecond))
	if g.Error != "" || !strings.Contains(g.Stat, "100,000 rows") || g.Rendered > 80 {
		t.Fatalf("the big query: %q (%s), %d rows in the page", g.Stat, g.Error, g.Rendered)
	}
	timing := eval[struct {
		Frames, Worst, Median, Sort float64
	}](p, `new Promise(done => {
		const grid = document.querySelector('#view .grid');
		const times = [];
		let last = performance.now(), k = 0;
		const step = () => {
			const now = performance.now();
			times.push(now - last);
			last = now;
			if (++k > 60) {
				const th = document.querySelector('#view .grid-th:nth-child(2)');
				const t0 = performance.now();
				th.click();
				const sorted = times.slice(1).sort((a, b) => a - b);
				done({frames: times.length, worst: sorted[sorted.length - 1], median: sorted[sorted.length >> 1], sort: performance.now() - t0});
				return;
			}
			grid.scrollTop = (k * 1667 * 26) % (100000 * 26);
			requestAnimationFrame(step);
		};
		requestAnimationFrame(step);
	})`)
	t.Logf("100,000 rows: %v frames scrolled, median %.1f ms, the slowest %.1f ms; sorting by eventname %.0f ms", timing.Frames, timing.Median, timing.Worst, timing.Sort)
	// A frame draws a new set of rows: at 60 frames a second it takes
	// 17 ms, and the machine's load makes frames slower (drawing every row
	// would take seconds).
	if timing.Median > 100 || timing.Sort > 5000 {
		t.Errorf("100,000 rows: the median frame took %.0f ms, sorting %.0f ms", timing.Median, timing.Sort)
	}
	g = p.grid()
	if g.Rendered > 80 || g.Columns[1] != "eventname" {
		t.Errorf("after scrolling and sorting 100,000 rows: %d in the page", g.Rendered)
	}
	p.check()

	// The timeline of the attacker's address, as the application layer
	// builds it.
	p.answer(chromedp.Navigate(fx.url + "/#/timeline?ip=" + gen.ScenarioAttackerIP))
	evs, err := fx.app.Timeline(ctx, report.TimelineQuery{IP: gen.ScenarioAttackerIP})
	if err != nil {
		t.Fatal(err)
	}
	tl := eval[gridState](p, strings.Replace(gridJS, `#view .results`, `#view .timeline-view .results`, 1))
	if !strings.Contains(tl.Stat, commas(len(evs))+" row") || len(evs) == 0 {
		t.Errorf("the timeline says %q, the application layer has %d events", tl.Stat, len(evs))
	}
	if col := slices.Index(tl.Columns, "action"); col < 0 || len(tl.Rows) == 0 || tl.Rows[0][col] != evs[0].Action {
		t.Errorf("the timeline shows columns %q, first row %q; want the first action %s", tl.Columns, tl.Rows, evs[0].Action)
	}
	p.shot("timeline", true)

	// Findings of the built-in rules, grouped by rule and by tactic as
	// counted here.
	findings := fx.detect(t, ctx)
	for _, group := range []string{"rule", "tactic"} {
		count := map[string]int{}
		for _, f := range findings {
			if group == "rule" {
				count[f.Title]++
			}
			for _, tc := range f.Tactics {
				if group == "tactic" {
					count[tc]++
				}
			}
		}
		p.do(chromedp.Navigate(fx.url+"/#/findings?group="+group), chromedp.WaitVisible(chromedp.CSS(`#view .findings .error, #view #findings`)))
		got := eval[[][]string](p, `[...document.querySelectorAll('#view #findings tbody tr')].map(r => [...r.children].map(c => c.textContent))`)
		shown := map[string]int{}
		for _, r := range got {
			var n int
			fmt.Sscan(strings.ReplaceAll(r[2], ",", ""), &n)
			shown[r[0]] = n
		}
		if !reflect.DeepEqual(shown, count) {
			t.Errorf("findings by %s: the page shows %v, the rules found %v", group, shown, count)
		}
		if group == "tactic" {
			p.shot("findings", true)
		}
	}
	// A group opens its findings in the query view.
	if g := p.answer(chromedp.Click(chromedp.CSS(`#view #findings tbody tr a`))); g.Error != "" || len(g.Rows) == 0 {
		t.Errorf("a tactic's findings: %q (%s)", g.Stat, g.Error)
	}

	// The delivery heat map is drawn.
	p.do(chromedp.Navigate(fx.url+"/#/delivery"), chromedp.WaitVisible(chromedp.ID("gaps-map")))
	if w := eval[int](p, `document.querySelector('#gaps-map').naturalWidth`); w == 0 {
		t.Error("the delivery heat map is empty")
	}
	p.shot("delivery", true)
	p.check()

	// Dark, when the system prefers it.
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	}); err != nil {
		t.Fatal(err)
	}
	p.answer(chromedp.Navigate(fx.url + "/#/query?" + url.Values{"sql": {consoleSQL}}.Encode()))
	if bg := eval[string](p, `getComputedStyle(document.body).backgroundColor`); bg != "rgb(20, 23, 28)" {
		t.Errorf("with a dark preference the page's background is %s", bg)
	}
	p.shot("dark", false)
	p.check()
}

// TestToken opens the console of a server bound to every address, which
// needs its token: without it the page is refused; with ?token= once, the
// browser keeps it (a cookie) and the console works, writes included.
func TestToken(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const token = "e2e-token-0123456789abcdef"
	// Bound to 0.0.0.0 by its configuration; the test reaches it on
	// loopback only (httptest listens on 127.0.0.1).
	fx := newFixture(t, ctx, server.Config{Addr: "0.0.0.0:8080", Token: token})
	p := newPage(t, ctx)
	const sql = "SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY eventname ORDER BY n DESC, eventname LIMIT 5"
	view := "#/query?" + url.Values{"sql": {sql}}.Encode()

	p.do(chromedp.Navigate(fx.url + "/" + view))
	if body := eval[string](p, `document.body.innerText`); !strings.Contains(body, "token") || eval[bool](p, `!!document.querySelector('#sql')`) {
		t.Fatalf("without the token the server answers the page: %q", body)
	}
	p.shot("refused", false)
	g := p.answer(chromedp.Navigate(fx.url + "/?token=" + token + view))
	want := parseCSV(t, cliOutput(t, ctx, "query", "--lake", fx.lake, "--format", "csv", sql))
	if g.Error != "" || !reflect.DeepEqual(g.Rows, want[1:]) {
		t.Errorf("with the token: %q (%s), the CLI writes %q", g.Rows, g.Error, want[1:])
	}
	if u := eval[string](p, `location.href`); strings.Contains(u, "token") || !strings.HasSuffix(u, view) {
		t.Errorf("after the token the page is at %s, want the view without the token", u)
	}
	// A write (the history entry the query made) went through the token and
	// CSRF checks.
	p.do(chromedp.Navigate(fx.url+"/#/history"), chromedp.WaitVisible(chromedp.CSS(`#view .history li`)))
	if got := eval[string](p, `document.querySelector('#view .history li .sql-preview').textContent`); got != sql {
		t.Errorf("the history holds %q", got)
	}
	p.shot("token", false)
	p.check()
}
