package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
)

// finding returns a finding of rule r over event id.
func finding(r, id string, level string, first time.Time) detect.Finding {
	return detect.Finding{
		RuleID: r, Title: "Rule " + r, Level: level,
		Tactics: []string{"defense-evasion"}, Techniques: []string{"T1562.008"},
		First: first, Last: first, Account: "111111111111", Region: "us-east-1",
		Principal: "arn:aws:iam::111111111111:user/alice", SourceIP: "203.0.113.7",
		EventIDs: []string{id}, Events: 1, Key: detect.FindingKey(r, id, ""),
	}
}

var t0 = time.Date(2019, 9, 28, 3, 4, 5, 0, time.UTC)

// receiver is a local HTTP endpoint that answers with the statuses given,
// in turn (the last one repeated), and records what it got.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	calls    []*http.Request
	bodies   [][]byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	n := len(rc.calls)
	rc.calls = append(rc.calls, r)
	rc.bodies = append(rc.bodies, body)
	code := http.StatusOK
	if len(rc.statuses) > 0 {
		code = rc.statuses[min(n, len(rc.statuses)-1)]
	}
	rc.mu.Unlock()
	w.WriteHeader(code)
	fmt.Fprintf(w, "status %d", code)
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.calls)
}

func startReceiver(t *testing.T, statuses ...int) (*receiver, string) {
	rc := &receiver{statuses: statuses}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv.URL
}

func TestWebhookSigned(t *testing.T) {
	rc, url := startReceiver(t)
	w := NewWebhook(url+"/hook", "s3cret", nil)
	f := finding("r1", "ev1", "high", t0)
	if err := w.Send(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	if rc.count() != 1 {
		t.Fatalf("receiver got %d requests, want 1", rc.count())
	}
	req, body := rc.calls[0], rc.bodies[0]
	if req.Method != http.MethodPost || req.URL.Path != "/hook" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s %q", req.Method, req.URL.Path, req.Header.Get("Content-Type"))
	}
	// The signature verifies with the secret, and not with another.
	sig := req.Header.Get(SignatureHeader)
	if !strings.HasPrefix(sig, "sha256=") || sig != Sign([]byte("s3cret"), body) {
		t.Errorf("signature %q does not verify", sig)
	}
	if sig == Sign([]byte("other"), body) {
		t.Error("signature verifies with the wrong secret")
	}
	if got := req.Header.Get(DeliveryHeader); got != f.Key {
		t.Errorf("delivery header %q, want the key %q", got, f.Key)
	}
	var got detect.Finding
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Key != f.Key || got.RuleID != "r1" || got.Principal != f.Principal || !got.First.Equal(f.First) {
		t.Errorf("body = %+v", got)
	}
}

// TestSignKnown checks Sign against a signature computed independently
// (openssl dgst -sha256 -hmac key).
func TestSignKnown(t *testing.T) {
	// printf 'The quick brown fox jumps over the lazy dog' | openssl dgst -sha256 -hmac key
	const want = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if got := Sign([]byte("key"), []byte("The quick brown fox jumps over the lazy dog")); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestWebhookStatus(t *testing.T) {
	for _, c := range []struct {
		status    int
		ok        bool
		permanent bool
	}{
		{200, true, false},
		{202, true, false},
		{204, true, false},
		{301, false, true},
		{400, false, true},
		{401, false, true},
		{404, false, true},
		{408, false, false},
		{410, false, true},
		{429, false, false},
		{500, false, false},
		{502, false, false},
		{503, false, false},
	} {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			_, url := startReceiver(t, c.status)
			f := finding("r1", "ev1", "high", t0)
			for _, s := range []Sink{NewWebhook(url, "k", nil), NewSlack(url, nil)} {
				err := s.Send(context.Background(), &f)
				if (err == nil) != c.ok || IsPermanent(err) != c.permanent {
					t.Errorf("%s: status %d: err = %v (permanent %v)", s.Name(), c.status, err, IsPermanent(err))
				}
				if err != nil && !strings.Contains(err.Error(), fmt.Sprint(c.status)) {
					t.Errorf("%s: error %q does not name the status", s.Name(), err)
				}
			}
		})
	}
}

func TestWebhookUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	f := finding("r1", "ev1", "high", t0)
	err := NewWebhook(url, "k", nil).Send(context.Background(), &f)
	if err == nil || IsPermanent(err) {
		t.Fatalf("closed port: err = %v, want a transient error", err)
	}
}

func TestSlackBody(t *testing.T) {
	rc, url := startReceiver(t)
	f := finding("r1", "ev1", "critical", t0)
	f.Title = "CloudTrail logging stopped <now> & then"
	f.Events, f.Last = 3, t0.Add(time.Minute)
	if err := NewSlack(url, nil).Send(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"text"`
			Elements []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(rc.bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	want := "[CRITICAL] CloudTrail logging stopped &lt;now&gt; &amp; then by arn:aws:iam::111111111111:user/alice in 111111111111/us-east-1 at 2019-09-28T03:04:05Z (3 events)"
	if m.Text != want {
		t.Errorf("text\n got %q\nwant %q", m.Text, want)
	}
	if strings.Contains(m.Text, "\n") {
		t.Error("text is not one line")
	}
	if len(m.Blocks) != 2 || m.Blocks[0].Type != "section" || m.Blocks[0].Text == nil || m.Blocks[0].Text.Type != "mrkdwn" ||
		m.Blocks[1].Type != "context" || len(m.Blocks[1].Elements) != 1 {
		t.Fatalf("blocks = %+v", m.Blocks)
	}
	for _, s := range []string{"*Principal:* arn:aws:iam::111111111111:user/alice", "*Account/region:* 111111111111/us-east-1",
		"*Source IP:* 203.0.113.7", "*Time:* 2019-09-28 03:04:05Z to 2019-09-28 03:05:05Z", "*MITRE:* T1562.008"} {
		if !strings.Contains(m.Blocks[0].Text.Text, s) {
			t.Errorf("section lacks %q:\n%s", s, m.Blocks[0].Text.Text)
		}
	}
	if !strings.Contains(m.Blocks[1].Elements[0].Text, f.Key) {
		t.Errorf("context lacks the key: %q", m.Blocks[1].Elements[0].Text)
	}
}

func TestStream(t *testing.T) {
	var b strings.Builder
	s := NewStream("stdout", &b)
	fs := []detect.Finding{finding("r1", "ev1", "high", t0), finding("r2", "ev2", "low", t0)}
	for i := range fs {
		if err := s.Send(context.Background(), &fs[i]); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), b.String())
	}
	for i, l := range lines {
		var f detect.Finding
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		if f.Key != fs[i].Key || f.RuleID != fs[i].RuleID {
			t.Errorf("line %d = %s", i, l)
		}
	}
}

func TestSummary(t *testing.T) {
	f := detect.Finding{Level: "medium", Title: "Root used"}
	if got, want := Summary(&f), "[MEDIUM] Root used by - in -/-"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}
