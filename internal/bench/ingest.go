package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/trailsql/trailsql/internal/gen"
)

// The shapes of data the ingest benchmark runs on.
const (
	// Dense is a busy account's trail: one account, one region, 90 days,
	// one file an hour (about 500 events per file for 1M events).
	Dense = "dense"
	// Sparse is an organization of many quiet partitions: 5 accounts, 17
	// regions, 60 days, CloudTrail's five-minute files (about 218,000
	// tiny files for 300,000 events), as `trailsql gen --events 300000
	// --accounts 5 --regions 17 --days 60` writes them.
	Sparse = "sparse"
)

// Shapes lists the shapes, in the order they run.
var Shapes = []string{Dense, Sparse}

// Defaults of IngestOptions.
const (
	DefaultEvents        = 1_000_000
	DefaultSparseEvents  = 300_000
	DefaultDuckDBTimeout = 5 * time.Minute
)

// ShapeSet returns the generator's options of shape for events events
// under dir.
func ShapeSet(shape, dir string, events int64, seed uint64) (gen.Options, error) {
	switch shape {
	case Dense:
		return gen.Options{Dir: dir, Events: events, Seed: seed, Accounts: 1, Regions: 1, Days: 90, Window: time.Hour}, nil
	case Sparse:
		return gen.Options{Dir: dir, Events: events, Seed: seed, Accounts: 5, Regions: 17, Days: 60, Org: gen.DefaultOrg}, nil
	}
	return gen.Options{}, fmt.Errorf("bench: unknown shape %q (want %s)", shape, strings.Join(Shapes, " or "))
}

// about describes the set of o in a few words.
func about(o gen.Options) string {
	s := fmt.Sprintf("%s, %s, %d days", plural(o.Accounts, "account"), plural(o.Regions, "region"), o.Days)
	switch o.Window {
	case 0, gen.DefaultWindow:
		return s + ", five-minute files"
	case time.Hour:
		return s + ", hourly files"
	}
	return s + ", a file every " + o.Window.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// IngestSet is the older data set of the ingest benchmark, which the S3
// benchmark still reads from MinIO: events of 3 accounts in 4 regions over
// 7 days of an organization trail, written to dir.
func IngestSet(dir string, events int64, seed uint64) gen.Options {
	return gen.Options{Dir: dir, Events: events, Seed: seed, Accounts: 3, Regions: 4, Days: 7, Org: "o-a1b2c3d4e5"}
}

// IngestOptions configure the ingest benchmark. The zero value of a field
// means its default, except Seed and the booleans.
type IngestOptions struct {
	// Dir is the work folder: generated logs are cached here between runs
	// (one folder and marker file per shape); the lakes (lake-<shape>)
	// and DuckDB's files (duckdb-<shape>.parquet) are written here and
	// kept until the next run. Required.
	Dir string
	// Shapes are the shapes to run (default: all of Shapes).
	Shapes []string
	// Events is the size of the dense set (default DefaultEvents).
	Events int64
	// SparseEvents is the size of the sparse set (default
	// DefaultSparseEvents).
	SparseEvents int64
	Seed         uint64
	// Exe is the trailsql binary that runs each side as a child process.
	// Required.
	Exe string
	// Threads is DuckDB's thread count, the number of threads trailsql
	// runs Go code on (default: runtime.GOMAXPROCS).
	Threads int
	// SkipDuckDB leaves out the DuckDB baseline.
	SkipDuckDB bool
	// DuckDBColumns converts with the Records' columns declared (the
	// Athena DDL) instead of DuckDB's plain read_json.
	DuckDBColumns bool
	// DuckDBTimeout bounds each DuckDB conversion: a child that runs
	// longer is killed (default DefaultDuckDBTimeout).
	DuckDBTimeout time.Duration
}

// OptionsError lists every problem found in an IngestOptions value.
type OptionsError struct {
	Problems []string
}

func (e *OptionsError) Error() string {
	return "bench: invalid options: " + strings.Join(e.Problems, "; ")
}

// WithDefaults returns a copy of o with the defaults filled in.
func (o IngestOptions) WithDefaults() IngestOptions {
	if len(o.Shapes) == 0 {
		o.Shapes = Shapes
	}
	o.Shapes = slices.Clone(o.Shapes)
	if o.Events == 0 {
		o.Events = DefaultEvents
	}
	if o.SparseEvents == 0 {
		o.SparseEvents = DefaultSparseEvents
	}
	if o.Threads == 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	if o.DuckDBTimeout == 0 {
		o.DuckDBTimeout = DefaultDuckDBTimeout
	}
	return o
}

// Validate fills in the defaults of o and checks it, reporting every
// problem together in one *OptionsError.
func (o IngestOptions) Validate() error {
	_, err := o.validated()
	return err
}

func (o IngestOptions) validated() (IngestOptions, error) {
	o = o.WithDefaults()
	var p []string
	if o.Dir == "" {
		p = append(p, "the work folder is not set")
	}
	if o.Exe == "" {
		p = append(p, "the trailsql binary is not set")
	}
	seen := map[string]bool{}
	for _, s := range o.Shapes {
		switch {
		case !slices.Contains(Shapes, s):
			p = append(p, fmt.Sprintf("unknown shape %q (want %s)", s, strings.Join(Shapes, " or ")))
		case seen[s]:
			p = append(p, fmt.Sprintf("shape %q is listed twice", s))
		}
		seen[s] = true
	}
	if o.Events < 1 || o.Events > gen.MaxEvents {
		p = append(p, fmt.Sprintf("events %d is out of range 1..%d", o.Events, gen.MaxEvents))
	}
	if o.SparseEvents < 1 || o.SparseEvents > gen.MaxEvents {
		p = append(p, fmt.Sprintf("sparse events %d is out of range 1..%d", o.SparseEvents, gen.MaxEvents))
	}
	if o.Threads < 1 {
		p = append(p, fmt.Sprintf("threads %d is below 1", o.Threads))
	}
	if o.DuckDBTimeout < 0 {
		p = append(p, fmt.Sprintf("duckdb timeout %s is negative", o.DuckDBTimeout))
	}
	if len(p) > 0 {
		return o, &OptionsError{Problems: p}
	}
	return o, nil
}

// Measure is one tool's figures on one shape.
type Measure struct {
	Wall   time.Duration
	CPU    time.Duration // user + system time of the child
	MaxRSS int64         // bytes
	// Files is the number of .parquet files written.
	Files int64
	// DataBytes is the size of the .parquet files, TokenBytes that of
	// trailsql's _*.tokens sidecars.
	DataBytes, TokenBytes int64
}

// Baseline is the outcome of DuckDB's conversion of one shape.
type Baseline struct {
	Measure
	// Method is the conversion measured (ConvertOptions.Method).
	Method string
	// Refused is the error of plain read_json when DuckDB refused the
	// records and the conversion was retried with union_by_name; Refused
	// took RefusedAfter.
	Refused      string
	RefusedAfter time.Duration
	// TimedOut is set when the conversion was killed after Timeout;
	// Measure then holds the wall time and peak RSS until then.
	TimedOut bool
	Timeout  time.Duration
	// Failed is the error of a conversion that failed otherwise.
	Failed string
}

// ShapeResult is what the ingest benchmark measured on one shape.
type ShapeResult struct {
	Shape     string
	About     string // the set in a few words
	Events    int64
	JSONBytes int64
	GzipBytes int64
	Files     int64 // log objects
	Threads   int
	Trailsql  Measure
	// Summary is trailsql ingest's own line about the lake it wrote.
	Summary string
	DuckDB  *Baseline
}

// IngestResult is what the ingest benchmark measured, one result per
// shape.
type IngestResult struct {
	Shapes []ShapeResult
}

// Ingest runs the ingest benchmark: for each shape, it generates (or
// reuses) the logs under opts.Dir, ingests them into a fresh lake and
// converts them with DuckDB, each in its own child process, on the same
// files. Progress goes to log. Invalid options are reported, all
// together, as an *OptionsError.
func Ingest(ctx context.Context, opts IngestOptions, log io.Writer) (IngestResult, error) {
	var res IngestResult
	opts, err := opts.validated()
	if err != nil {
		return res, err
	}
	for _, shape := range opts.Shapes {
		sr, err := ingestShape(ctx, opts, shape, log)
		if err != nil {
			return res, err
		}
		res.Shapes = append(res.Shapes, sr)
	}
	return res, nil
}

func ingestShape(ctx context.Context, opts IngestOptions, shape string, log io.Writer) (ShapeResult, error) {
	events := opts.Events
	if shape == Sparse {
		events = opts.SparseEvents
	}
	src := filepath.Join(opts.Dir, fmt.Sprintf("%s-%d-%d", shape, events, opts.Seed))
	set, err := ShapeSet(shape, src, events, opts.Seed)
	if err != nil {
		return ShapeResult{}, err
	}
	sr := ShapeResult{Shape: shape, About: about(set), Threads: opts.Threads}
	st, err := ensureLogs(ctx, set, log)
	if err != nil {
		return sr, err
	}
	sr.Events, sr.JSONBytes, sr.GzipBytes, sr.Files = st.Events, st.JSONBytes, st.GzipBytes, st.Files

	lakeDir := filepath.Join(opts.Dir, "lake-"+shape)
	if err := os.RemoveAll(lakeDir); err != nil {
		return sr, fmt.Errorf("cannot clear %s: %w", lakeDir, err)
	}
	fmt.Fprintf(log, "%s: ingesting %d events in %d files with trailsql...\n", shape, sr.Events, sr.Files)
	c, err := runChild(ctx, opts.Dir, 0, opts.Exe, "ingest", src, "--lake", lakeDir)
	if err != nil {
		return sr, err
	}
	if c.err != nil {
		return sr, fmt.Errorf("cannot ingest %s: %w", shape, c.err)
	}
	sr.Trailsql = c.measure
	sr.Trailsql.Files, sr.Trailsql.DataBytes, sr.Trailsql.TokenBytes = lakeSize(filepath.Join(lakeDir, "cloudtrail"))
	sr.Summary = summaryLine(c.stdout)

	if !opts.SkipDuckDB {
		b, err := duckdbBaseline(ctx, opts, shape, src, log)
		if err != nil {
			return sr, err
		}
		sr.DuckDB = b
	}
	return sr, nil
}

// duckdbBaseline converts src with DuckDB's read_json, retrying with
// union_by_name when plain read_json refuses the records.
func duckdbBaseline(ctx context.Context, opts IngestOptions, shape, src string, log io.Writer) (*Baseline, error) {
	out := filepath.Join(opts.Dir, "duckdb-"+shape+".parquet")
	conv := ConvertOptions{Threads: opts.Threads, Columns: opts.DuckDBColumns}
	b := &Baseline{Timeout: opts.DuckDBTimeout}
	for {
		b.Method = conv.Method()
		if err := os.Remove(out); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot clear %s: %w", out, err)
		}
		fmt.Fprintf(log, "%s: converting the same files with DuckDB (%s, %d threads, at most %s)...\n", shape, b.Method, conv.Threads, opts.DuckDBTimeout)
		args := []string{"bench", "duckdb-convert", "--threads", fmt.Sprint(conv.Threads)}
		if conv.UnionByName {
			args = append(args, "--union-by-name")
		}
		if conv.Columns {
			args = append(args, "--columns")
		}
		c, err := runChild(ctx, opts.Dir, opts.DuckDBTimeout, opts.Exe, append(args, src, out)...)
		if err != nil {
			return nil, err
		}
		b.Measure = c.measure
		if c.timedOut || c.err != nil {
			// What a killed or failed DuckDB left behind.
			os.Remove(out)
			os.RemoveAll(filepath.Join(opts.Dir, ".tmp"))
		}
		switch {
		case c.timedOut:
			b.TimedOut = true
			fmt.Fprintf(log, "%s: DuckDB did not finish in %s; killed\n", shape, opts.DuckDBTimeout)
		case c.err != nil && !conv.Columns && !conv.UnionByName && schemaError(c.stderr):
			b.Refused, b.RefusedAfter = c.reason(src), c.measure.Wall
			fmt.Fprintf(log, "%s: plain read_json failed after %s: %s\n", shape, c.measure.Wall.Round(time.Millisecond), b.Refused)
			conv.UnionByName = true
			continue
		case c.err != nil:
			b.Failed = c.reason(src)
			fmt.Fprintf(log, "%s: DuckDB failed: %v\n", shape, c.err)
		default:
			b.Files, b.DataBytes, _ = lakeSize(out)
		}
		return b, nil
	}
}

// summaryLine returns the line of ingest's summary about the lake.
func summaryLine(stdout string) string {
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, "lake ") {
			return strings.Join(strings.Fields(l), " ")
		}
	}
	return ""
}

type genMarker struct {
	Options gen.Options
	Stats   gen.Stats
}

// ensureLogs generates the logs of set unless a previous run left them
// complete: its marker file, beside the folder (inside, it would be
// ingested too), records the options it wrote them with.
func ensureLogs(ctx context.Context, set gen.Options, log io.Writer) (gen.Stats, error) {
	marker := set.Dir + ".generated.json"
	if b, err := os.ReadFile(marker); err == nil {
		var m genMarker
		if json.Unmarshal(b, &m) == nil && sameSet(m.Options, set) {
			fmt.Fprintf(log, "reusing %d generated events in %s\n", m.Stats.Events, set.Dir)
			return m.Stats, nil
		}
	}
	if err := os.RemoveAll(set.Dir); err != nil {
		return gen.Stats{}, fmt.Errorf("cannot clear %s: %w", set.Dir, err)
	}
	fmt.Fprintf(log, "generating %d events in %s (%s)...\n", set.Events, set.Dir, about(set))
	start := time.Now()
	st, err := gen.Generate(ctx, set, nil)
	if err != nil {
		return st, fmt.Errorf("cannot generate logs: %w", err)
	}
	fmt.Fprintf(log, "generated %d files in %s\n", st.Files, time.Since(start).Round(time.Millisecond))
	b, err := json.Marshal(genMarker{Options: set, Stats: st})
	if err != nil {
		return st, fmt.Errorf("cannot encode %s: %w", marker, err)
	}
	if err := os.WriteFile(marker, b, 0o644); err != nil {
		return st, fmt.Errorf("cannot write %s: %w", marker, err)
	}
	return st, nil
}

// sameSet reports whether a and b write the same files (Workers aside).
func sameSet(a, b gen.Options) bool {
	a.Workers, b.Workers = 0, 0
	return a.Dir == b.Dir && a.Events == b.Events && a.Seed == b.Seed && a.Accounts == b.Accounts &&
		a.Regions == b.Regions && a.Days == b.Days && a.Start.Equal(b.Start) && a.Org == b.Org && a.Window == b.Window
}

// child is one run of a child process.
type child struct {
	measure  Measure
	stdout   string
	stderr   string
	timedOut bool
	err      error // the child failed (with its stderr)
}

// reason is the gist of a failed child's error: the first line of what
// it wrote to stderr, without the layers of context, file names relative
// to src, and no record quoted.
func (c child) reason(src string) string {
	s := strings.TrimSpace(c.stderr)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	for _, p := range []string{"trailsql: ", "error: ", "cannot convert with duckdb: "} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.ReplaceAll(s, filepath.Clean(src)+string(filepath.Separator), "")
	s = quotedObject.ReplaceAllString(s, "Object {...} has")
	if s == "" && c.err != nil {
		s = c.err.Error()
	}
	if len(s) > 400 {
		s = strings.ToValidUTF8(s[:400], "") + "..."
	}
	return s
}

// quotedObject is the start of a record that DuckDB quotes in a JSON
// transform error.
var quotedObject = regexp.MustCompile(`Object \{.*?\.\.\. has`)

// schemaError reports whether DuckDB's error (a child's stderr) is about
// the shape of the records: what union_by_name may overcome.
func schemaError(stderr string) bool {
	for _, s := range []string{"Invalid Input Error", "Conversion Error", "Binder Error", "Mismatch Type Error"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

// runChild runs exe with args in dir and measures its wall time, CPU time
// and peak RSS. A timeout above zero kills the child after that long. The
// error is ctx's, when ctx ended; the child's own failure is in child.err.
func runChild(ctx context.Context, dir string, timeout time.Duration, exe string, args ...string) (child, error) {
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	cmd := exec.CommandContext(cctx, exe, args...)
	// Spill files (DuckDB's .tmp) go to the work folder.
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	c := child{measure: Measure{Wall: time.Since(start)}, stdout: stdout.String(), stderr: stderr.String()}
	if ps := cmd.ProcessState; ps != nil {
		c.measure.CPU = ps.UserTime() + ps.SystemTime()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			c.measure.MaxRSS = int64(ru.Maxrss) * 1024
		}
	}
	if ctx.Err() != nil {
		return c, ctx.Err()
	}
	if err != nil {
		if timeout > 0 && errors.Is(cctx.Err(), context.DeadlineExceeded) {
			c.timedOut = true
			return c, nil
		}
		c.err = fmt.Errorf("%s %s: %w: %s", filepath.Base(exe), strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return c, nil
}

// lakeSize counts the .parquet files under path (a folder or one file)
// and adds up their sizes and those of the _*.tokens sidecars.
func lakeSize(path string) (files, data, tokens int64) {
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		switch name := d.Name(); {
		case strings.HasSuffix(name, ".parquet"):
			files++
			data += fi.Size()
		case strings.HasPrefix(name, "_") && strings.HasSuffix(name, ".tokens"):
			tokens += fi.Size()
		}
		return nil
	})
	return files, data, tokens
}
