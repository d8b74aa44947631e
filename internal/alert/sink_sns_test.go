package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trailsql/trailsql/internal/detect"
)

// snsServer is a local endpoint of the SNS Query API that parses Publish
// requests and records them; errorCode, when set, is the answer instead
// (a 400 Sender error).
type snsServer struct {
	mu        sync.Mutex
	publishes []url.Values
	errorCode string
	failFirst int // answer 500 to this many requests first
	requests  int
}

func (s *snsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.Form.Get("Action") != "Publish" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") {
		http.Error(w, "unsigned", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	if s.failFirst > 0 {
		s.failFirst--
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>try again</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
		return
	}
	if s.errorCode != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>no such topic</Message></Error><RequestId>r</RequestId></ErrorResponse>`, s.errorCode)
		return
	}
	s.publishes = append(s.publishes, r.Form)
	fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-%d</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`, len(s.publishes))
}

func newTestSNS(t *testing.T, topic string) (*snsServer, *SNS) {
	t.Helper()
	srv := &snsServer{}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s, err := NewSNS(context.Background(), SNSConfig{TopicARN: topic, EndpointURL: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	return srv, s
}

// TestSNSPublish sends findings through the outbox to SNS through the
// SDK: one Publish per finding, with the topic, subject and message.
func TestSNSPublish(t *testing.T) {
	const topic = "arn:aws:sns:eu-west-1:111111111111:alerts"
	srv, s := newTestSNS(t, topic)
	srv.failFirst = 1 // the SDK's own retry, or ours, gets past it
	o := openTestOutbox(t)
	fs := []detect.Finding{finding("r1", "ev1", "high", t0), finding("r2", "ev2", "low", t0.Add(1)), finding("r3", "ev3", "critical", t0.Add(2))}
	enqueue(t, o, s.Name(), fs)
	st, err := o.Deliver(context.Background(), []Sink{s}, fastBackoff, nil)
	if err != nil || st.Sent != 3 {
		t.Fatalf("Deliver = %+v, %v", st, err)
	}
	// Again: nothing is pending, nothing is published.
	if st, err := o.Deliver(context.Background(), []Sink{s}, fastBackoff, nil); err != nil || st.Sent != 0 {
		t.Fatalf("second Deliver = %+v, %v", st, err)
	}
	if len(srv.publishes) != len(fs) {
		t.Fatalf("%d Publish calls, want %d", len(srv.publishes), len(fs))
	}
	for i, p := range srv.publishes {
		if p.Get("TopicArn") != topic {
			t.Errorf("TopicArn = %q", p.Get("TopicArn"))
		}
		var got detect.Finding
		if err := json.Unmarshal([]byte(p.Get("Message")), &got); err != nil {
			t.Fatalf("Message is not a finding: %v", err)
		}
		if got.Key != fs[i].Key {
			t.Errorf("publish %d carries %s, want %s", i, got.Key, fs[i].Key)
		}
		subj := p.Get("Subject")
		if !strings.HasPrefix(subj, "trailsql ["+strings.ToUpper(fs[i].Level)+"] Rule "+fs[i].RuleID) || len(subj) >= 100 {
			t.Errorf("Subject = %q", subj)
		}
		if p.Get("MessageDeduplicationId") != "" || p.Get("MessageGroupId") != "" {
			t.Error("FIFO fields sent to a standard topic")
		}
		if p.Get("MessageAttributes.entry.1.Name") == "" {
			t.Errorf("no message attributes: %v", p)
		}
	}
}

func TestSNSFIFO(t *testing.T) {
	srv, s := newTestSNS(t, "arn:aws:sns:us-east-1:111111111111:alerts.fifo")
	f := finding("r1", "ev1", "high", t0)
	if err := s.Send(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	if len(srv.publishes) != 1 {
		t.Fatalf("%d publishes", len(srv.publishes))
	}
	p := srv.publishes[0]
	if p.Get("MessageDeduplicationId") != f.Key || p.Get("MessageGroupId") != "r1" {
		t.Errorf("dedup id %q group %q", p.Get("MessageDeduplicationId"), p.Get("MessageGroupId"))
	}
}

func TestSNSRefused(t *testing.T) {
	srv, s := newTestSNS(t, "arn:aws:sns:us-east-1:111111111111:gone")
	srv.errorCode = "NotFound"
	f := finding("r1", "ev1", "high", t0)
	err := s.Send(context.Background(), &f)
	if err == nil || !IsPermanent(err) || !strings.Contains(err.Error(), "NotFound") {
		t.Fatalf("err = %v, want a permanent NotFound", err)
	}
	srv.errorCode = "Throttling"
	if err := s.Send(context.Background(), &f); err == nil || IsPermanent(err) {
		t.Fatalf("throttled: err = %v, want a transient error", err)
	}
}

func TestParseTopicARN(t *testing.T) {
	for _, c := range []struct {
		in     string
		region string
		ok     bool
	}{
		{"arn:aws:sns:eu-west-1:111111111111:alerts", "eu-west-1", true},
		{"arn:aws-cn:sns:cn-north-1:111111111111:a.fifo", "cn-north-1", true},
		{"arn:aws:sqs:eu-west-1:111111111111:alerts", "", false},
		{"arn:aws:sns:eu-west-1:111111111111", "", false},
		{"alerts", "", false},
	} {
		a, err := parseTopicARN(c.in)
		if (err == nil) != c.ok || a.region != c.region {
			t.Errorf("parseTopicARN(%q) = %+v, %v", c.in, a, err)
		}
	}
}
