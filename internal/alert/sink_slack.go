package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/trailsql/trailsql/internal/detect"
)

// Slack posts each finding to a Slack-compatible incoming webhook
// (Slack, Mattermost, Rocket.Chat): {"text": summary, "blocks": [...]}.
// Incoming webhooks have no idempotency key: see the package comment.
type Slack struct {
	url    string
	client *http.Client
}

// NewSlack returns a Slack sink; client as for NewWebhook.
func NewSlack(url string, client *http.Client) *Slack {
	return &Slack{url: url, client: noRedirects(client)}
}

// Name implements Sink.
func (s *Slack) Name() string { return sinkID("slack", s.url) }

// SlackMessage is the body posted to an incoming webhook.
type SlackMessage struct {
	Text   string       `json:"text"`
	Blocks []SlackBlock `json:"blocks,omitempty"`
}

// SlackBlock is one Block Kit block: a section or a context.
type SlackBlock struct {
	Type     string       `json:"type"`
	Text     *SlackText   `json:"text,omitempty"`
	Elements []*SlackText `json:"elements,omitempty"`
}

// SlackText is a Block Kit text object.
type SlackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// slackMessage builds the message of a finding: the summary as text (for
// notifications and clients without blocks), and blocks with the details.
func slackMessage(f *detect.Finding) SlackMessage {
	var d strings.Builder
	fmt.Fprintf(&d, "*%s* `%s`\n", slackEscape(orDash(f.Title)), strings.ToUpper(orDash(f.Level)))
	fmt.Fprintf(&d, "*Principal:* %s\n", slackEscape(orDash(f.Principal)))
	fmt.Fprintf(&d, "*Account/region:* %s/%s\n", slackEscape(orDash(f.Account)), slackEscape(orDash(f.Region)))
	if f.SourceIP != "" {
		fmt.Fprintf(&d, "*Source IP:* %s\n", slackEscape(f.SourceIP))
	}
	if !f.First.IsZero() {
		fmt.Fprintf(&d, "*Time:* %s", f.First.UTC().Format("2006-01-02 15:04:05Z"))
		if f.Last.After(f.First) {
			fmt.Fprintf(&d, " to %s", f.Last.UTC().Format("2006-01-02 15:04:05Z"))
		}
		d.WriteByte('\n')
	}
	if f.Group != "" {
		fmt.Fprintf(&d, "*Group:* %s\n", slackEscape(f.Group))
	}
	if len(f.Techniques) > 0 {
		fmt.Fprintf(&d, "*MITRE:* %s\n", strings.Join(f.Techniques, ", "))
	}
	ctx := fmt.Sprintf("rule %s · %d event(s) · key %s", slackEscape(f.RuleID), f.Events, f.Key)
	return SlackMessage{
		Text: slackEscape(Summary(f)),
		Blocks: []SlackBlock{
			{Type: "section", Text: &SlackText{Type: "mrkdwn", Text: strings.TrimRight(d.String(), "\n")}},
			{Type: "context", Elements: []*SlackText{{Type: "mrkdwn", Text: ctx}}},
		},
	}
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Send implements Sink.
func (s *Slack) Send(ctx context.Context, f *detect.Finding) error {
	body, err := json.Marshal(slackMessage(f))
	if err != nil {
		return Permanent(fmt.Errorf("cannot encode finding %s: %w", f.Key, err))
	}
	return post(ctx, s.client, "slack webhook", s.url, body, nil)
}
