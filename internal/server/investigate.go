package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/trailsql/trailsql/internal/gaps"
	"github.com/trailsql/trailsql/internal/integrity"
	"github.com/trailsql/trailsql/internal/report"
)

// reEventID is what an event id looks like: CloudTrail's are UUIDs, other
// sources' are at least printable and short.
var reEventID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// handleEvent answers the record of one event, rebuilt from the lake
// equal (as JSON) to the source record (see eventRecord).
func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("eventid")
	if !reEventID.MatchString(id) {
		return badRequest(fmt.Sprintf("%q is not an event id", id))
	}
	rec, err := s.eventRecord(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(rec)
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// hopJSON, chainJSON and whoisJSON are attrib's answer for the API.
type hopJSON struct {
	Key            string    `json:"key"`
	Principal      string    `json:"principal"`
	Event          string    `json:"event"`
	Time           time.Time `json:"time"`
	Account        string    `json:"account"`
	Region         string    `json:"region"`
	SourceIP       string    `json:"source_ip"`
	Caller         string    `json:"caller"`
	CallerType     string    `json:"caller_type"`
	CallerKey      string    `json:"caller_key"`
	SourceIdentity string    `json:"source_identity,omitempty"`
	CrossAccount   bool      `json:"cross_account"`
}

type chainJSON struct {
	Start      string    `json:"start"`
	Hops       []hopJSON `json:"hops"`
	Origin     string    `json:"origin"`
	OriginKind string    `json:"origin_kind"`
	Notes      []string  `json:"notes"`
	Break      string    `json:"break,omitempty"`
}

type whoisJSON struct {
	Query  string      `json:"query"`
	Chains []chainJSON `json:"chains"`
	First  *time.Time  `json:"first,omitempty"`
	Last   *time.Time  `json:"last,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (s *Server) handleWhois(w http.ResponseWriter, r *http.Request) error {
	who := r.URL.Query().Get("principal")
	if who == "" {
		return badRequest("whois needs ?principal= (an access key id, an ARN or a role session name)")
	}
	a, err := s.app.Whois(r.Context(), who)
	if err != nil {
		return err
	}
	out := whoisJSON{Query: a.Query, Chains: []chainJSON{}, First: timePtr(a.First), Last: timePtr(a.Last)}
	for _, c := range a.Chains {
		cj := chainJSON{Start: c.Start, Hops: []hopJSON{}, Origin: c.Origin, OriginKind: c.OriginKind, Notes: c.Notes, Break: c.Break}
		if cj.Notes == nil {
			cj.Notes = []string{}
		}
		for _, h := range c.Hops {
			cj.Hops = append(cj.Hops, hopJSON{Key: h.Key, Principal: h.Principal, Event: h.Event, Time: h.Time.UTC(),
				Account: h.Account, Region: h.Region, SourceIP: h.SourceIP, Caller: h.Caller, CallerType: h.CallerType,
				CallerKey: h.CallerKey, SourceIdentity: h.SourceIdentity, CrossAccount: h.CrossAccount})
		}
		out.Chains = append(out.Chains, cj)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// timelineJSON is one event of a timeline.
type timelineJSON struct {
	Time     time.Time `json:"time"`
	Account  string    `json:"account"`
	Region   string    `json:"region"`
	Who      string    `json:"who"`
	Action   string    `json:"action"`
	Target   string    `json:"target"`
	SourceIP string    `json:"source_ip"`
	Outcome  string    `json:"outcome"`
}

func (s *Server) handleTimeline(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	tr, err := parseTimeRange(v.Get("from"), v.Get("to"))
	if err != nil {
		return err
	}
	tq := report.TimelineQuery{Principal: v.Get("principal"), Resource: v.Get("resource"), IP: v.Get("ip"),
		Account: v.Get("account"), Since: tr.From, Until: tr.To}
	if err := tq.Validate(); err != nil {
		return badRequest(err.Error())
	}
	evs, err := s.app.Timeline(r.Context(), tq)
	if err != nil {
		return err
	}
	out := []timelineJSON{}
	for _, e := range evs {
		out = append(out, timelineJSON{Time: e.Time.UTC(), Account: e.Account, Region: e.Region, Who: e.Who,
			Action: e.Action, Target: e.Target, SourceIP: e.SourceIP, Outcome: e.Outcome})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleGaps answers the heat map of deliveries, hours by account and
// region, as SVG.
func (s *Server) handleGaps(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	tr, err := parseTimeRange(v.Get("from"), v.Get("to"))
	if err != nil {
		return err
	}
	rep, err := s.app.Gaps(r.Context(), gaps.Options{Since: tr.From, Until: tr.To,
		Account: v.Get("account"), Region: v.Get("region")})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := rep.WriteSVG(&b); err != nil {
		return fmt.Errorf("cannot draw the heat map: %w", err)
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
	return nil
}

// integrityCache keeps the last integrity report for integrityTTL: a
// check reads every digest and log file of the trail, too much to do for
// each request. One check runs at a time; requests meanwhile wait for it.
type integrityCache struct {
	mu  sync.Mutex
	rep *integrity.Report
	at  time.Time
}

// integrityTTL is how long an integrity report is answered again.
const integrityTTL = 10 * time.Minute

func (c *integrityCache) get(ctx context.Context, verify func(context.Context) (*integrity.Report, error), now func() time.Time) (*integrity.Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rep != nil && now().Sub(c.at) < integrityTTL {
		return c.rep, nil
	}
	rep, err := verify(ctx)
	if err != nil {
		return nil, err
	}
	c.rep, c.at = rep, now()
	return rep, nil
}

// handleIntegrity answers what Config.Verify says about the logs'
// integrity, checked at most every integrityTTL.
func (s *Server) handleIntegrity(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Verify == nil {
		writeJSON(w, http.StatusOK, map[string]any{"configured": false,
			"message": "integrity is not checked by this server: start it with --verify SOURCE (the trail's logs and digest files)"})
		return nil
	}
	rep, err := s.integrity.get(r.Context(), s.cfg.Verify, s.cfg.Now)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		return fmt.Errorf("cannot write the integrity report: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
	return nil
}
