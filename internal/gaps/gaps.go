package gaps

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/query"
)

// Querier runs SQL over the lake; *query.Engine is one.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (*query.Result, error)
}

// Options select what Find looks at. The zero value looks at everything.
type Options struct {
	// Since and Until bound the hours examined (Until excluded); zero
	// values do not bound.
	Since, Until time.Time
	// Account and Region, when set, keep only that account or region.
	Account, Region string
	// MinHours is the shortest gap reported, in hours (default 1).
	MinHours int
}

// Hour is the evidence of delivery in one hour of one account and region.
type Hour struct {
	// Events is how many events have an eventtimestamp in the hour.
	Events int64 `json:"events"`
	// Files is how many log files are named with a time in the hour.
	Files int `json:"files"`
}

// Series is the hourly evidence of one account and region.
type Series struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// FilesKnown says whether the manifest lists log files of this account
	// and region; when it does not, only events count as delivery.
	FilesKnown bool `json:"files_known"`
	// Active is how many hours have both events and (when known) files;
	// First and Last are the first and the last of them (zero when none).
	Active int       `json:"active_hours"`
	First  time.Time `json:"first,omitzero"`
	Last   time.Time `json:"last,omitzero"`

	hours map[int64]Hour // by Unix time of the hour; hours without evidence are absent
}

// At returns the evidence of the hour that starts at t.
func (s *Series) At(t time.Time) Hour { return s.hours[t.Unix()] }

// active reports whether an hour counts as delivered.
func (s *Series) active(h Hour) bool {
	return h.Events > 0 && (h.Files > 0 || !s.FilesKnown)
}

// Gap is a run of hours without events or without log files, with
// delivery before and after it.
type Gap struct {
	Account string    `json:"account"`
	Region  string    `json:"region"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"` // exclusive
	Hours   int       `json:"hours"`
	// Kind says what is missing: "no files, no events", "no files",
	// "no events" or "partial" (some hours lack one, some the other).
	Kind   string `json:"kind"`
	Events int64  `json:"events"`
	Files  int    `json:"files"`
}

// Stop is an interval in which a trail was stopped or deleted.
type Stop struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Trail   string `json:"trail"`
	// Event is StopLogging or DeleteTrail.
	Event     string    `json:"event"`
	Stopped   time.Time `json:"stopped"`
	StoppedBy string    `json:"stopped_by"`
	// Started is when StartLogging was called again, zero when it was not
	// (in the range examined).
	Started   time.Time `json:"started,omitzero"`
	StartedBy string    `json:"started_by,omitempty"`
}

// Report is what Find found.
type Report struct {
	// Start and End are the first hour and the hour after the last one
	// with any evidence, over every series.
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Series []Series  `json:"series"`
	Gaps   []Gap     `json:"gaps"`
	Stops  []Stop    `json:"stops"`
}

// GapHours returns, per "account/region", the set of hours (as Unix
// seconds) that are inside a gap.
func (r *Report) gapHours() map[string]map[int64]bool {
	out := map[string]map[int64]bool{}
	for _, g := range r.Gaps {
		k := g.Account + "/" + g.Region
		if out[k] == nil {
			out[k] = map[int64]bool{}
		}
		for t := g.From; t.Before(g.To); t = t.Add(time.Hour) {
			out[k][t.Unix()] = true
		}
	}
	return out
}

type seriesKey struct{ account, region string }

// Find reads the hourly evidence of delivery from the lake (events through
// q, log files from the manifest entries) and returns the gaps and the
// stopped intervals.
func Find(ctx context.Context, q Querier, entries []lake.Entry, opts Options) (*Report, error) {
	if opts.MinHours <= 0 {
		opts.MinHours = 1
	}
	events := map[seriesKey]map[int64]int64{}
	files := map[seriesKey]map[int64]int{}
	where, args := filterSQL(opts)
	res, err := q.Query(ctx, `SELECT account, region, date_trunc('hour', eventtimestamp) AS hour, count(*) AS n
FROM cloudtrail
WHERE eventtimestamp IS NOT NULL AND coalesce(eventtype, '') <> 'AwsCloudTrailInsight'`+where+`
GROUP BY 1, 2, 3`, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot count events by hour: %w", err)
	}
	for _, row := range res.Rows {
		k := seriesKey{str(row[0]), str(row[1])}
		t, ok := row[2].(time.Time)
		if !ok {
			continue
		}
		if events[k] == nil {
			events[k] = map[int64]int64{}
		}
		events[k][t.UTC().Unix()] += num(row[3])
	}
	for _, e := range entries {
		k, t, ok := LogFileHour(e.Key)
		if !ok || e.Kind != cloudtrail.KeyLog.String() {
			continue
		}
		if (opts.Account != "" && k.Account != opts.Account) || (opts.Region != "" && k.Region != opts.Region) {
			continue
		}
		if (!opts.Since.IsZero() && t.Before(opts.Since.Truncate(time.Hour))) || (!opts.Until.IsZero() && !t.Before(opts.Until)) {
			continue
		}
		sk := seriesKey{k.Account, k.Region}
		if files[sk] == nil {
			files[sk] = map[int64]int{}
		}
		files[sk][t.Unix()]++
	}
	rep := &Report{Gaps: []Gap{}, Stops: []Stop{}, Series: []Series{}}
	keys := map[seriesKey]bool{}
	var lo, hi int64
	first := true
	note := func(u int64) {
		if first || u < lo {
			lo = u
		}
		if first || u > hi {
			hi = u
		}
		first = false
	}
	for k, m := range events {
		keys[k] = true
		for u := range m {
			note(u)
		}
	}
	for k, m := range files {
		keys[k] = true
		for u := range m {
			note(u)
		}
	}
	if !first {
		rep.Start, rep.End = time.Unix(lo, 0).UTC(), time.Unix(hi, 0).UTC().Add(time.Hour)
	}
	sorted := make([]seriesKey, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].account != sorted[j].account {
			return sorted[i].account < sorted[j].account
		}
		return sorted[i].region < sorted[j].region
	})
	for _, k := range sorted {
		s := Series{Account: k.account, Region: k.region, FilesKnown: len(files[k]) > 0, hours: map[int64]Hour{}}
		for u, c := range events[k] {
			h := s.hours[u]
			h.Events = c
			s.hours[u] = h
		}
		for u, c := range files[k] {
			h := s.hours[u]
			h.Files = c
			s.hours[u] = h
		}
		rep.Gaps = append(rep.Gaps, findGaps(&s, opts.MinHours)...)
		rep.Series = append(rep.Series, s)
	}
	stops, err := findStops(ctx, q, where, args)
	if err != nil {
		return nil, err
	}
	rep.Stops = stops
	return rep, nil
}

// findGaps returns the runs of inactive hours of s, between active hours,
// of at least min hours, and counts s's active hours.
func findGaps(s *Series, min int) []Gap {
	keys := make([]int64, 0, len(s.hours))
	for u := range s.hours {
		keys = append(keys, u)
	}
	slices.Sort(keys)
	var out []Gap
	var inside []Hour // the hours with evidence since the last active hour
	last := int64(-1) // the last active hour seen
	for _, u := range keys {
		h := s.hours[u]
		if !s.active(h) {
			inside = append(inside, h)
			continue
		}
		s.Active++
		if s.First.IsZero() {
			s.First = time.Unix(u, 0).UTC()
		}
		s.Last = time.Unix(u, 0).UTC()
		if n := int((u-last)/3600) - 1; last >= 0 && n >= min {
			g := Gap{Account: s.Account, Region: s.Region, From: time.Unix(last+3600, 0).UTC(), To: time.Unix(u, 0).UTC(), Hours: n}
			noFiles, noEvents := n, n
			for _, h := range inside {
				g.Events += h.Events
				g.Files += h.Files
				if h.Files > 0 {
					noFiles--
				}
				if h.Events > 0 {
					noEvents--
				}
			}
			switch {
			case noFiles == n && noEvents == n:
				g.Kind = "no files, no events"
			case noFiles == n:
				g.Kind = "no files"
			case noEvents == n:
				g.Kind = "no events"
			default:
				g.Kind = "partial"
			}
			out = append(out, g)
		}
		last, inside = u, inside[:0]
	}
	return out
}

// LogFileHour reads the account, region and hour out of the key of a
// CloudTrail log file, <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<id>.json.gz.
func LogFileHour(key string) (cloudtrail.Key, time.Time, bool) {
	k := cloudtrail.ParseKey(key)
	parts := strings.Split(k.Name, "_")
	if len(parts) < 4 || parts[1] != "CloudTrail" {
		return k, time.Time{}, false
	}
	t, err := time.Parse("20060102T1504Z", parts[3])
	if err != nil {
		return k, time.Time{}, false
	}
	if k.Account == "" {
		k.Account = parts[0]
	}
	if k.Region == "" {
		k.Region = parts[2]
	}
	return k, t.Truncate(time.Hour), true
}

// filterSQL returns the conditions of opts as SQL (starting with AND) and
// their parameters.
func filterSQL(opts Options) (string, []any) {
	var b strings.Builder
	var args []any
	if !opts.Since.IsZero() {
		b.WriteString(" AND eventtimestamp >= ?")
		args = append(args, opts.Since.UTC())
	}
	if !opts.Until.IsZero() {
		b.WriteString(" AND eventtimestamp < ?")
		args = append(args, opts.Until.UTC())
	}
	if opts.Account != "" {
		b.WriteString(" AND account = ?")
		args = append(args, opts.Account)
	}
	if opts.Region != "" {
		b.WriteString(" AND region = ?")
		args = append(args, opts.Region)
	}
	return b.String(), args
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}
