package gaps_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/gaps"
	"github.com/trailsql/trailsql/internal/gen"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// genLake generates 12,000 events in 2 accounts and 2 regions over 3 days
// (enough that every hour of every region has events and log files),
// removes the log files that drop says, ingests the rest and returns the
// lake's folder and the account ids.
func genLake(t *testing.T, drop func(rel string) bool) (string, []string) {
	t.Helper()
	ctx := context.Background()
	src := t.TempDir()
	st, err := gen.Generate(ctx, gen.Options{Dir: src, Events: 12000, Accounts: 2, Regions: 2, Days: 3, Seed: 1,
		Start: time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC), Org: gen.DefaultOrg, Workers: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if strings.Contains(filepath.ToSlash(rel), "/CloudTrail/"+gen.ScenarioUnusualRegion+"/") {
			// gen's one planted file of a region it does not otherwise
			// write: a series of one file is not what these tests are about.
			return os.Remove(path)
		}
		if drop != nil && drop(filepath.ToSlash(rel)) {
			removed++
			return os.Remove(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if drop != nil && removed == 0 {
		t.Fatal("no file removed")
	}
	dir := t.TempDir()
	lk, err := lake.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	s, err := source.NewLocal(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{s}, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	return dir, st.Accounts
}

func find(t *testing.T, dir string, opts gaps.Options) *gaps.Report {
	t.Helper()
	ctx := context.Background()
	eng, err := query.Open(ctx, dir, query.Options{Conns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	m, err := lake.LoadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := gaps.Find(ctx, eng, m.Entries(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var day1 = time.Date(2019, 9, 29, 0, 0, 0, 0, time.UTC)

func TestFindGeneratedGap(t *testing.T) {
	// Delete the log files of the second account in us-west-2 named
	// 2019-09-29 10:00 to 12:59.
	dir, accounts := genLake(t, func(rel string) bool {
		k, h, ok := gaps.LogFileHour(rel)
		return ok && k.Account != "" && !strings.Contains(rel, "CloudTrail-Insight") && k.Region == "us-west-2" &&
			!h.Before(day1.Add(10*time.Hour)) && h.Before(day1.Add(13*time.Hour)) && k.Account != firstAccount
	})
	rep := find(t, dir, gaps.Options{})
	if len(rep.Series) != 4 {
		t.Fatalf("%d series, want 4", len(rep.Series))
	}
	if !rep.Start.Equal(time.Date(2019, 9, 28, 0, 0, 0, 0, time.UTC)) || !rep.End.Equal(time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("range %s to %s", rep.Start, rep.End)
	}
	if len(rep.Gaps) != 1 {
		t.Fatalf("gaps %+v, want one", rep.Gaps)
	}
	g := rep.Gaps[0]
	if g.Account != accounts[1] || g.Region != "us-west-2" || !g.From.Equal(day1.Add(10*time.Hour)) || !g.To.Equal(day1.Add(13*time.Hour)) ||
		g.Hours != 3 || g.Files != 0 || !strings.HasPrefix(g.Kind, "no files") {
		t.Errorf("gap %+v, want %s us-west-2 2019-09-29 10:00 to 13:00 without files", g, accounts[1])
	}
	for _, s := range rep.Series {
		want := 72
		if s.Account == accounts[1] && s.Region == "us-west-2" {
			want = 69
		}
		if s.Active != want || !s.FilesKnown {
			t.Errorf("%s %s: %d active hours (files known %v), want %d", s.Account, s.Region, s.Active, s.FilesKnown, want)
		}
	}
	// The planted StopLogging, never restarted, and the DeleteTrail of
	// gen's detection scenarios.
	if len(rep.Stops) != 2 {
		t.Fatalf("stops %+v, want two", rep.Stops)
	}
	if d := rep.Stops[1]; d.Event != "DeleteTrail" || d.Trail != "security-trail" || !strings.HasSuffix(d.StoppedBy, ":user/"+gen.ScenarioTrudy) {
		t.Errorf("stop %+v", d)
	}
	st := rep.Stops[0]
	if st.Account != accounts[0] || st.Region != gen.ScenarioRegion || st.Trail != gen.ScenarioTrail || st.Event != "StopLogging" ||
		!st.Stopped.Equal(time.Date(2019, 9, 30, 13, 45, 2, 0, time.UTC)) || !strings.HasSuffix(st.StoppedBy, ":user/"+gen.ScenarioMallory) || !st.Started.IsZero() {
		t.Errorf("stop %+v", st)
	}

	// Filters.
	rep = find(t, dir, gaps.Options{Account: accounts[0]})
	if len(rep.Series) != 2 || len(rep.Gaps) != 0 || len(rep.Stops) != 2 {
		t.Errorf("account %s: %d series, gaps %+v, %d stops", accounts[0], len(rep.Series), rep.Gaps, len(rep.Stops))
	}
	rep = find(t, dir, gaps.Options{Region: "us-west-2", Since: day1, Until: day1.Add(24 * time.Hour)})
	if len(rep.Series) != 2 || len(rep.Gaps) != 1 || len(rep.Stops) != 0 || !rep.Start.Equal(day1) || !rep.End.Equal(day1.Add(24*time.Hour)) {
		t.Errorf("us-west-2 on 2019-09-29: %d series, %+v gaps, %d stops, %s to %s", len(rep.Series), rep.Gaps, len(rep.Stops), rep.Start, rep.End)
	}
	rep = find(t, dir, gaps.Options{MinHours: 4})
	if len(rep.Gaps) != 0 {
		t.Errorf("min 4 hours: gaps %+v", rep.Gaps)
	}

	// The text report names the gap and the stop.
	var text bytes.Buffer
	if err := find(t, dir, gaps.Options{}).WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gaps: 1\n", "2019-09-29 10:00  2019-09-29 13:00  3", "management-trail  StopLogging  2019-09-30T13:45:02Z", "not restarted"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

// firstAccount is the generator's management account with seed 1
// (TestWriteSVG checks it).
const firstAccount = "554430155772"

func TestWriteSVG(t *testing.T) {
	dir, accounts := genLake(t, func(rel string) bool {
		k, h, ok := gaps.LogFileHour(rel)
		return ok && k.Account == firstAccount && k.Region == "us-east-1" && !strings.Contains(rel, "CloudTrail-Insight") &&
			!h.Before(day1.Add(20*time.Hour)) && h.Before(day1.Add(22*time.Hour))
	})
	if accounts[0] != firstAccount {
		t.Fatalf("the generator's first account is %s, not %s", accounts[0], firstAccount)
	}
	rep := find(t, dir, gaps.Options{})
	var buf bytes.Buffer
	if err := rep.WriteSVG(&buf); err != nil {
		t.Fatal(err)
	}
	type rect struct {
		Class string `xml:"class,attr"`
		Hours int    `xml:"data-hours,attr"`
		Title string `xml:"title"`
	}
	type group struct {
		Account string `xml:"data-account,attr"`
		Region  string `xml:"data-region,attr"`
		Rects   []rect `xml:"rect"`
		Label   string `xml:"text"`
	}
	var svg struct {
		XMLName xml.Name `xml:"svg"`
		Width   int      `xml:"width,attr"`
		Groups  []group  `xml:"g"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &svg); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if svg.XMLName.Space != "http://www.w3.org/2000/svg" || len(svg.Groups) != 4 {
		t.Fatalf("svg %s with %d rows", svg.XMLName.Space, len(svg.Groups))
	}
	for _, g := range svg.Groups {
		classes := map[string]int{} // hours by class; stop marks count one
		for _, r := range g.Rects {
			classes[r.Class] += max(r.Hours, 1)
		}
		cells := classes["active"] + classes["gap"] + classes["none"] + classes["files"] + classes["events"]
		if cells != 72 {
			t.Errorf("%s %s: %d hour cells, want 72", g.Account, g.Region, cells)
		}
		if g.Label != g.Account+" "+g.Region {
			t.Errorf("label %q", g.Label)
		}
		wantGap, wantStop := 0, 0
		if g.Account == firstAccount && g.Region == "us-east-1" {
			wantGap, wantStop = 2, 2 // StopLogging and gen's detection scenario's DeleteTrail
		}
		if classes["gap"] != wantGap || classes["stop"] != wantStop {
			t.Errorf("%s %s: %d gap cells and %d stop marks, want %d and %d", g.Account, g.Region, classes["gap"], classes["stop"], wantGap, wantStop)
		}
		for _, r := range g.Rects {
			if r.Class == "gap" && !strings.Contains(r.Title, " 2019-09-29 20:00 to 2019-09-29 22:00: ") {
				t.Errorf("gap cell %q", r.Title)
			}
		}
	}
	if out := os.Getenv("TRAILSQL_GAPS_SVG"); out != "" {
		os.WriteFile(out, buf.Bytes(), 0o644)
	}
}

func TestLogFileHour(t *testing.T) {
	f := func(key, acct, region, hour string, ok bool) {
		t.Helper()
		k, h, got := gaps.LogFileHour(key)
		if got != ok {
			t.Fatalf("%s: ok %v", key, got)
		}
		if ok && (k.Account != acct || k.Region != region || h.Format("2006-01-02T15") != hour) {
			t.Errorf("%s: %s %s %s", key, k.Account, k.Region, h)
		}
	}
	f("AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T2355Z_Ab.json.gz", "111122223333", "eu-west-1", "2024-05-01T23", true)
	f("/tmp/x/111122223333_CloudTrail_us-east-1_20240501T0005Z_Ab.json.gz", "111122223333", "us-east-1", "2024-05-01T00", true)
	f("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T000000Z.json.gz", "", "", "", false)
	f("events.json", "", "", "", false)
	f("111122223333_CloudTrail_us-east-1_2024-05-01_x.json.gz", "", "", "", false)
}

// TestFindCorpus runs over the whole shared corpus: real events from many
// sources, with junk accounts and placeholder times. The Stratus Red Team
// StopLogging is a stop that was never undone, the heat-map of 56 years is
// refused, and one day of it is drawn.
func TestFindCorpus(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	lk, err := lake.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := source.NewLocal(trailtest.CorpusDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, lk, ingest.Options{Sources: []ingest.Source{s}, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	lk.Close()
	rep := find(t, dir, gaps.Options{})
	var found bool
	for _, st := range rep.Stops {
		if st.Trail == "stratus-red-team-ct-stop-trail-buykxbqejv" {
			found = st.Account == "143434273843" && st.Started.IsZero() && st.Stopped.Equal(time.Date(2024, 7, 31, 13, 6, 24, 0, time.UTC))
		}
	}
	if !found {
		t.Errorf("the Stratus StopLogging is not among the stops: %+v", rep.Stops)
	}
	if err := rep.WriteSVG(io.Discard); err == nil || !strings.Contains(err.Error(), "narrow the range") {
		t.Errorf("heat-map of %s to %s: %v", rep.Start, rep.End, err)
	}
	rep = find(t, dir, gaps.Options{Since: time.Date(2024, 7, 31, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)})
	var buf bytes.Buffer
	if err := rep.WriteSVG(&buf); err != nil || len(rep.Series) == 0 || len(rep.Gaps) != 0 {
		t.Errorf("2024-07-31: %v, %d series, %d gaps", err, len(rep.Series), len(rep.Gaps))
	}
	if err := xml.Unmarshal(buf.Bytes(), new(struct{})); err != nil {
		t.Errorf("heat-map of 2024-07-31 is not XML: %v", err)
	}
}
