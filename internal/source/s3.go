package source

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
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
	// nothing. Through it, DialS3 takes the endpoint from
	// $AWS_ENDPOINT_URL_S3 or $AWS_ENDPOINT_URL, the region from
	// $AWS_REGION or $AWS_DEFAULT_REGION, and, when neither Profile nor
	// Credentials is set, static credentials from $AWS_ACCESS_KEY_ID,
	// $AWS_SECRET_ACCESS_KEY and $AWS_SESSION_TOKEN; what is not set there
	// is left to the SDK's standard chain.
	Getenv func(string) string
}

// fromEnv returns c with what it leaves empty taken from the environment
// (see Getenv).
func (c S3Config) fromEnv() S3Config {
	if c.Getenv == nil {
		return c
	}
	if c.Profile == "" && c.Credentials == nil {
		if id, secret := c.Getenv("AWS_ACCESS_KEY_ID"), c.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
			c.Credentials = credentials.NewStaticCredentialsProvider(id, secret, c.Getenv("AWS_SESSION_TOKEN"))
		}
	}
	if c.Region == "" {
		c.Region = c.Getenv("AWS_REGION")
	}
	if c.Region == "" {
		c.Region = c.Getenv("AWS_DEFAULT_REGION")
	}
	return c
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
	// Endpoint is the custom endpoint, if any ("" for AWS's own).
	Endpoint string
	counts   *requestCounts
	// strikes counts the requests in a row, across objects, that failed
	// without an answer from the store (broken connections, timeouts):
	// maxStrikes of them, and the store is taken for unreachable.
	strikes atomic.Int32
	// down is set once the store was found unreachable: reads then fail at
	// once instead of each waiting through its own retries.
	down atomic.Pointer[unreachable]
}

type unreachable struct {
	at      time.Time
	err     *UnreachableError
	probing atomic.Bool
}

// downFor is how long a store found unreachable is not asked again, but
// by one request at a time.
const downFor = 10 * time.Second

// maxStrikes is how many requests in a row may fail without an answer
// from the store (each after its own retries) before the store is taken
// for unreachable.
const maxStrikes = 5

// dialAttempts is how often a request whose connection cannot even be
// opened (refused, no route, no address) is tried: a store that is down
// stays down longer than retries wait, and a run should learn it within a
// second, not after minutes of backoff. A store that answers with
// throttling or 5xx is retried up to S3Config.MaxAttempts times.
const dialAttempts = 3

// dialTimeout bounds the opening of one connection.
const dialTimeout = 10 * time.Second

// reachable returns the error that found the store unreachable, recently,
// except to one request at a time, which tries again.
func (c *S3Client) reachable() error {
	d := c.down.Load()
	if d == nil || time.Since(d.at) >= downFor || d.probing.CompareAndSwap(false, true) {
		return nil
	}
	return d.err
}

// done returns the error of a request that the client made for op on key
// (nil when err is nil), and records whether the store answered. The error
// is an *S3Error, or an *UnreachableError (marked ErrUnreachable) when the
// fault is the store's rather than the object's: see classify.
func (c *S3Client) done(op, key string, err error) error {
	f := classify(err)
	var ae smithy.APIError
	if f == faultSuspect && op == "list" && errors.As(err, &ae) && ae.ErrorCode() == "SignatureDoesNotMatch" {
		// A listing signs no key: its signature is refused for the
		// credentials' sake.
		f = faultSource
	}
	if err == nil || f == faultObject {
		c.strikes.Store(0)
		c.down.Store(nil)
	}
	if err == nil {
		return nil
	}
	se := &S3Error{Op: op, URL: c.URL(key), Err: err, noAnswer: f == faultSuspect}
	if f == faultSource || f == faultSuspect && c.strikes.Add(1) >= maxStrikes {
		u := &UnreachableError{Source: "s3://" + c.Bucket, Where: c.where(), Cause: cause(err), Err: se}
		c.down.Store(&unreachable{at: time.Now(), err: u})
		return u
	}
	return se
}

// where says where the client's bucket is, for messages.
func (c *S3Client) where() string {
	if c.Endpoint != "" {
		return "at " + c.Endpoint
	}
	return "in " + c.Region
}

// fault says whose fault a failed request is.
type fault int

const (
	// faultNone: no error, or the run's own context ended the request.
	faultNone fault = iota
	// faultObject: the store answered about this object or prefix
	// (5xx, throttling, access denied, no such key): the others may be
	// fine.
	faultObject
	// faultSuspect: no answer, or an answer that every request may get
	// (connection reset, timeout, SignatureDoesNotMatch): maxStrikes in a
	// row make the store unreachable.
	faultSuspect
	// faultSource: the store cannot be reached at all (connection refused,
	// no such host, credentials expired, missing or rejected).
	faultSource
)

// credentialCodes are the S3 and STS error codes of credentials that no
// request can succeed with.
var credentialCodes = map[string]bool{
	"ExpiredToken":          true,
	"ExpiredTokenException": true,
	"TokenRefreshRequired":  true,
	"InvalidToken":          true,
	"InvalidAccessKeyId":    true,
	"InvalidClientTokenId":  true,
}

// suspectCodes are error codes that every request may get when the
// credentials or the clock are wrong, but that one object may also get
// (a key that a store signs differently): they count as strikes.
var suspectCodes = map[string]bool{
	"SignatureDoesNotMatch": true,
	"RequestTimeTooSkewed":  true,
}

// classify says whose fault a failed request is: the object's (it is
// reported and the rest is read), the store's (the run stops), or perhaps
// the store's (counted).
func classify(err error) fault {
	var ae smithy.APIError
	var dns *net.DNSError
	var cv *tls.CertificateVerificationError
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return faultNone
	case errors.As(err, &ae) && credentialCodes[ae.ErrorCode()]:
		return faultSource
	case errors.As(err, &ae) && (suspectCodes[ae.ErrorCode()] || httpStatus(err) == 499):
		// 499: the store dropped the request (MinIO answers so to the
		// requests in flight when it shuts down).
		return faultSuspect
	case errors.As(err, &ae):
		return faultObject
	case credentialsMissing(err) != "", errors.As(err, &dns), errors.As(err, &cv), isDialError(err):
		return faultSource
	}
	return faultSuspect
}

// credentialsMissing returns why the SDK found no credentials to sign a
// request with, or "" if err is not that. The SDK says it only in words:
// "get identity: get credentials: ..." (or, in older versions, a signing
// error "failed to retrieve credentials: ...").
func credentialsMissing(err error) string {
	var se *v4.SigningError
	if errors.As(err, &se) {
		return strings.TrimPrefix(se.Err.Error(), "failed to retrieve credentials: ")
	}
	s := err.Error()
	if _, why, ok := strings.Cut(s, "get identity: "); ok {
		why = strings.TrimPrefix(why, "get credentials: ")
		return strings.TrimPrefix(why, "failed to refresh cached credentials, ")
	}
	if _, why, ok := strings.Cut(s, "failed to retrieve credentials: "); ok {
		return why
	}
	return ""
}

// httpStatus is the HTTP status of an error answer, or 0.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// isDialError reports whether err is the failure to open a connection
// (refused, no route, no address, timed out).
func isDialError(err error) bool {
	var oe *net.OpError
	var dns *net.DNSError
	return errors.As(err, &oe) && oe.Op == "dial" || errors.As(err, &dns)
}

// cause says in a few words why a store is unreachable.
func cause(err error) string {
	var ae smithy.APIError
	var dns *net.DNSError
	var oe *net.OpError
	switch {
	case errors.As(err, &ae) && (credentialCodes[ae.ErrorCode()] || ae.ErrorCode() == "SignatureDoesNotMatch"):
		return "the credentials are rejected: " + apiError(err, ae)
	case credentialsMissing(err) != "":
		return "no usable credentials: " + credentialsMissing(err)
	case errors.As(err, &dns):
		return "cannot resolve " + dns.Name + ": " + dns.Err
	case errors.Is(err, syscall.ECONNREFUSED) && errors.As(err, &oe):
		return "connection refused (" + oe.Op + " " + oe.Net + " " + oe.Addr.String() + ")"
	case errors.As(err, &oe):
		return oe.Error()
	}
	return fmt.Sprintf("%s (%d requests in a row)", explain(err), maxStrikes)
}

// backoff is the wait between two tries of a request: exponential, with
// jitter, for throttling, 5xx and broken connections; short, and
// dialAttempts tries at most, when no connection could be opened.
type backoff struct{ next retry.BackoffDelayer }

func (b backoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if isDialError(err) {
		if attempt >= dialAttempts {
			return 0, err
		}
		return time.Duration(attempt+1) * 150 * time.Millisecond, nil
	}
	return b.next.BackoffDelay(attempt, err)
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
	d, err := newDialer(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c := &S3Client{API: d.build(d.region), Bucket: bucket, Region: d.region, Endpoint: d.endpoint, counts: d.counts}
	found, err := c.bucketRegion(ctx)
	if err != nil {
		return nil, err
	}
	if found != "" && found != d.region {
		c.API, c.Region = d.build(found), found
	}
	return c, nil
}

// NewS3API returns an S3 API client configured by cfg like DialS3's, but
// bound to no bucket, in cfg's region (else the SDK's configured one, else
// us-east-1): for calls about no bucket or before one exists, such as
// CreateBucket.
func NewS3API(ctx context.Context, cfg S3Config) (*s3.Client, error) {
	d, err := newDialer(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return d.build(d.region), nil
}

// dialer makes the S3 clients of one configuration.
type dialer struct {
	cfg      S3Config
	aws      aws.Config
	endpoint string // the custom endpoint, if any
	region   string // the configured region, or us-east-1
	counts   *requestCounts
}

// newDialer loads the AWS configuration that cfg (with the environment)
// describes.
func newDialer(ctx context.Context, cfg S3Config) (*dialer, error) {
	cfg = cfg.fromEnv()
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 20 * time.Second
	}
	d := &dialer{cfg: cfg, counts: &requestCounts{}}
	loadOpts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = cfg.MaxAttempts
				o.MaxBackoff = cfg.MaxBackoff
				o.Backoff = backoff{next: retry.NewExponentialJitterBackoff(cfg.MaxBackoff)}
				// Throttling must slow the run down, never fail it because
				// a client-side retry budget ran out.
				o.RateLimiter = ratelimit.None
			})
		}),
		config.WithAPIOptions([]func(*middleware.Stack) error{d.counts.install}),
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
		}).WithDialerOptions(func(d *net.Dialer) {
			d.Timeout = dialTimeout
		})))
	}
	var err error
	if d.aws, err = config.LoadDefaultConfig(ctx, loadOpts...); err != nil {
		return nil, fmt.Errorf("cannot load the AWS configuration: %w", err)
	}
	d.endpoint = cfg.endpoint()
	if d.endpoint != "" {
		if u, err := url.Parse(d.endpoint); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q is not a URL (want e.g. http://127.0.0.1:9000)", d.endpoint)
		}
	}
	d.region = d.aws.Region
	if d.region == "" {
		d.region = "us-east-1"
	}
	return d, nil
}

// build returns a client in region.
func (d *dialer) build(region string) *s3.Client {
	return s3.NewFromConfig(d.aws, func(o *s3.Options) {
		o.Region = region
		o.DisableLogOutputChecksumValidationSkipped = true
		if d.cfg.HTTPClient != nil {
			// Set here: the configuration loader would refuse a plain
			// *http.Client when $AWS_CA_BUNDLE is set.
			o.HTTPClient = d.cfg.HTTPClient
		}
		if d.endpoint != "" {
			o.BaseEndpoint = aws.String(d.endpoint)
			o.UsePathStyle = true
		}
		if d.cfg.PathStyle {
			o.UsePathStyle = true
		}
	})
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
	return "", c.done("reach", "", err)
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
	// noAnswer: the store said nothing about the object (see ErrNoAnswer).
	noAnswer bool
}

func (e *S3Error) Error() string { return "cannot " + e.Op + " " + e.URL + ": " + explain(e.Err) }
func (e *S3Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNoAnswer) true for a request that got no
// answer about its object.
func (e *S3Error) Is(target error) bool { return target == ErrNoAnswer && e.noAnswer }

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
	var oe *net.OpError
	switch {
	case IsAccessDenied(err):
		s = "access denied (HTTP 403"
		if errors.As(err, &ae) {
			s += " " + ae.ErrorCode()
		}
		s += ")"
	case errors.As(err, &ae):
		s = apiError(err, ae)
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

// apiError is the code, message and HTTP status of an error answer.
func apiError(err error, ae smithy.APIError) string {
	s := ae.ErrorCode()
	if m := ae.ErrorMessage(); m != "" && m != s {
		s += ": " + strings.TrimSuffix(m, ".")
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		s += fmt.Sprintf(" (HTTP %d)", re.HTTPStatusCode())
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
		if err := c.done("list", prefix, err); err != nil {
			return nil, err
		}
		for _, cp := range page.CommonPrefixes {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/"))
		}
	}
	return out, nil
}
