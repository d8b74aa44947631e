package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/trailsql/trailsql/internal/detect"
)

// SNSConfig says how to reach Amazon SNS. Empty fields fall back to the
// SDK's standard chain (environment, shared config, instance role).
type SNSConfig struct {
	// TopicARN is the topic published to; a FIFO topic's name ends in
	// ".fifo".
	TopicARN string
	// Region defaults to the topic's region (from its ARN).
	Region string
	// EndpointURL replaces the SNS endpoint (e.g. a local emulator).
	EndpointURL string
	// Profile is the shared-config profile.
	Profile string
	// Credentials replaces the standard credential chain when not nil.
	Credentials aws.CredentialsProvider
	// HTTPClient replaces the SDK's HTTP client when not nil.
	HTTPClient *http.Client
}

// SNS publishes each finding to an SNS topic: Subject the summary (cut to
// SNS's 100 characters), Message the finding as JSON, message attributes
// level and rule_id (for subscription filter policies). On a FIFO topic
// the finding's key is the MessageDeduplicationId and its rule id the
// MessageGroupId.
type SNS struct {
	arn    string
	fifo   bool
	client *sns.Client
}

// NewSNS loads the AWS configuration and returns an SNS sink.
func NewSNS(ctx context.Context, cfg SNSConfig) (*SNS, error) {
	a, err := parseTopicARN(cfg.TopicARN)
	if err != nil {
		return nil, err
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	region := cfg.Region
	if region == "" {
		region = a.region
	}
	opts = append(opts, config.WithRegion(region))
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("cannot load the AWS configuration for SNS: %w", err)
	}
	client := sns.NewFromConfig(awsCfg, func(o *sns.Options) {
		// The outbox's deliverer retries, with its own backoff.
		o.RetryMaxAttempts = 1
		if cfg.EndpointURL != "" {
			o.BaseEndpoint = aws.String(cfg.EndpointURL)
		}
		if cfg.HTTPClient != nil {
			o.HTTPClient = cfg.HTTPClient
		}
	})
	return &SNS{arn: cfg.TopicARN, fifo: strings.HasSuffix(a.name, ".fifo"), client: client}, nil
}

// Name implements Sink.
func (s *SNS) Name() string { return sinkID("sns", s.arn) }

// Send implements Sink.
func (s *SNS) Send(ctx context.Context, f *detect.Finding) error {
	msg, err := json.Marshal(f)
	if err != nil {
		return Permanent(fmt.Errorf("cannot encode finding %s: %w", f.Key, err))
	}
	in := &sns.PublishInput{
		TopicArn: aws.String(s.arn),
		Subject:  aws.String(snsSubject(f)),
		Message:  aws.String(string(msg)),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"level":   {DataType: aws.String("String"), StringValue: aws.String(orDash(f.Level))},
			"rule_id": {DataType: aws.String("String"), StringValue: aws.String(orDash(f.RuleID))},
		},
	}
	if s.fifo {
		in.MessageDeduplicationId = aws.String(f.Key)
		in.MessageGroupId = aws.String(orDash(f.RuleID))
	}
	if _, err := s.client.Publish(ctx, in); err != nil {
		err = fmt.Errorf("cannot publish finding %s to %s: %w", f.Key, s.arn, err)
		if snsPermanent(err) {
			return Permanent(err)
		}
		return err
	}
	return nil
}

// snsPermanent reports whether SNS refused a request for good: a client
// fault other than throttling.
func snsPermanent(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorFault() != smithy.FaultClient {
		return false
	}
	switch api.ErrorCode() {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "TooManyRequestsException",
		"KMSThrottling", "RequestTimeout", "RequestTimeoutException":
		return false
	}
	return true
}

// snsSubject is the summary as SNS takes it: printable ASCII, under 100
// characters, no line breaks.
func snsSubject(f *detect.Finding) string {
	s := strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, "trailsql "+Summary(f))
	if len(s) > 99 {
		s = s[:96] + "..."
	}
	return s
}

// topicARN is the parts of an SNS topic ARN that matter here.
type topicARN struct{ region, name string }

// parseTopicARN reads arn:PARTITION:sns:REGION:ACCOUNT:NAME.
func parseTopicARN(s string) (topicARN, error) {
	p := strings.Split(s, ":")
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] != "sns" || p[3] == "" || p[4] == "" || p[5] == "" {
		return topicARN{}, fmt.Errorf("%q is not an SNS topic ARN (want arn:aws:sns:REGION:ACCOUNT:TOPIC)", s)
	}
	return topicARN{region: p[3], name: p[5]}, nil
}
