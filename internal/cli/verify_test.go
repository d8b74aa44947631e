package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailsql/trailsql/internal/iostreams"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// The verify fixture: a valid trail (account 111122223333, us-east-1, three
// signed digests of two log files each) and its public key, written by
// internal/integrity's TestFixture.
var (
	verifyFixture = filepath.Join("..", "integrity", "testdata", "trail")
	verifyKeys    = filepath.Join("..", "integrity", "testdata", "keys", "public-keys.json")
	verifyPEM     = filepath.Join("..", "integrity", "testdata", "keys", "trail-public.pem")
)

const fixtureLogs = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/"
const fixtureDigests = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/"

func copyVerifyFixture(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bucket")
	if err := os.CopyFS(dir, os.DirFS(verifyFixture)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func fixtureFile(t *testing.T, dir, sub, suffix string) string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(sub), "*"+suffix))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no %s*%s in the fixture: %v", sub, suffix, err)
	}
	slices.Sort(matches)
	return matches[0]
}

func runVerifyCLI(t *testing.T, args ...string) (ExitCode, string, string) {
	t.Helper()
	io, _, out, errOut := iostreams.Test()
	f := &Factory{IO: io, Now: func() time.Time { return time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC) },
		Getenv: func(string) string { return "" }}
	code := Run(context.Background(), f, append([]string{"verify"}, args...))
	return code, out.String(), errOut.String()
}

func TestVerifyCommand(t *testing.T) {
	type check struct {
		code           ExitCode
		stdout, stderr []string // substrings
	}
	cases := []struct {
		name   string
		mutate func(t *testing.T, dir string)
		args   func(dir string) []string
		want   check
	}{
		{
			name: "valid",
			args: func(dir string) []string { return []string{dir, "--public-keys", verifyKeys} },
			want: check{code: ExitOK, stdout: []string{
				"account 111122223333 region us-east-1",
				"log files  6 valid, 0 modified, 0 deleted, 0 uncovered, 0 pending",
				"digests    3 valid, 0 invalid, 0 missing, 0 unsigned",
				"OK: 3 digests and 6 log files verified in 1 account-regions",
			}},
		},
		{
			name: "valid, PEM key, filtered",
			args: func(dir string) []string {
				return []string{dir, "--public-keys", verifyPEM, "--account", "111122223333", "--region", "us-east-1",
					"--since", "2024-03-05", "--until", "2024-03-05"}
			},
			want: check{code: ExitOK, stdout: []string{"OK: 3 digests and 6 log files"}},
		},
		{
			name: "modified log",
			mutate: func(t *testing.T, dir string) {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				zw.Write([]byte(`{"Records":[]}`))
				zw.Close()
				if err := os.WriteFile(fixtureFile(t, dir, fixtureLogs, ".json.gz"), buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			args: func(dir string) []string { return []string{dir, "--public-keys", verifyKeys} },
			want: check{code: ExitError,
				stdout: []string{"1 modified", "FAIL log-modified", "integrity: log file hash mismatch", "FAILED: 1 problems"},
				stderr: []string{"trailsql: cannot verify ", "integrity: verification failed (1 problems)"}},
		},
		{
			name: "deleted digest",
			mutate: func(t *testing.T, dir string) {
				d := fixtureFile(t, dir, fixtureDigests, "T113649Z.json.gz")
				for _, p := range []string{d, d + ".sig", d + ".metadata.json"} {
					os.Remove(p)
				}
			},
			args: func(dir string) []string { return []string{dir, "--public-keys", verifyKeys} },
			want: check{code: ExitError,
				stdout: []string{"1 missing", "1 gaps", "FAIL digest-missing", "FAIL chain-gap", "FAIL log-uncovered"},
				stderr: []string{"integrity: verification failed"}},
		},
		{
			name: "no public keys",
			args: func(dir string) []string { return []string{dir} },
			want: check{code: ExitError,
				stdout: []string{"3 unsigned", "FAIL digest-unsigned", "integrity: no public key with the digest's fingerprint"},
				stderr: []string{"hint: no --public-keys given", "integrity: verification failed (3 problems)"}},
		},
		{
			name: "json",
			args: func(dir string) []string { return []string{dir, "--public-keys", verifyKeys, "--format", "json"} },
			want: check{code: ExitOK, stdout: []string{`"ok": true`, `"account": "111122223333"`}},
		},
		{
			name: "nothing in range",
			args: func(dir string) []string { return []string{dir, "--public-keys", verifyKeys, "--since", "2030-01-01"} },
			want: check{code: ExitError, stderr: []string{"integrity: no digest or log files found"}},
		},
		{
			name: "missing source",
			args: func(dir string) []string { return []string{filepath.Join(dir, "nope")} },
			want: check{code: ExitError, stderr: []string{"cannot open source", "nope"}},
		},
		{
			name: "missing key file",
			args: func(dir string) []string { return []string{dir, "--public-keys", filepath.Join(dir, "keys.json")} },
			want: check{code: ExitError, stderr: []string{"cannot read public keys", "keys.json"}},
		},
		{
			name: "key file that holds no key",
			args: func(dir string) []string { return []string{dir, "--public-keys", verifyFixture} },
			want: check{code: ExitError, stderr: []string{"cannot read public keys"}},
		},
		{
			name: "no source",
			args: func(dir string) []string { return nil },
			want: check{code: ExitUsage, stderr: []string{"verify needs one SOURCE"}},
		},
		{
			name: "two sources",
			args: func(dir string) []string { return []string{dir, dir} },
			want: check{code: ExitUsage, stderr: []string{"verify needs one SOURCE"}},
		},
		{
			name: "bad format",
			args: func(dir string) []string { return []string{dir, "--format", "xml"} },
			want: check{code: ExitUsage, stderr: []string{`--format "xml" is not text or json`}},
		},
		{
			name: "bad since",
			args: func(dir string) []string { return []string{dir, "--since", "last tuesday"} },
			want: check{code: ExitUsage, stderr: []string{`--since "last tuesday" is not a date`}},
		},
		{
			name: "since after until",
			args: func(dir string) []string { return []string{dir, "--since", "2024-03-06", "--until", "2024-03-01"} },
			want: check{code: ExitUsage, stderr: []string{"is not before --until"}},
		},
		{
			name: "unknown flag",
			args: func(dir string) []string { return []string{dir, "--bucket", "b"} },
			want: check{code: ExitUsage, stderr: []string{"unknown flag: --bucket"}},
		},
		{
			name: "s3 source without a bucket",
			args: func(dir string) []string { return []string{"s3://"} },
			want: check{code: ExitUsage, stderr: []string{"names no bucket"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyVerifyFixture(t)
			if c.mutate != nil {
				c.mutate(t, dir)
			}
			code, stdout, stderr := runVerifyCLI(t, c.args(dir)...)
			if code != c.want.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.want.code, stdout, stderr)
			}
			for _, s := range c.want.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout does not hold %q:\n%s", s, stdout)
				}
			}
			for _, s := range c.want.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr does not hold %q:\n%s", s, stderr)
				}
			}
			if code == ExitOK && stderr != "" {
				t.Errorf("stderr on success:\n%s", stderr)
			}
			if code != ExitOK && strings.Count(strings.TrimSpace(stderr), "trailsql: ") != 1 {
				t.Errorf("want one error line on stderr:\n%s", stderr)
			}
		})
	}
}

func TestVerifyCommandJSON(t *testing.T) {
	dir := copyVerifyFixture(t)
	os.Remove(fixtureFile(t, dir, fixtureLogs, ".json.gz"))
	code, stdout, _ := runVerifyCLI(t, dir, "--public-keys", verifyKeys, "--format", "json")
	if code != ExitError {
		t.Errorf("exit code %d", code)
	}
	var rep struct {
		OK       bool
		Problems int
		Groups   []struct {
			Account, Region string
			LogFiles        struct{ Valid, Deleted int }
			Digests         struct{ Valid int }
			Findings        []struct{ Kind, Key, Digest, Detail string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if rep.OK || rep.Problems != 1 || len(rep.Groups) != 1 {
		t.Fatalf("report %+v", rep)
	}
	g := rep.Groups[0]
	if g.LogFiles.Valid != 5 || g.LogFiles.Deleted != 1 || g.Digests.Valid != 3 || len(g.Findings) != 1 ||
		g.Findings[0].Kind != "log-deleted" || !strings.HasPrefix(g.Findings[0].Key, fixtureLogs) || g.Findings[0].Digest == "" {
		t.Errorf("group %+v", g)
	}
}

// TestVerifyCommandOptions checks the parsed options through runF.
func TestVerifyCommandOptions(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	f := &Factory{IO: io, Now: time.Now, Getenv: func(string) string { return "" }}
	var got *VerifyOptions
	cmd := newVerifyCmdWith(f, func(_ context.Context, _ *Factory, o *VerifyOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"src", "--public-keys", "a.json", "--public-keys", "b.pem", "--since", "7d",
		"--until", "2024-03-05", "--account", "1", "--region", "r", "--format", "json",
		"--profile", "audit", "--endpoint-url", "http://127.0.0.1:9000"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := &VerifyOptions{Source: "src", Since: "7d", Until: "2024-03-05", Account: "1", Region: "r",
		PublicKeys: []string{"a.json", "b.pem"}, Format: "json"}
	if got == nil || got.Source != want.Source || got.Since != want.Since || got.Until != want.Until ||
		got.Account != want.Account || got.Region != want.Region || got.Format != want.Format ||
		!slices.Equal(got.PublicKeys, want.PublicKeys) ||
		got.S3.Profile != "audit" || got.S3.EndpointURL != "http://127.0.0.1:9000" {
		t.Errorf("options\n got %+v\nwant %+v", got, want)
	}
}

func TestParseVerifyTime(t *testing.T) {
	now := time.Date(2024, 3, 6, 12, 0, 0, 0, time.UTC)
	f := func(v string, end bool, want time.Time) {
		t.Helper()
		got, err := parseVerifyTime("since", v, now, end)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if !got.Equal(want) {
			t.Errorf("%q (end %v) = %v, want %v", v, end, got, want)
		}
	}
	f("", false, time.Time{})
	f("2024-03-05", false, time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC))
	f("2024-03-05", true, time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC))
	f("2024-03-05T10:30:00Z", true, time.Date(2024, 3, 5, 10, 30, 0, 0, time.UTC))
	f("2024-03-05T10:30:00+02:00", false, time.Date(2024, 3, 5, 8, 30, 0, 0, time.UTC))
	f("36h", false, now.Add(-36*time.Hour))
	f("7d", false, now.AddDate(0, 0, -7))
	for _, bad := range []string{"yesterday", "-3d", "-1h", "2024-13-01", "d"} {
		if _, err := parseVerifyTime("since", bad, now, false); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// putVerifyFixture uploads the verify fixture below prefix of bucket as
// CloudTrail writes it: each digest's signature in its S3 metadata
// (x-amz-meta-signature), taken from the fixture's sidecar files, which are
// not uploaded.
func putVerifyFixture(t *testing.T, m *trailtest.MinIO, bucket, prefix string) {
	t.Helper()
	var objs []trailtest.Object
	err := filepath.WalkDir(verifyFixture, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".sig") || strings.HasSuffix(p, ".metadata.json") {
			return err
		}
		rel, _ := filepath.Rel(verifyFixture, p)
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		o := trailtest.Object{Key: prefix + filepath.ToSlash(rel), Body: body}
		if strings.Contains(o.Key, "/CloudTrail-Digest/") {
			o.Meta = map[string]string{"signature": fixtureSignature(t, p)}
		}
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m.PutObjects(t, bucket, objs)
}

// fixtureSignature reads the hex signature of the fixture digest at path
// from its .sig or .metadata.json sidecar.
func fixtureSignature(t *testing.T, path string) string {
	t.Helper()
	if b, err := os.ReadFile(path + ".sig"); err == nil {
		return strings.Trim(strings.TrimSpace(string(b)), `"`)
	}
	b, err := os.ReadFile(path + ".metadata.json")
	if err != nil {
		t.Fatalf("no signature sidecar for %s: %v", path, err)
	}
	var meta map[string]string
	if err := json.Unmarshal(b, &meta); err != nil || meta["signature"] == "" {
		t.Fatalf("no signature in %s.metadata.json: %v", path, err)
	}
	return meta["signature"]
}

// TestVerifyCommandS3 verifies the fixture trail in a real MinIO: valid,
// with a log file deleted, with one modified, and under a prefix.
func TestVerifyCommandS3(t *testing.T) {
	const bucket = "example-trail-bucket" // the digests' digestS3Bucket
	m := trailtest.StartMinIO(t)
	m.CreateBucket(t, bucket)
	for _, prefix := range []string{"", "ok/", "deleted/", "modified/"} {
		putVerifyFixture(t, m, bucket, prefix)
	}
	ctx := context.Background()
	// The first log file of the fixture, as fixtureFile picks it.
	logKey := strings.TrimPrefix(filepath.ToSlash(fixtureFile(t, verifyFixture, fixtureLogs, ".json.gz")), filepath.ToSlash(verifyFixture)+"/")
	if _, err := m.Client().DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("deleted/" + logKey)}); err != nil {
		t.Fatal(err)
	}
	m.Put(t, bucket, "modified/"+logKey, trailtest.Gzip(t, []byte(`{"Records":[]}`)), nil)

	env := map[string]string{"AWS_ACCESS_KEY_ID": m.AccessKey, "AWS_SECRET_ACCESS_KEY": m.SecretKey, "AWS_REGION": m.Region}
	verify := func(args ...string) (ExitCode, string, string) {
		t.Helper()
		io, _, out, errOut := iostreams.Test()
		f := &Factory{IO: io, Now: func() time.Time { return time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC) },
			Getenv: func(k string) string { return env[k] }}
		args = append([]string{"verify", "--public-keys", verifyKeys, "--endpoint-url", m.Endpoint}, args...)
		code := Run(ctx, f, args)
		return code, out.String(), errOut.String()
	}
	f := func(url string, extra []string, wantCode ExitCode, stdout, stderr []string) {
		t.Helper()
		code, out, errOut := verify(append([]string{url}, extra...)...)
		if code != wantCode {
			t.Errorf("%s %q: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", url, extra, code, wantCode, out, errOut)
		}
		for _, s := range stdout {
			if !strings.Contains(out, s) {
				t.Errorf("%s %q: stdout does not hold %q:\n%s", url, extra, s, out)
			}
		}
		for _, s := range stderr {
			if !strings.Contains(errOut, s) {
				t.Errorf("%s %q: stderr does not hold %q:\n%s", url, extra, s, errOut)
			}
		}
		if code == ExitOK && errOut != "" {
			t.Errorf("%s %q: stderr on success:\n%s", url, extra, errOut)
		}
	}
	ok := []string{"digests    3 valid, 0 invalid, 0 missing, 0 unsigned", "OK: 3 digests and 6 log files verified in 1 account-regions"}
	// The bucket root holds AWSLogs/ beside the copies: only it is read.
	f("s3://"+bucket, nil, ExitOK, ok, nil)
	f("s3://"+bucket+"/ok", nil, ExitOK, ok, nil)
	f("s3://"+bucket+"/ok/", []string{"--account", "111122223333", "--region", "us-east-1",
		"--since", "2024-03-05T11:00:00Z", "--until", "2024-03-05"}, ExitOK,
		[]string{"OK: 2 digests and 4 log files"}, nil)
	f("s3://"+bucket+"/ok", []string{"--account", "999999999999"}, ExitError, nil,
		[]string{"integrity: no digest or log files found"})
	f("s3://"+bucket+"/deleted", nil, ExitError,
		[]string{"1 deleted", "FAIL log-deleted", "deleted/" + logKey, "FAILED: 1 problems"},
		[]string{"cannot verify s3://" + bucket + "/deleted", "integrity: verification failed (1 problems)"})
	f("s3://"+bucket+"/modified", nil, ExitError,
		[]string{"1 modified", "FAIL log-modified", "modified/" + logKey, "integrity: log file hash mismatch"},
		[]string{"integrity: verification failed (1 problems)"})
	f("s3://no-such-trail-bucket", nil, ExitError, nil, []string{"s3://no-such-trail-bucket", "bucket does not exist"})

	// The endpoint from the environment, and the bucket checked against
	// the digests' digestS3Bucket.
	m.CreateBucket(t, "another-bucket")
	putVerifyFixture(t, m, "another-bucket", "")
	io, _, out, errOut := iostreams.Test()
	env["AWS_ENDPOINT_URL"] = m.Endpoint
	fac := &Factory{IO: io, Now: time.Now, Getenv: func(k string) string { return env[k] }}
	code := Run(ctx, fac, []string{"verify", "s3://another-bucket", "--public-keys", verifyKeys})
	if code != ExitError || !strings.Contains(out.String(), "its digestS3Bucket is example-trail-bucket, not another-bucket") {
		t.Errorf("copy in another bucket: exit code %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
