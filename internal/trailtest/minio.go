package trailtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trailsql/trailsql/internal/source"
)

// MinIO is a real MinIO server started by a test on a free loopback port,
// with generated root credentials and a data folder of its own. It is
// stopped when the test ends.
type MinIO struct {
	// Endpoint is the server's URL (http://127.0.0.1:PORT).
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// Region is the region the server reports for its buckets.
	Region string

	t       testing.TB
	bin     string
	addr    string
	console string
	dir     string
	logPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// CPUTime is the CPU time (user and system) the server has used so far, or
// 0 when it cannot be read (not running, or no /proc).
func (m *MinIO) CPUTime() time.Duration {
	m.mu.Lock()
	cmd := m.cmd
	m.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces): state is
	// field 3; utime and stime are fields 14 and 15, in clock ticks.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

// MinIOBinary finds the minio server binary: $TRAILSQL_MINIO, else minio on
// the PATH, else $(go env GOPATH)/bin/minio (where
// `go install github.com/minio/minio@latest` puts it).
func MinIOBinary() (string, error) {
	if p := os.Getenv("TRAILSQL_MINIO"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("cannot use $TRAILSQL_MINIO: %w", err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	var tried []string
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "minio")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("cannot find the minio server: set $TRAILSQL_MINIO, put minio on the PATH, or run `go install github.com/minio/minio@latest` (tried %s)", strings.Join(tried, ", "))
}

// StartMinIO starts a MinIO server for the test and waits until it is
// ready. It fails the test (never skips it) when the server cannot start.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	bin, err := MinIOBinary()
	if err != nil {
		t.Fatal(err)
	}
	m := &MinIO{
		AccessKey: "trailsql" + randomHex(4),
		SecretKey: randomHex(20),
		Region:    "us-east-1",
		t:         t,
		bin:       bin,
		addr:      freeLoopbackAddr(t),
		console:   freeLoopbackAddr(t),
		dir:       t.TempDir(),
	}
	m.Endpoint = "http://" + m.addr
	m.logPath = filepath.Join(m.dir, "minio.log")
	t.Cleanup(func() {
		if err := m.stop(); err != nil {
			t.Errorf("cannot stop minio: %v", err)
		}
	})
	m.Start()
	return m
}

// Start (re)starts the server on its address and data folder; it is called
// by StartMinIO and after Stop.
func (m *MinIO) Start() {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil {
		m.t.Fatal("minio is already running")
	}
	logf, err := os.OpenFile(m.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		m.t.Fatalf("cannot create minio log: %v", err)
	}
	cmd := exec.Command(m.bin, "server",
		"--address", m.addr, "--console-address", m.console,
		"--certs-dir", filepath.Join(m.dir, "certs"), "--quiet",
		filepath.Join(m.dir, "data"))
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+m.AccessKey,
		"MINIO_ROOT_PASSWORD="+m.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_REGION="+m.Region,
		"HOME="+m.dir,
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		m.t.Fatalf("cannot start minio %s: %v", m.bin, err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(done)
	}()
	m.cmd, m.done = cmd, done
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-done:
			m.cmd = nil
			m.t.Fatalf("minio exited while starting: %s", m.logTail())
		default:
		}
		resp, err := http.Get(m.Endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			m.cmd = nil
			m.t.Fatalf("minio did not become ready at %s within 60s: %s", m.Endpoint, m.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the server and keeps its data; Start brings it back.
func (m *MinIO) Stop() {
	m.t.Helper()
	if err := m.stop(); err != nil {
		m.t.Fatalf("cannot stop minio: %v", err)
	}
}

func (m *MinIO) stop() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return nil
	}
	cmd, done := m.cmd, m.done
	m.cmd, m.done = nil, nil
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		return nil
	case <-time.After(15 * time.Second):
	}
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-done
	return nil
}

func (m *MinIO) logTail() string {
	b, _ := os.ReadFile(m.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// Credentials returns a provider of the root credentials.
func (m *MinIO) Credentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(m.AccessKey, m.SecretKey, "")
}

// S3Config is how trailsql's S3 code (source.DialS3 and what calls it)
// reaches the server with the root credentials.
func (m *MinIO) S3Config() source.S3Config {
	return source.S3Config{EndpointURL: m.Endpoint, Region: m.Region, Credentials: m.Credentials()}
}

// Client returns an S3 client with the root credentials.
func (m *MinIO) Client() *s3.Client {
	return m.ClientWith(m.Credentials(), nil)
}

// ClientWith returns an S3 client of the server with other credentials and,
// when hc is not nil, another HTTP client, made as trailsql makes its
// clients (source.NewS3API).
func (m *MinIO) ClientWith(creds aws.CredentialsProvider, hc *http.Client) *s3.Client {
	cfg := m.S3Config()
	cfg.Credentials, cfg.HTTPClient, cfg.MaxAttempts = creds, hc, 3
	c, err := source.NewS3API(context.Background(), cfg)
	if err != nil {
		m.t.Fatalf("cannot make an S3 client of minio: %v", err)
	}
	return c
}

// CreateBucket creates a bucket.
func (m *MinIO) CreateBucket(t testing.TB, bucket string) {
	t.Helper()
	if _, err := m.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("cannot create bucket %s: %v", bucket, err)
	}
}

// Put writes one object, with user metadata (x-amz-meta-*) when meta is
// not nil.
func (m *MinIO) Put(t testing.TB, bucket, key string, body []byte, meta map[string]string) {
	t.Helper()
	_, err := m.Client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body), Metadata: meta,
	})
	if err != nil {
		t.Fatalf("cannot put s3://%s/%s: %v", bucket, key, err)
	}
}

// PutDir uploads every file below dir, keyed by its path relative to dir
// (in / form) after prefix, and returns how many there were.
func (m *MinIO) PutDir(t testing.TB, bucket, prefix, dir string) int {
	t.Helper()
	var objs []Object
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		objs = append(objs, Object{Key: prefix + filepath.ToSlash(rel), Body: b})
		return nil
	})
	if err != nil {
		t.Fatalf("cannot upload %s: %v", dir, err)
	}
	m.PutObjects(t, bucket, objs)
	return len(objs)
}

// RestrictedCredentials returns temporary credentials (from MinIO's STS
// AssumeRole) whose rights are the root's narrowed by policy, an IAM policy
// document: the way a test gets a user that is denied part of a bucket.
func (m *MinIO) RestrictedCredentials(t testing.TB, policy string) aws.CredentialsProvider {
	t.Helper()
	c := sts.New(sts.Options{
		Region:       m.Region,
		BaseEndpoint: aws.String(m.Endpoint),
		Credentials:  m.Credentials(),
	})
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:xxx:xxx:xxx:xxxx"),
		RoleSessionName: aws.String("trailsql-test"),
		Policy:          aws.String(policy),
		DurationSeconds: aws.Int32(3600),
	}
	out, err := c.AssumeRole(context.Background(), in)
	// MinIO answers ready before its IAM subsystem is: wait for it.
	for deadline := time.Now().Add(30 * time.Second); err != nil && strings.Contains(err.Error(), "Server not initialized") && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		out, err = c.AssumeRole(context.Background(), in)
	}
	if err != nil {
		t.Fatalf("cannot get restricted credentials from minio: %v", err)
	}
	cr := out.Credentials
	return credentials.NewStaticCredentialsProvider(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
}

func freeLoopbackAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cannot find a free loopback port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// PutObjects uploads objects, eight at a time.
func (m *MinIO) PutObjects(t testing.TB, bucket string, objs []Object) {
	t.Helper()
	c := m.Client()
	sem := make(chan struct{}, 8)
	errs := make(chan error, len(objs))
	var wg sync.WaitGroup
	for _, o := range objs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(o.Key), Body: bytes.NewReader(o.Body), Metadata: o.Meta,
			})
			if err != nil {
				errs <- fmt.Errorf("cannot put s3://%s/%s: %w", bucket, o.Key, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
