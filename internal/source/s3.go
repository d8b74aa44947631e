package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// S3Config says how to reach S3 or an S3-compatible store. Zero values take
// the AWS SDK's standard chain: credentials and region from the environment,
// the shared config files and instance or container roles.
type S3Config struct {
	// Profile is the shared-config profile to use (--profile).
	Profile string
	// Region is the bucket's region. When empty it is the SDK's configured
	// region, corrected by asking the bucket where it lives.
	Region string
	// EndpointURL is the endpoint of an S3-compatible store (--endpoint-url);
	// when empty, $AWS_ENDPOINT_URL_S3 or $AWS_ENDPOINT_URL (read through
	// Getenv) apply. A custom endpoint implies path-style addressing.
	EndpointURL string
	// PathStyle forces path-style addressing (bucket in the path).
	PathStyle bool
	// Credentials replaces the standard credential chain when not nil.
	Credentials aws.CredentialsProvider
	// HTTPClient replaces the SDK's HTTP client when not nil.
	HTTPClient *http.Client
	// MaxAttempts is how often a request is tried before it fails, with
	// exponential backoff between tries on throttling, 5xx answers and
	// broken connections (default 8).
	MaxAttempts int
	// MaxBackoff bounds the wait between two tries (default 20s).
	MaxBackoff time.Duration
	// Getenv reads the environment (os.Getenv outside tests); nil reads
	// nothing.
	Getenv func(string) string
}

// endpoint returns the custom endpoint, if any.
func (c S3Config) endpoint() string {
	if c.EndpointURL != "" {
		return c.EndpointURL
	}
	if c.Getenv == nil {
		return ""
	}
	if v := c.Getenv("AWS_ENDPOINT_URL_S3"); v != "" {
		return v
	}
	return c.Getenv("AWS_ENDPOINT_URL")
}

// S3Client is an S3 client bound to one bucket, in that bucket's region,
// that counts the requests it makes.
type S3Client struct {
	API    *s3.Client
	Bucket string
	Region string
	counts *requestCounts
	// down is set while the store cannot be reached: reads then fail at
	// once instead of each waiting through its own retries.
	down atomic.Pointer[unreachable]
}

type unreachable struct {
	at      time.Time
	err     error
	probing atomic.Bool
}

// downFor is how long a store that could not be reached is not asked again.
const downFor = 10 * time.Second

// reachable returns the error of a recent failure to reach the store,
// except to one request at a time, which tries again.
func (c *S3Client) reachable() error {
	d := c.down.Load()
	if d == nil || time.Since(d.at) >= downFor || d.probing.CompareAndSwap(false, true) {
		return nil
	}
	return d.err
}

// note records whether a request reached the store.
func (c *S3Client) note(err error) {
	var ae smithy.APIError
	switch {
	case err == nil || errors.As(err, &ae):
		c.down.Store(nil)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
	default:
		c.down.Store(&unreachable{at: time.Now(), err: err})
	}
}

// Requests counts the HTTP requests of an S3Client by kind. A request tried
// three times counts three times, and twice in Retries.
type Requests struct {
	List, Get, Head, Put, Delete, Other int64
	Retries                             int64
}

// Total is the number of requests of every kind.
func (r Requests) Total() int64 { return r.List + r.Get + r.Head + r.Put + r.Delete + r.Other }

// Sub returns the requests made since an earlier count.
func (r Requests) Sub(o Requests) Requests {
	return Requests{List: r.List - o.List, Get: r.Get - o.Get, Head: r.Head - o.Head, Put: r.Put - o.Put,
		Delete: r.Delete - o.Delete, Other: r.Other - o.Other, Retries: r.Retries - o.Retries}
}

type requestCounts struct {
	list, get, head, put, del, other, calls atomic.Int64
}

// Requests returns how many requests the client has made so far.
func (c *S3Client) Requests() Requests {
	n := c.counts
	r := Requests{List: n.list.Load(), Get: n.get.Load(), Head: n.head.Load(), Put: n.put.Load(), Delete: n.del.Load(), Other: n.other.Load()}
	r.Retries = r.Total() - n.calls.Load()
	return r
}

// URL returns the s3:// URL of a key of the client's bucket.
func (c *S3Client) URL(key string) string { return "s3://" + c.Bucket + "/" + key }

// ParseS3URL splits s3://bucket[/prefix] into the bucket and the prefix.
func ParseS3URL(s string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// URL", s)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q names no bucket (want s3://bucket[/prefix])", s)
	}
	return bucket, prefix, nil
}

// DialS3 returns a client of bucket, configured by cfg, in the bucket's
// region (asked of S3 when the configuration does not say it).
func DialS3(ctx context.Context, bucket string, cfg S3Config) (*S3Client, error) {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 20 * time.Second
	}
	counts := &requestCounts{}
	loadOpts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = cfg.MaxAttempts
				o.MaxBackoff = cfg.MaxBackoff
				// Throttling must slow the run down, never fail it because
				// a client-side retry budget ran out.
				o.RateLimiter = ratelimit.None
			})
		}),
		config.WithAPIOptions([]func(*middleware.Stack) error{counts.install}),
	}
	if cfg.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(cfg.Region))
	}
	if cfg.Credentials != nil {
		loadOpts = append(loadOpts, config.WithCredentialsProvider(cfg.Credentials))
	}
	if cfg.HTTPClient == nil {
		loadOpts = append(loadOpts, config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConnsPerHost = 128
		})))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("cannot load the AWS configuration: %w", err)
	}
	endpoint := cfg.endpoint()
	if endpoint != "" {
		if u, err := url.Parse(endpoint); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q is not a URL (want e.g. http://127.0.0.1:9000)", endpoint)
		}
	}
	region := awsCfg.Region
	if region == "" {
		region = "us-east-1"
	}
	build := func(region string) *s3.Client {
		return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
			o.Region = region
			o.DisableLogOutputChecksumValidationSkipped = true
			if cfg.HTTPClient != nil {
				// Set here: the configuration loader would refuse a plain
				// *http.Client when $AWS_CA_BUNDLE is set.
				o.HTTPClient = cfg.HTTPClient
			}
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
				o.UsePathStyle = true
			}
			if cfg.PathStyle {
				o.UsePathStyle = true
			}
		})
	}
	c := &S3Client{API: build(region), Bucket: bucket, Region: region, counts: counts}
	found, err := c.bucketRegion(ctx)
	if err != nil {
		return nil, err
	}
	if found != "" && found != region {
		c.API, c.Region = build(found), found
	}
	return c, nil
}

// bucketRegion asks where the bucket lives: S3 says so in a header of
// HeadBucket's answer, even when it refuses the request or redirects it.
func (c *S3Client) bucketRegion(ctx context.Context) (string, error) {
	out, err := c.API.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(c.Bucket)})
	if err == nil {
		return aws.ToString(out.BucketRegion), nil
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
			return r, nil
		}
		if re.HTTPStatusCode() == http.StatusNotFound {
			return "", fmt.Errorf("cannot open s3://%s: the bucket does not exist", c.Bucket)
		}
		if re.HTTPStatusCode() == http.StatusForbidden {
			// Listing may still be allowed under a prefix.
			return "", nil
		}
	}
	return "", &S3Error{Op: "reach", URL: "s3://" + c.Bucket, Err: err}
}

// install adds the request counters to a client's middleware stack: one
// count per operation, and one per HTTP attempt by kind.
func (n *requestCounts) install(st *middleware.Stack) error {
	if err := st.Initialize.Add(middleware.InitializeMiddlewareFunc("trailsqlCountCalls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			n.calls.Add(1)
			return next.HandleInitialize(ctx, in)
		}), middleware.Before); err != nil {
		return err
	}
	return st.Finalize.Insert(middleware.FinalizeMiddlewareFunc("trailsqlCountAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			switch op := awsmiddleware.GetOperationName(ctx); {
			case strings.HasPrefix(op, "List"):
				n.list.Add(1)
			case op == "GetObject":
				n.get.Add(1)
			case strings.HasPrefix(op, "Head"):
				n.head.Add(1)
			case op == "PutObject":
				n.put.Add(1)
			case strings.HasPrefix(op, "Delete"):
				n.del.Add(1)
			default:
				n.other.Add(1)
			}
			return next.HandleFinalize(ctx, in)
		}), "Retry", middleware.After)
}

// S3Error is a failed S3 request: what was tried, on which s3:// URL, and
// why, in a few words.
type S3Error struct {
	Op  string // list, read, write, ...
	URL string // s3://bucket/key
	Err error
}

func (e *S3Error) Error() string { return "cannot " + e.Op + " " + e.URL + ": " + explain(e.Err) }
func (e *S3Error) Unwrap() error { return e.Err }

// IsAccessDenied reports whether err is S3 refusing a request (HTTP 403).
func IsAccessDenied(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "Forbidden") {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden
}

// IsNotFound reports whether err is S3 saying that a key or bucket does not
// exist.
func IsNotFound(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound" || ae.ErrorCode() == "NoSuchBucket") {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}

// explain says in a few words why an SDK request failed; the SDK's own
// messages repeat the operation, request ids and more.
func explain(err error) string {
	var s string
	var ae smithy.APIError
	var re *awshttp.ResponseError
	var oe *net.OpError
	switch {
	case IsAccessDenied(err):
		s = "access denied (HTTP 403"
		if errors.As(err, &ae) {
			s += " " + ae.ErrorCode()
		}
		s += ")"
	case errors.As(err, &ae):
		s = ae.ErrorCode()
		if m := ae.ErrorMessage(); m != "" && m != s {
			s += ": " + strings.TrimSuffix(m, ".")
		}
		if errors.As(err, &re) {
			s += fmt.Sprintf(" (HTTP %d)", re.HTTPStatusCode())
		}
	case errors.As(err, &oe):
		s = oe.Error()
	case errors.Is(err, context.Canceled):
		s = "interrupted"
	case errors.Is(err, context.DeadlineExceeded):
		s = "timed out"
	default:
		s = err.Error()
	}
	var me *retry.MaxAttemptsError
	if errors.As(err, &me) {
		s += fmt.Sprintf(" (gave up after %d attempts)", me.Attempt)
	}
	return s
}

// Folders returns the names of the folders right below prefix (which ends
// with "/" or is empty), sorted.
func (c *S3Client) Folders(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	p := s3.NewListObjectsV2Paginator(c.API, &s3.ListObjectsV2Input{Bucket: aws.String(c.Bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		c.note(err)
		if err != nil {
			return nil, &S3Error{Op: "list", URL: c.URL(prefix), Err: err}
		}
		for _, cp := range page.CommonPrefixes {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/"))
		}
	}
	return out, nil
}
