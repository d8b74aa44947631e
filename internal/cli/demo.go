package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
)

// DemoOptions are the settings of `trailsql demo`.
type DemoOptions struct {
	Dir    string
	Events int64
	Seed   uint64
}

// demoQuestion is one classic question and the SQL (Athena's dialect) that
// answers it.
type demoQuestion struct {
	Title string
	SQL   string
}

// demoQuestions are the questions the demo answers, in the words of the
// people who ask them.
var demoQuestions = []demoQuestion{
	{
		Title: "Who opened a security group to the world, and when?",
		SQL: `SELECT eventtime, useridentity.arn AS who, sourceipaddress, eventname,
       coalesce(json_extract_scalar(requestparameters, '$.groupId'),
                json_extract_scalar(requestparameters, '$.ModifySecurityGroupRulesRequest.GroupId')) AS security_group
FROM cloudtrail
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname IN ('AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules')
  AND (requestparameters LIKE '%"0.0.0.0/0"%' OR requestparameters LIKE '%"::/0"%')
ORDER BY eventtime`,
	},
	{
		Title: "Who created a new IAM user, gave it power, and what did that user do next?",
		SQL: `SELECT eventtime, useridentity.username AS who, eventname,
       json_extract_scalar(requestparameters, '$.userName') AS target_user,
       json_extract_scalar(requestparameters, '$.policyArn') AS policy, sourceipaddress
FROM cloudtrail
WHERE (eventsource = 'iam.amazonaws.com'
       AND eventname IN ('CreateUser', 'AttachUserPolicy', 'CreateAccessKey', 'CreateLoginProfile'))
   OR useridentity.username IN (SELECT json_extract_scalar(requestparameters, '$.userName')
                                FROM cloudtrail WHERE eventname = 'CreateUser')
ORDER BY eventtime
LIMIT 20`,
	},
	{
		Title: "What are the most common errors, and who gets them?",
		SQL: `SELECT useridentity.arn, errorcode, count(*) AS count
FROM cloudtrail
WHERE errorcode != ''
GROUP BY errorcode, useridentity.arn
ORDER BY count DESC
LIMIT 10`,
	},
	{
		Title: "Who read objects anonymously, and who logged in to the console without MFA?",
		SQL: `SELECT eventtime, eventname, sourceipaddress,
       coalesce(useridentity.username, useridentity.accountid) AS who,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName') || '/' || json_extract_scalar(requestparameters, '$.key'),
                json_extract_scalar(additionaleventdata, '$.MFAUsed')) AS detail
FROM cloudtrail
WHERE (eventsource = 's3.amazonaws.com' AND useridentity.accountid = 'ANONYMOUS_PRINCIPAL')
   OR (eventname = 'ConsoleLogin' AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
       AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success')
ORDER BY eventtime
LIMIT 20`,
	},
}

func newDemoCmd(f *Factory, runF func(context.Context, *Factory, *DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{}
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR]",
		Short: "Generate a sample organisation, ingest it, and answer classic questions",
		Long: `Generate realistic CloudTrail logs for a sample organisation (an organization
trail over three accounts and three regions, with planted incidents: a
security group opened to the world, a ghost admin user, anonymous S3 reads,
a console login without MFA, the trail stopped), ingest them into a lake,
and answer the classic questions, printing the SQL it ran.

The logs and the lake stay in DIR, to explore further with
'trailsql query --lake DIR/lake ...'.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Events < gen.ScenarioMinEvents {
				return usagef("--events must be at least %d for the planted incidents", gen.ScenarioMinEvents)
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runDemo(c.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "folder for the generated logs and the lake (default: a new temporary folder)")
	cmd.Flags().Int64Var(&opts.Events, "events", 50_000, "events to generate")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 1, "generator seed")
	return cmd
}

func runDemo(ctx context.Context, f *Factory, opts *DemoOptions) error {
	out := f.IO.Out
	dir := opts.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "trailsql-demo-")
		if err != nil {
			return fmt.Errorf("cannot create a demo folder: %w", err)
		}
		dir = d
	}
	logs, lakePath := filepath.Join(dir, "logs"), filepath.Join(dir, "lake")
	for _, p := range []string{logs, lakePath} {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("cannot clear %s: %w", p, err)
		}
	}

	fmt.Fprintf(out, "trailsql demo — everything lives in %s\n\n", dir)
	start := f.Now()
	st, err := gen.Generate(ctx, gen.Options{Dir: logs, Events: opts.Events, Seed: opts.Seed, Org: gen.DefaultOrg}, nil)
	if err != nil {
		return fmt.Errorf("cannot generate the sample logs: %w", err)
	}
	fmt.Fprintf(out, "1. Generated %d CloudTrail events in %d log files (%.1f MB gzip) for accounts %s, in the real S3 layout, in %s.\n",
		st.Events, st.Files, float64(st.GzipBytes)/1e6, strings.Join(st.Accounts, ", "), f.Now().Sub(start).Round(time.Millisecond))
	fmt.Fprintf(out, "   $ trailsql ingest %s --lake %s\n", logs, lakePath)

	w, err := app.Open(ctx, app.Config{Lake: lakePath, Write: true, Now: f.Now, Getenv: f.Getenv})
	if err != nil {
		return err
	}
	src, err := w.OpenSource(ctx, logs)
	if err != nil {
		w.Close()
		return err
	}
	sum, err := w.Ingest(ctx, ingest.Options{Sources: []ingest.Source{src}})
	w.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "2. Ingested them: %d events stored (%d duplicate deliveries dropped) in %d Parquet partitions, %.1f MB, in %s.\n\n",
		sum.Written, sum.Duplicates, countPartitions(lakePath), float64(sum.LakeBytes)/1e6, sum.Duration.Round(time.Millisecond))

	a, err := app.Open(ctx, app.Config{Lake: lakePath, Now: f.Now, Getenv: f.Getenv})
	if err != nil {
		return err
	}
	defer a.Close()
	width := 200 // a file or a pipe: wide enough for whole ARNs
	if f.IO.IsStdoutTTY() {
		width = f.IO.TerminalWidth()
	}
	for i, q := range demoQuestions {
		if err := answer(ctx, out, a, i+3, q, width); err != nil {
			return err
		}
	}
	if err := demoDetect(ctx, out, a, len(demoQuestions)+3, lakePath); err != nil {
		return err
	}
	fmt.Fprintf(out, "Ask your own questions:\n  trailsql query --lake %s \"SELECT eventname, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 2 DESC LIMIT 10\"\n", lakePath)
	fmt.Fprintf(out, "  trailsql tables --lake %s\n", lakePath)
	return nil
}

func answer(ctx context.Context, out io.Writer, a *app.App, n int, q demoQuestion, width int) error {
	fmt.Fprintf(out, "%d. %s\n\n", n, q.Title)
	for _, line := range strings.Split(q.SQL, "\n") {
		fmt.Fprintf(out, "   %s\n", line)
	}
	fmt.Fprintln(out)
	res, err := a.Query(ctx, q.SQL)
	if err != nil {
		return fmt.Errorf("cannot answer %q: %w", q.Title, err)
	}
	if err := query.Write(out, res, "table", query.WriteOptions{Width: width, MaxRows: 20}); err != nil {
		return err
	}
	fmt.Fprintf(out, "   answered in %s, %d of %d Parquet files read\n\n", res.Stats.Wall.Round(time.Millisecond), res.Stats.Files, res.Stats.FilesTotal)
	return nil
}

// demoDetect runs the built-in detection rules and lists what they find,
// the most severe first.
func demoDetect(ctx context.Context, out io.Writer, a *app.App, n int, lakePath string) error {
	srules, err := pack.Rules()
	if err != nil {
		return err
	}
	rules, err := detect.Compile(srules)
	if err != nil {
		return fmt.Errorf("cannot compile the built-in rules: %w", err)
	}
	start := time.Now()
	found, err := detect.Run(ctx, a, rules, detect.Range{})
	if err != nil {
		return fmt.Errorf("cannot run the built-in rules: %w", err)
	}
	running := 0
	for _, r := range rules {
		if !r.Quiet() {
			running++
		}
	}
	fmt.Fprintf(out, "%d. What do the %d built-in detection rules find?\n\n   $ trailsql detect --lake %s\n\n", n, running, lakePath)
	rank := map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3, "informational": 4}
	slices.SortStableFunc(found, func(x, y detect.Finding) int { return rank[x.Level] - rank[y.Level] })
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for i, f := range found {
		if i == 25 {
			fmt.Fprintf(tw, "   ... and %d more\n", len(found)-i)
			break
		}
		events := "events"
		if f.Events == 1 {
			events = "event"
		}
		fmt.Fprintf(tw, "   %s\t%s\t%s\t%s\t%d %s\n", f.Level, f.Title, f.First.UTC().Format(time.RFC3339), f.Principal, f.Events, events)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n   %d findings in %s\n\n", len(found), time.Since(start).Round(time.Millisecond))
	return nil
}

func countPartitions(dir string) int {
	parts, _ := lake.Partitions(dir)
	return len(parts)
}
