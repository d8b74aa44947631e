package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Config is the alerting configuration of `trailsql sync`, as its flags
// give it. Validate it once; Sinks builds the sinks.
type Config struct {
	// Stdout writes findings as JSON lines to the command's output.
	Stdout bool
	// Webhook is a URL that receives each finding as a signed JSON POST;
	// WebhookSecret is the HMAC-SHA256 key (required with Webhook).
	Webhook       string
	WebhookSecret string
	// Slack is the URL of a Slack-compatible incoming webhook.
	Slack string
	// SNS is the ARN of an SNS topic; SNSEndpoint, SNSRegion and Profile
	// override the SDK's settings, Credentials its credential chain.
	SNS         string
	SNSEndpoint string
	SNSRegion   string
	Profile     string
	Credentials aws.CredentialsProvider
	// MinLevel is the least level alerted (default informational).
	MinLevel string
	// HTTPClient replaces the webhooks' client (timeouts, proxies) when not
	// nil.
	HTTPClient *http.Client
}

// Any reports whether any sink is configured.
func (c *Config) Any() bool {
	return c.Stdout || c.Webhook != "" || c.Slack != "" || c.SNS != ""
}

// Validate fills in defaults and checks the configuration, reporting
// every problem together.
func (c *Config) Validate() error {
	var errs []error
	if c.MinLevel == "" {
		c.MinLevel = levels[0]
	}
	if levelRank(c.MinLevel) < 0 {
		errs = append(errs, fmt.Errorf("--alert-min-level %q is not one of %s", c.MinLevel, strings.Join(levels, ", ")))
	}
	c.MinLevel = strings.ToLower(c.MinLevel)
	if c.Webhook != "" {
		if err := checkURL("--alert-webhook", c.Webhook); err != nil {
			errs = append(errs, err)
		}
		if c.WebhookSecret == "" {
			errs = append(errs, errors.New("--alert-webhook needs a signing secret: --alert-webhook-secret or $TRAILSQL_WEBHOOK_SECRET"))
		}
	} else if c.WebhookSecret != "" {
		errs = append(errs, errors.New("a webhook secret is set but no --alert-webhook"))
	}
	if c.Slack != "" {
		if err := checkURL("--alert-slack", c.Slack); err != nil {
			errs = append(errs, err)
		}
	}
	if c.SNS != "" {
		if _, err := parseTopicARN(c.SNS); err != nil {
			errs = append(errs, fmt.Errorf("--alert-sns: %w", err))
		}
		if c.SNSEndpoint != "" {
			if err := checkURL("the SNS endpoint", c.SNSEndpoint); err != nil {
				errs = append(errs, err)
			}
		}
	} else if c.SNSEndpoint != "" || c.SNSRegion != "" {
		errs = append(errs, errors.New("--alert-sns-endpoint and --alert-sns-region need --alert-sns"))
	}
	return errors.Join(errs...)
}

// checkURL checks that s is an absolute http(s) URL.
func checkURL(flag, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q is not an http(s) URL", flag, s)
	}
	return nil
}

// Sinks builds the configured sinks; stdout is where Stdout writes.
func (c *Config) Sinks(ctx context.Context, stdout io.Writer) ([]Sink, error) {
	var out []Sink
	if c.Stdout {
		out = append(out, NewStream("stdout", stdout))
	}
	if c.Webhook != "" {
		out = append(out, NewWebhook(c.Webhook, c.WebhookSecret, c.HTTPClient))
	}
	if c.Slack != "" {
		out = append(out, NewSlack(c.Slack, c.HTTPClient))
	}
	if c.SNS != "" {
		s, err := NewSNS(ctx, SNSConfig{TopicARN: c.SNS, Region: c.SNSRegion, EndpointURL: c.SNSEndpoint,
			Profile: c.Profile, Credentials: c.Credentials})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
