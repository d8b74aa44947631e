package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/spf13/pflag"

	"github.com/trailsql/trailsql/internal/alert"
	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/detect"
	"github.com/trailsql/trailsql/internal/detect/pack"
	"github.com/trailsql/trailsql/internal/sigma"
)

// SyncDetectFlags are the detection and alert settings of `trailsql sync`.
type SyncDetectFlags struct {
	Detect bool
	// Rules are rule files and folders (Sigma YAML); none: the built-in
	// pack, as for `trailsql detect`.
	Rules []string
	Alert alert.Config
}

func (d *SyncDetectFlags) addFlags(fl *pflag.FlagSet) {
	fl.BoolVar(&d.Detect, "detect", false, "after each run, evaluate the detection rules over the new events, store the findings and send the new ones to the --alert-* sinks")
	fl.StringArrayVar(&d.Rules, "rules", nil, "with --detect: Sigma rule `FILE` or folder (repeatable; default: the built-in pack)")
	fl.BoolVar(&d.Alert.Stdout, "alert-stdout", false, "send each new finding as a JSON line to stdout (the run log then goes to stderr)")
	fl.StringVar(&d.Alert.Webhook, "alert-webhook", "", "POST each new finding as JSON to this URL, signed (X-Trailsql-Signature: sha256=HMAC)")
	fl.StringVar(&d.Alert.WebhookSecret, "alert-webhook-secret", "", "HMAC-SHA256 key of --alert-webhook (default $TRAILSQL_WEBHOOK_SECRET)")
	fl.StringVar(&d.Alert.Slack, "alert-slack", "", "post each new finding to this Slack-compatible incoming webhook URL")
	fl.StringVar(&d.Alert.SNS, "alert-sns", "", "publish each new finding to this SNS topic ARN (standard AWS credentials; region from the ARN)")
	fl.StringVar(&d.Alert.SNSEndpoint, "alert-sns-endpoint", "", "SNS endpoint URL (default $AWS_ENDPOINT_URL_SNS, else the SDK's)")
	fl.StringVar(&d.Alert.MinLevel, "alert-min-level", "informational", "least level sent: informational, low, medium, high or critical")
}

// validate fills the settings from the environment (and the AWS profile
// of sync's --profile) and checks them once, reporting every problem
// together.
func (d *SyncDetectFlags) validate(f *Factory, profile string) error {
	d.Alert.Profile = profile
	if d.Alert.WebhookSecret == "" {
		d.Alert.WebhookSecret = f.Getenv("TRAILSQL_WEBHOOK_SECRET")
		if d.Alert.Webhook == "" {
			d.Alert.WebhookSecret = "" // the variable is for --alert-webhook only
		}
	}
	if d.Alert.SNS != "" {
		if d.Alert.SNSEndpoint == "" {
			d.Alert.SNSEndpoint = f.Getenv("AWS_ENDPOINT_URL_SNS")
		}
		// As for S3: keys in the environment, unless a profile is named.
		if id, secret := f.Getenv("AWS_ACCESS_KEY_ID"), f.Getenv("AWS_SECRET_ACCESS_KEY"); profile == "" && id != "" && secret != "" {
			d.Alert.Credentials = credentials.NewStaticCredentialsProvider(id, secret, f.Getenv("AWS_SESSION_TOKEN"))
		}
	}
	var errs []error
	if err := d.Alert.Validate(); err != nil {
		errs = append(errs, err)
	}
	if !d.Detect && d.Alert.Any() {
		errs = append(errs, errors.New("the --alert-* flags need --detect"))
	}
	if !d.Detect && len(d.Rules) > 0 {
		errs = append(errs, errors.New("--rules needs --detect"))
	}
	if err := errors.Join(errs...); err != nil {
		return &UsageError{Err: err}
	}
	return nil
}

// afterRun returns sync's hook that runs detection and alerting after
// each run (nil without --detect). It opens the outbox now, before the
// first run, so that the events of the first run count as new.
func (d *SyncDetectFlags) afterRun(ctx context.Context, f *Factory, a *app.App, log *slog.Logger) (func(context.Context, *app.SyncRun) error, error) {
	if !d.Detect {
		return nil, nil
	}
	rules, err := d.loadRules(log)
	if err != nil {
		return nil, err
	}
	sinks, err := d.Alert.Sinks(ctx, f.IO.Out)
	if err != nil {
		return nil, err
	}
	step, err := alert.NewStep(a.Dir(), alert.StepOptions{
		Detector: ruleDetector{app: a, rules: rules},
		Store:    detect.OpenStore(a.Dir(), f.Now),
		Sinks:    sinks,
		MinLevel: d.Alert.MinLevel,
		Log:      log,
		Now:      f.Now,
	})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, _ *app.SyncRun) error {
		_, err := step.Run(ctx)
		return err
	}, nil
}

// loadRules reads and compiles the rules of --rules. A rule that does not
// compile is logged with the reason and left out; none compiling is an
// error.
func (d *SyncDetectFlags) loadRules(log *slog.Logger) ([]*detect.Rule, error) {
	var srules []*sigma.Rule
	var err error
	if len(d.Rules) == 0 {
		srules, err = pack.Rules()
	} else if srules, err = sigma.Load(d.Rules...); err != nil {
		err = &UsageError{Err: fmt.Errorf("cannot read the rules: %w", err)}
	}
	if err != nil {
		return nil, err
	}
	rules, err := detect.Compile(srules)
	if err != nil {
		var re interface{ Unwrap() []error }
		if errors.As(err, &re) {
			for _, e := range re.Unwrap() {
				log.Warn("rule not compiled", "error", e.Error())
			}
		} else {
			log.Warn("rule not compiled", "error", err.Error())
		}
	}
	if len(rules) == 0 {
		return nil, &UsageError{Err: fmt.Errorf("no rule of --rules %s compiles", strings.Join(d.Rules, ", "))}
	}
	return rules, nil
}

// ruleDetector evaluates compiled rules over the app's lake.
type ruleDetector struct {
	app   *app.App
	rules []*detect.Rule
}

func (r ruleDetector) Detect(ctx context.Context, rg alert.Range) ([]detect.Finding, error) {
	return detect.Run(ctx, r.app, r.rules, detect.Range{Since: rg.Since, Until: rg.Until})
}
