// Command trailsql-bench-query times trailsql's query engine on a lake of
// generated CloudTrail events against DuckDB reading the raw .json.gz log
// files and against zcat | jq, on the same questions: the seed queries of
// the query issue over all data, a one-day partition query, and needle
// queries across all time (a security group id inside the JSON text, an
// access key id, a source IP, an eventID).
//
// It generates the logs and ingests them once; both are kept in --dir and
// reused by later runs with the same --events, --accounts, --regions,
// --days and --seed.
//
//	go run ./cmd/trailsql-bench-query --events 10000000            # the benchmark
//	go run ./cmd/trailsql-bench-query --events 200000 --runs 5     # a quick one
//	go run ./cmd/trailsql-bench-query --events 200000 --baselines none
//
// trailsql runs in this process: the engine is opened once, each question
// runs once to warm up and then --runs times; the table shows the median
// and the first (cold) run. The baselines run --baseline-runs times each
// (default once: they take minutes at 10M events).
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
)

// options are the command's flags.
type options struct {
	dir                     string
	events                  int64
	accounts, regions, days int
	seed                    uint64
	runs, baselineRuns      int
	baselines               string
	only                    string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.dir, "dir", filepath.Join(os.TempDir(), "trailsql-bench-query"), "work folder: generated logs and lakes are kept here between runs")
	flag.Int64Var(&o.events, "events", 10_000_000, "events to generate")
	flag.IntVar(&o.accounts, "accounts", 5, "accounts")
	flag.IntVar(&o.regions, "regions", 4, "regions per account")
	flag.IntVar(&o.days, "days", 30, "days")
	flag.Uint64Var(&o.seed, "seed", 1, "generator seed")
	flag.IntVar(&o.runs, "runs", 5, "timed runs of each trailsql query (the median is reported)")
	flag.IntVar(&o.baselineRuns, "baseline-runs", 1, "timed runs of each baseline")
	flag.StringVar(&o.baselines, "baselines", "all", "baselines to run: all, duckdb, jq or none")
	flag.StringVar(&o.only, "only", "", "run only the questions whose name contains this")
	flag.Parse()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "trailsql-bench-query: "+err.Error())
		os.Exit(1)
	}
}

// question is one question, asked of the three contenders.
type question struct {
	name   string
	kind   string // seed, partition, needle
	sql    string // trailsql, Athena's dialect
	raw    string // DuckDB over the raw files: FROM raw (all) or raw_day
	jq     string // a jq program run on every record of the files
	jqPost string // a shell pipeline after jq (sort, uniq -c, head ...)
	day    bool   // reads only one day's raw files
}

// params are values found in the data set that the questions look for.
type params struct {
	account, key, eventID, ip, sg, region, day string
}

func questions(p params) []question {
	y, m, d := p.day[0:4], p.day[5:7], p.day[8:10]
	acct := strings.NewReplacer("{ACCT}", p.account, "{REGION}", p.region, "{Y}", y, "{M}", m, "{D}", d, "{DAY}", p.day,
		"{SG}", p.sg, "{KEY}", p.key, "{EVID}", p.eventID, "{IP}", p.ip).Replace
	qs := []question{
		{name: "seed1 logs UNNEST s3", kind: "seed",
			sql: `SELECT record.eventName AS event, record.userIdentity.arn AS user, record.eventTime, record.resources[1].ARN AS object FROM (SELECT record FROM logs CROSS JOIN UNNEST(records) AS t (record)) AS records WHERE record.eventSource = 's3.amazonaws.com' AND (record.eventName IN ('CreateBucket','DeleteBucket') OR record.eventName LIKE '%Object') ORDER BY record.eventTime DESC LIMIT 100`,
			raw: `SELECT json_extract_string(r, '$.eventName'), json_extract_string(r, '$.userIdentity.arn'), json_extract_string(r, '$.eventTime'), json_extract_string(r, '$.resources[0].ARN') FROM raw WHERE json_extract_string(r, '$.eventSource') = 's3.amazonaws.com' AND (json_extract_string(r, '$.eventName') IN ('CreateBucket','DeleteBucket') OR json_extract_string(r, '$.eventName') LIKE '%Object') ORDER BY 3 DESC LIMIT 100`,
			jq:  `select(.eventSource == "s3.amazonaws.com" and ((.eventName == "CreateBucket" or .eventName == "DeleteBucket") or (.eventName | endswith("Object")))) | [.eventName, .userIdentity.arn, .eventTime, .resources[0].ARN] | @tsv`, jqPost: "sort -t$'\t' -k3,3r | head -100"},
		{name: "seed2 one partition SELECT *", kind: "partition", day: true,
			sql: `SELECT * FROM cloudtrail_{ACCT} WHERE region = '{REGION}' AND year = '{Y}' AND month = '{M}' AND day = '{D}' LIMIT 5`,
			raw: `SELECT r FROM raw_day LIMIT 5`, jq: `.`, jqPost: "head -5"},
		{name: "seed3 errors by user, one day", kind: "partition",
			sql: `SELECT useridentity.arn, errorcode, count(*) AS count FROM cloudtrail_{ACCT} WHERE year = '{Y}' AND month = '{M}' AND day = '{D}' AND errorcode != '' GROUP BY errorcode, useridentity.arn ORDER BY count DESC LIMIT 50`,
			raw: `SELECT json_extract_string(r, '$.userIdentity.arn'), json_extract_string(r, '$.errorCode'), count(*) AS n FROM raw_acct_day WHERE json_extract_string(r, '$.errorCode') != '' GROUP BY 1, 2 ORDER BY n DESC LIMIT 50`,
			jq:  `select(.errorCode != null and .errorCode != "") | [.userIdentity.arn, .errorCode] | @tsv`, jqPost: "sort | uniq -c | sort -rn | head -50"},
		{name: "seed4 alice's calls, one day", kind: "partition",
			sql: `SELECT eventname, count(*) AS COUNT FROM cloudtrail_{ACCT} WHERE year = '{Y}' AND month = '{M}' and day = '{D}' AND useridentity.arn like '%alice%' GROUP BY eventname ORDER BY COUNT DESC`,
			raw: `SELECT json_extract_string(r, '$.eventName'), count(*) AS n FROM raw_acct_day WHERE json_extract_string(r, '$.userIdentity.arn') LIKE '%alice%' GROUP BY 1 ORDER BY n DESC`,
			jq:  `select(.userIdentity.arn // "" | contains("alice")) | .eventName`, jqPost: "sort | uniq -c | sort -rn"},
		{name: "seed5 source IP, one month", kind: "seed",
			sql: `SELECT recipientaccountid, count(*) AS COUNT FROM cloudtrail WHERE year = '{Y}' AND month = '{M}' AND sourceipaddress = '{IP}' GROUP BY recipientaccountid ORDER BY COUNT DESC`,
			raw: `SELECT json_extract_string(r, '$.recipientAccountId'), count(*) AS n FROM raw WHERE json_extract_string(r, '$.eventTime') LIKE '{Y}-{M}-%' AND json_extract_string(r, '$.sourceIPAddress') = '{IP}' GROUP BY 1 ORDER BY n DESC`,
			jq:  `select((.eventTime | startswith("{Y}-{M}-")) and .sourceIPAddress == "{IP}") | .recipientAccountId`, jqPost: "sort | uniq -c | sort -rn"},
		{name: "seed6 security group port 23", kind: "seed",
			sql: `select eventname, useridentity.username, sourceIPAddress, eventtime, requestparameters from cloudtrail_logs where eventtime > '2019-02-24T21:22:00Z' and requestparameters like '%{SG}%' and requestparameters like '%:23%' order by eventtime asc`,
			raw: `SELECT json_extract_string(r, '$.eventName'), json_extract_string(r, '$.userIdentity.userName'), json_extract_string(r, '$.sourceIPAddress'), json_extract_string(r, '$.eventTime'), CAST(json_extract(r, '$.requestParameters') AS VARCHAR) AS p FROM raw WHERE json_extract_string(r, '$.eventTime') > '2019-02-24T21:22:00Z' AND p LIKE '%{SG}%' AND p LIKE '%:23%' ORDER BY 4`,
			jq:  `select(.eventTime > "2019-02-24T21:22:00Z" and (.requestParameters | tojson | contains("{SG}") and contains(":23"))) | [.eventName, .userIdentity.userName, .sourceIPAddress, .eventTime, (.requestParameters | tojson)] | @tsv`, jqPost: "sort -t$'\t' -k4,4"},
		{name: "seed7 anonymous GetObject", kind: "seed",
			sql: `SELECT * FROM cloudtrail_logs WHERE eventsource = 's3.amazonaws.com' AND eventname in ('GetObject') AND useridentity.accountid LIKE '%ANONYMOUS%' AND useridentity.arn IS NULL AND requestparameters LIKE '%trailsql-demo-public%'`,
			raw: `SELECT r FROM raw WHERE json_extract_string(r, '$.eventSource') = 's3.amazonaws.com' AND json_extract_string(r, '$.eventName') IN ('GetObject') AND json_extract_string(r, '$.userIdentity.accountId') LIKE '%ANONYMOUS%' AND json_extract_string(r, '$.userIdentity.arn') IS NULL AND CAST(json_extract(r, '$.requestParameters') AS VARCHAR) LIKE '%trailsql-demo-public%'`,
			jq:  `select(.eventSource == "s3.amazonaws.com" and .eventName == "GetObject" and (.userIdentity.accountId // "" | contains("ANONYMOUS")) and .userIdentity.arn == null and (.requestParameters | tojson | contains("trailsql-demo-public")))`},
		{name: "seed8 first 100", kind: "seed",
			sql: `SELECT useridentity.arn, eventname, sourceipaddress, eventtime FROM cloudtrail_logs LIMIT 100`,
			raw: `SELECT json_extract_string(r, '$.userIdentity.arn'), json_extract_string(r, '$.eventName'), json_extract_string(r, '$.sourceIPAddress'), json_extract_string(r, '$.eventTime') FROM raw LIMIT 100`,
			jq:  `[.userIdentity.arn, .eventName, .sourceIPAddress, .eventTime] | @tsv`, jqPost: "head -100"},
		{name: "one-day partition, calls by name", kind: "partition", day: true,
			sql: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE account = '{ACCT}' AND region = '{REGION}' AND year = '{Y}' AND month = '{M}' AND day = '{D}' GROUP BY 1 ORDER BY 2 DESC`,
			raw: `SELECT json_extract_string(r, '$.eventName'), count(*) AS n FROM raw_day GROUP BY 1 ORDER BY 2 DESC`,
			jq:  `.eventName`, jqPost: "sort | uniq -c | sort -rn"},
		{name: "needle: security group id in JSON", kind: "needle",
			sql: `SELECT eventtime, eventname, useridentity.arn FROM cloudtrail WHERE requestparameters LIKE '%{SG}%'`,
			raw: `SELECT json_extract_string(r, '$.eventTime'), json_extract_string(r, '$.eventName'), json_extract_string(r, '$.userIdentity.arn') FROM raw WHERE CAST(json_extract(r, '$.requestParameters') AS VARCHAR) LIKE '%{SG}%'`,
			jq:  `select(.requestParameters | tojson | contains("{SG}")) | [.eventTime, .eventName, .userIdentity.arn] | @tsv`},
		{name: "needle: access key id", kind: "needle",
			sql: `SELECT eventtime, eventname FROM cloudtrail WHERE useridentity.accesskeyid = '{KEY}'`,
			raw: `SELECT json_extract_string(r, '$.eventTime'), json_extract_string(r, '$.eventName') FROM raw WHERE json_extract_string(r, '$.userIdentity.accessKeyId') = '{KEY}'`,
			jq:  `select(.userIdentity.accessKeyId == "{KEY}") | [.eventTime, .eventName] | @tsv`},
		{name: "needle: source IP", kind: "needle",
			sql: `SELECT eventtime, eventname FROM cloudtrail WHERE sourceipaddress = '{IP}'`,
			raw: `SELECT json_extract_string(r, '$.eventTime'), json_extract_string(r, '$.eventName') FROM raw WHERE json_extract_string(r, '$.sourceIPAddress') = '{IP}'`,
			jq:  `select(.sourceIPAddress == "{IP}") | [.eventTime, .eventName] | @tsv`},
		{name: "needle: eventID", kind: "needle",
			sql: `SELECT eventtime, eventname FROM cloudtrail WHERE eventid = '{EVID}'`,
			raw: `SELECT json_extract_string(r, '$.eventTime'), json_extract_string(r, '$.eventName') FROM raw WHERE json_extract_string(r, '$.eventID') = '{EVID}'`,
			jq:  `select(.eventID == "{EVID}") | [.eventTime, .eventName] | @tsv`},
	}
	for i := range qs {
		q := &qs[i]
		q.sql, q.raw, q.jq, q.jqPost = acct(q.sql), acct(q.raw), acct(q.jq), acct(q.jqPost)
	}
	return qs
}

// result is what one contender did on one question.
type result struct {
	median, cold time.Duration
	rows         int
	err          error
	stats        query.Stats
}

func run(ctx context.Context, o options, out, logw io.Writer) error {
	key := fmt.Sprintf("e%d-a%d-r%d-d%d-s%d", o.events, o.accounts, o.regions, o.days, o.seed)
	logs := filepath.Join(o.dir, "logs-"+key)
	lakeDir := filepath.Join(o.dir, "lake-"+key)
	accounts, err := generate(ctx, o, logs, logw)
	if err != nil {
		return err
	}
	if err := ingestOnce(ctx, logs, lakeDir, logw); err != nil {
		return err
	}
	eng, err := query.Open(ctx, lakeDir, query.Options{Timeout: 30 * time.Minute, MemoryLimit: "8GB", MaxRows: -1})
	if err != nil {
		return err
	}
	defer eng.Close()
	p, err := findParams(ctx, eng, accounts)
	if err != nil {
		return err
	}
	cat, err := eng.Catalog(ctx)
	if err != nil {
		return err
	}
	var events int64
	for _, r := range cat.Regions {
		events += r.Events
	}
	fmt.Fprintf(out, "lake %s: %d events, %d files, %d partitions, %.1f MB; raw logs %s; %d CPUs (%s/%s)\n",
		lakeDir, events, cat.Files, cat.Partitions, float64(cat.Bytes)/1e6, logs, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(out, "needles: account %s, access key %s, eventID %s, IP %s, group %s, day %s %s\n\n", p.account, p.key, p.eventID, p.ip, p.sg, p.day, p.region)

	var raw *sql.DB
	if o.baselines == "all" || o.baselines == "duckdb" {
		if raw, err = rawDuckDB(ctx, logs, p); err != nil {
			return err
		}
		defer raw.Close()
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "question\ttrailsql median\tcold\trows\tscanned\tDuckDB raw\tratio\tzcat|jq\tratio\ttarget\t")
	for _, q := range questions(p) {
		if o.only != "" && !strings.Contains(q.name, o.only) {
			continue
		}
		fmt.Fprintf(logw, "%s ...\n", q.name)
		ts := timeTrailsql(ctx, eng, q, o.runs)
		var dr, jr result
		if raw != nil {
			dr = timeRaw(ctx, raw, q, o.baselineRuns)
		}
		if o.baselines == "all" || o.baselines == "jq" {
			jr = timeJQ(ctx, logs, p, q, o.baselineRuns)
		}
		target := map[string]time.Duration{"seed": time.Second, "partition": 100 * time.Millisecond, "needle": 300 * time.Millisecond}[q.kind]
		verdict := "ok"
		if ts.err != nil || ts.median > target {
			verdict = "MISSED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t< %s %s\t\n", q.name, show(ts), dur(ts.cold), ts.rows, mb(ts.stats.Bytes),
			show(dr), ratio(dr, ts), show(jr), ratio(jr, ts), target, verdict)
		fmt.Fprintf(logw, "  trailsql %s (cold %s), DuckDB raw %s, jq %s\n", show(ts), dur(ts.cold), show(dr), show(jr))
	}
	tw.Flush()
	fmt.Fprintln(out, "\ntargets (2 CPUs): seed queries over all data < 1 s, one-day partition < 100 ms, needles < 300 ms;")
	fmt.Fprintln(out, "at least 50x DuckDB over the raw files and 500x zcat | jq.")
	return nil
}

func show(r result) string {
	switch {
	case r.err != nil:
		return "error"
	case r.median == 0:
		return "-"
	}
	return dur(r.median)
}

func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func ratio(base, ts result) string {
	if base.median == 0 || base.err != nil || ts.median == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fx", float64(base.median)/float64(ts.median))
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// generate writes the logs once; a marker file says they are complete.
func generate(ctx context.Context, o options, dir string, logw io.Writer) ([]string, error) {
	marker := filepath.Join(dir, ".complete")
	if b, err := os.ReadFile(marker); err == nil {
		return strings.Fields(string(b)), nil
	}
	os.RemoveAll(dir)
	fmt.Fprintf(logw, "generating %d events into %s ...\n", o.events, dir)
	start := time.Now()
	st, err := gen.Generate(ctx, gen.Options{Dir: dir, Events: o.events, Accounts: o.accounts, Regions: o.regions, Days: o.days, Seed: o.seed, Org: "o-a1b2c3d4e5"}, nil)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "generated in %s\n", time.Since(start).Round(time.Second))
	return st.Accounts, os.WriteFile(marker, []byte(strings.Join(st.Accounts, " ")), 0o644)
}

// ingestOnce builds the lake once; a marker file says it is complete.
func ingestOnce(ctx context.Context, logs, dir string, logw io.Writer) error {
	marker := dir + ".complete"
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	os.RemoveAll(dir)
	fmt.Fprintf(logw, "ingesting %s into %s ...\n", logs, dir)
	start := time.Now()
	lk, err := lake.Open(ctx, dir, time.Now)
	if err != nil {
		return err
	}
	defer lk.Close()
	src, err := source.NewLocal(logs)
	if err != nil {
		return err
	}
	sum, err := ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{src}})
	if err != nil {
		return err
	}
	fmt.Fprintf(logw, "ingested %d events in %s\n", sum.Written, time.Since(start).Round(time.Second))
	return os.WriteFile(marker, nil, 0o644)
}

// findParams picks the values the needle questions look for.
func findParams(ctx context.Context, eng *query.Engine, accounts []string) (params, error) {
	p := params{ip: "1.2.3.4", sg: "sg-0ecc76ac9b16d1e14", region: "us-east-1", day: "2019-09-30"}
	if len(accounts) == 0 {
		return p, errors.New("the generator named no account")
	}
	p.account = accounts[0]
	one := func(q string, args ...any) (string, error) {
		r, err := eng.Query(ctx, q, args...)
		if err != nil {
			return "", err
		}
		if len(r.Rows) == 0 || r.Rows[0][0] == nil {
			return "", fmt.Errorf("no value for %s", q)
		}
		return fmt.Sprint(r.Rows[0][0]), nil
	}
	var err error
	if p.eventID, err = one("SELECT eventid FROM cloudtrail WHERE eventname = 'StopLogging' ORDER BY eventtime LIMIT 1"); err != nil {
		return p, err
	}
	if p.key, err = one("SELECT useridentity.accesskeyid FROM cloudtrail WHERE useridentity.accesskeyid LIKE 'AKIA%' GROUP BY 1 ORDER BY count(*), 1 LIMIT 1"); err != nil {
		return p, err
	}
	return p, nil
}

func timeTrailsql(ctx context.Context, eng *query.Engine, q question, runs int) result {
	var r result
	var ds []time.Duration
	for i := 0; i <= runs; i++ {
		start := time.Now()
		res, err := eng.Query(ctx, q.sql)
		d := time.Since(start)
		if err != nil {
			r.err = err
			fmt.Fprintf(os.Stderr, "  trailsql: %v\n", err)
			return r
		}
		if i == 0 {
			r.cold, r.rows, r.stats = d, len(res.Rows), res.Stats
			continue
		}
		ds = append(ds, d)
	}
	r.median = median(ds)
	return r
}

// rawDuckDB opens a plain DuckDB with views over the raw log files: raw
// (every file), raw_day (the files of one account, region and day, found
// by their folder) and raw_acct_day (one account and day).
func rawDuckDB(ctx context.Context, logs string, p params) (*sql.DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	dayPath := strings.ReplaceAll(p.day, "-", "/")
	src := func(glob string) string {
		return "SELECT unnest(Records) AS r FROM read_json('" + glob + "', columns = {Records: 'JSON[]'}, maximum_object_size = 1073741824)"
	}
	for _, s := range []string{
		"CREATE VIEW raw AS " + src(filepath.Join(logs, "AWSLogs", "*", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz")),
		"CREATE VIEW raw_day AS " + src(filepath.Join(logs, "AWSLogs", "*", p.account, "CloudTrail", p.region, dayPath, "*.json.gz")),
		"CREATE VIEW raw_acct_day AS " + src(filepath.Join(logs, "AWSLogs", "*", p.account, "CloudTrail", "*", dayPath, "*.json.gz")),
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func timeRaw(ctx context.Context, db *sql.DB, q question, runs int) result {
	var r result
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		rows, err := db.QueryContext(ctx, q.raw)
		if err != nil {
			r.err = err
			fmt.Fprintf(os.Stderr, "  duckdb raw: %v\n", err)
			return r
		}
		n := 0
		for rows.Next() {
			n++
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			r.err = err
			return r
		}
		ds = append(ds, time.Since(start))
		r.rows = n
	}
	r.median = median(ds)
	return r
}

func timeJQ(ctx context.Context, logs string, p params, q question, runs int) result {
	var r result
	find := fmt.Sprintf("find %s -path '*/CloudTrail/*' -name '*.json.gz'", shellQuote(filepath.Join(logs, "AWSLogs")))
	switch {
	case q.day:
		find = fmt.Sprintf("find %s -path '*/%s/CloudTrail/%s/%s/*' -name '*.json.gz'", shellQuote(filepath.Join(logs, "AWSLogs")), p.account, p.region, strings.ReplaceAll(p.day, "-", "/"))
	case q.kind == "partition":
		find = fmt.Sprintf("find %s -path '*/%s/CloudTrail/*/%s/*' -name '*.json.gz'", shellQuote(filepath.Join(logs, "AWSLogs")), p.account, strings.ReplaceAll(p.day, "-", "/"))
	}
	pipeline := find + " -print0 | xargs -0 zcat | jq -rc " + shellQuote(".Records[] | "+q.jq)
	if q.jqPost != "" {
		pipeline += " | " + q.jqPost
	}
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		cmd := exec.CommandContext(ctx, "bash", "-c", pipeline+" | wc -l")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		outb, err := cmd.Output()
		if err == nil && strings.Contains(stderr.String(), "jq: error") {
			err = errors.New(strings.TrimSpace(stderr.String()))
		}
		if err != nil {
			r.err = err
			fmt.Fprintf(os.Stderr, "  jq: %v\n", err)
			return r
		}
		ds = append(ds, time.Since(start))
		fmt.Sscan(strings.TrimSpace(string(outb)), &r.rows)
	}
	r.median = median(ds)
	return r
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
