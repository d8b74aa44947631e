package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3ErrorServer answers like S3: HEAD of the bucket with its region, and
// GET of a key named after an S3 error code with that error; a GET of
// "reset" closes the connection without an answer.
func s3ErrorServer(t *testing.T) *httptest.Server {
	status := map[string]int{
		"ExpiredToken": 400, "InvalidAccessKeyId": 403, "SignatureDoesNotMatch": 403,
		"InternalError": 500, "SlowDown": 503, "NoSuchKey": 404, "AccessDenied": 403,
		"ClientDisconnected": 499,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.Header().Set("X-Amz-Bucket-Region", "us-east-1")
			return
		}
		code := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if code == "reset" {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status[code])
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>test %s.</Message><RequestId>1</RequestId></Error>`, code, code)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func testCreds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
}

func dialTest(t *testing.T, endpoint string) *S3Client {
	t.Helper()
	c, err := DialS3(context.Background(), "b", S3Config{EndpointURL: endpoint, Region: "us-east-1", Credentials: testCreds(), MaxAttempts: 2, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func get(c *s3.Client, ctx context.Context, key string) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String(key)})
	if err == nil {
		out.Body.Close()
	}
	return err
}

// TestClassify sorts the errors of real SDK requests into the object's
// faults (reported, the rest is read), the source's (the run stops), and
// those that count towards the source's.
func TestClassify(t *testing.T) {
	srv := s3ErrorServer(t)
	ok := dialTest(t, srv.URL)
	gone := s3ErrorServer(t)
	refused := dialTest(t, gone.URL)
	gone.Close()
	noCreds := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no EC2 IMDS role found")
		})})
	noHost := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://no-such-host.invalid"), UsePathStyle: true, Credentials: testCreds()})
	past, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()

	f := func(name string, err error, want fault) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if got := classify(err); got != want {
			t.Errorf("%s: classify(%v) = %d, want %d", name, err, got, want)
		}
	}
	start := time.Now()
	err := get(refused.API, context.Background(), "k")
	took := time.Since(start)
	f("connection refused", err, faultSource)
	if n := refused.Requests().Get; n > dialAttempts+1 || took > 5*time.Second {
		t.Errorf("connection refused: %d tries in %s, want at most %d, quickly", n, took, dialAttempts+1)
	}
	f("no such host", get(noHost, context.Background(), "k"), faultSource)
	f("no credentials", get(noCreds, context.Background(), "k"), faultSource)
	f("context deadline", get(ok.API, past, "k"), faultNone)
	f("ExpiredToken", get(ok.API, context.Background(), "ExpiredToken"), faultSource)
	f("InvalidAccessKeyId", get(ok.API, context.Background(), "InvalidAccessKeyId"), faultSource)
	f("SignatureDoesNotMatch", get(ok.API, context.Background(), "SignatureDoesNotMatch"), faultSuspect)
	f("connection reset", get(ok.API, context.Background(), "reset"), faultSuspect)
	f("499 ClientDisconnected", get(ok.API, context.Background(), "ClientDisconnected"), faultSuspect)
	f("500 InternalError", get(ok.API, context.Background(), "InternalError"), faultObject)
	f("503 SlowDown", get(ok.API, context.Background(), "SlowDown"), faultObject)
	f("NoSuchKey", get(ok.API, context.Background(), "NoSuchKey"), faultObject)
	f("AccessDenied", get(ok.API, context.Background(), "AccessDenied"), faultObject)
}

// TestUnreachableErrors checks what a source's reads return: one error that
// names the bucket, the endpoint and the cause when the store is gone, the
// object's error otherwise; broken connections in a row, and only in a row,
// make the store gone.
func TestUnreachableErrors(t *testing.T) {
	srv := s3ErrorServer(t)
	read := func(c *S3Client, key string) error {
		rc, err := (&S3{c: c}).Open(context.Background(), Object{Key: c.URL(key)})
		if err == nil {
			io.Copy(io.Discard, rc)
			rc.Close()
		}
		return err
	}
	f := func(name string, c *S3Client, key string, want string) {
		t.Helper()
		err := read(c, key)
		if got := IsUnreachable(err); got != (want != "") {
			t.Fatalf("%s: IsUnreachable(%v) = %v", name, err, got)
		}
		if want != "" && err.Error() != want {
			t.Errorf("%s:\n got %s\nwant %s", name, err, want)
		}
		if want == "" && !strings.Contains(err.Error(), "cannot read s3://b/"+key+": ") {
			t.Errorf("%s: error names no object: %v", name, err)
		}
		if noAnswer := key == "reset" || key == "ClientDisconnected"; want == "" && errors.Is(err, ErrNoAnswer) != noAnswer {
			t.Errorf("%s: errors.Is(%v, ErrNoAnswer) = %v", name, err, !noAnswer)
		}
	}
	c := dialTest(t, srv.URL)
	f("ExpiredToken", c, "ExpiredToken", "cannot reach s3://b at "+srv.URL+": the credentials are rejected: ExpiredToken: test ExpiredToken (HTTP 400)")
	c = dialTest(t, srv.URL)
	for _, key := range []string{"AccessDenied", "NoSuchKey", "InternalError"} {
		f(key, c, key, "")
	}
	for i := 1; i < maxStrikes; i++ {
		f(fmt.Sprintf("reset %d", i), c, "reset", "")
	}
	f("object fault after resets", c, "NoSuchKey", "")
	for i := 1; i < maxStrikes; i++ {
		f(fmt.Sprintf("reset %d again", i), c, "reset", "")
	}
	err := read(c, "reset")
	if !IsUnreachable(err) || !strings.HasPrefix(err.Error(), "cannot reach s3://b at "+srv.URL+": ") || !strings.HasSuffix(err.Error(), fmt.Sprintf("(%d requests in a row)", maxStrikes)) {
		t.Errorf("%d resets in a row: %v", maxStrikes, err)
	}

	gone := s3ErrorServer(t)
	c = dialTest(t, gone.URL)
	gone.Close()
	addr := strings.TrimPrefix(gone.URL, "http://")
	f("connection refused", c, "k", "cannot reach s3://b at "+gone.URL+": connection refused (dial tcp "+addr+")")
	if _, err := DialS3(context.Background(), "b", S3Config{EndpointURL: gone.URL, Credentials: testCreds()}); !IsUnreachable(err) {
		t.Errorf("DialS3 of a closed port: %v", err)
	}
	_, err = DialS3(context.Background(), "b", S3Config{EndpointURL: srv.URL, Region: "us-east-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no EC2 IMDS role found")
		})})
	if want := "cannot reach s3://b at " + srv.URL + ": no usable credentials: no EC2 IMDS role found"; !IsUnreachable(err) || err.Error() != want {
		t.Errorf("no credentials:\n got %v\nwant %s", err, want)
	}
}
