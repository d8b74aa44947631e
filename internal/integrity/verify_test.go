package integrity

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2024, 3, 5, 9, 36, 49, 0, time.UTC)

type verifyCase struct {
	name   string
	spec   trailSpec
	mutate func(t *testing.T, b *bucket, tr *builtTrail)
	want   Counts
	ok     bool
	// kinds are the finding kinds expected, at least one of each.
	kinds []Kind
	// is lists errors that some finding must wrap.
	is []error
	// findings, when not 0, is how many findings there must be.
	findings int
}

// verifyCases are the tampering cases, each in its own region so that one
// run can hold them all. Each trail has 4 hourly digests of 2 log files.
func verifyCases(trailKey, wrongKey *rsa.PrivateKey) []verifyCase {
	spec := func(region string) trailSpec {
		return trailSpec{account: "111122223333", region: region, trail: "management-events",
			start: t0, digests: 4, logsPer: 2, signer: trailKey}
	}
	logs := func(valid int) LogCounts { return LogCounts{Valid: valid} }
	return []verifyCase{
		{
			name: "valid chain",
			spec: spec("us-east-1"),
			want: Counts{Logs: logs(8), Digests: DigestCounts{Valid: 4}},
			ok:   true,
		},
		{
			name: "organization trail under a key prefix",
			spec: func() trailSpec {
				s := spec("us-east-1")
				s.org, s.account, s.s3Prefix, s.storeRoot = "o-a1b2c3d4e5", "222233334444", "trails/", "copy/"
				return s
			}(),
			want: Counts{Logs: logs(8), Digests: DigestCounts{Valid: 4}},
			ok:   true,
		},
		{
			name: "modified log",
			spec: spec("us-east-2"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.modifyLog(t, tr.digests[1].logs[0])
			},
			want:  Counts{Logs: LogCounts{Valid: 7, Modified: 1}, Digests: DigestCounts{Valid: 4}},
			kinds: []Kind{KindLogModified},
			is:    []error{ErrLogModified},
		},
		{
			name: "modified log and its digest rewritten to match",
			spec: spec("eu-south-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				d := tr.digests[1]
				old := sha(gunzip(t, b.fsys[d.logs[0]].Data))
				b.modifyLog(t, d.logs[0])
				raw := bytes.Replace(d.raw, []byte(old), []byte(sha(gunzip(t, b.fsys[d.logs[0]].Data))), 1)
				b.put(d.key, gz(t, raw))
			},
			want: Counts{Logs: logs(8), Digests: DigestCounts{Valid: 3, Invalid: 1},
				Chain: ChainCounts{Gaps: 1}},
			kinds: []Kind{KindDigestInvalid, KindChainGap},
			is:    []error{ErrSignatureMismatch, ErrChainBroken},
		},
		{
			name: "deleted log",
			spec: spec("us-west-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				delete(b.fsys, tr.digests[2].logs[1])
			},
			want:  Counts{Logs: LogCounts{Valid: 7, Deleted: 1}, Digests: DigestCounts{Valid: 4}},
			kinds: []Kind{KindLogDeleted},
			is:    []error{ErrLogDeleted},
		},
		{
			name: "deleted digest",
			spec: spec("us-west-2"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.deleteDigest(tr.digests[1])
			},
			want: Counts{Logs: LogCounts{Valid: 6, Uncovered: 2}, Digests: DigestCounts{Valid: 3, Missing: 1},
				Chain: ChainCounts{Gaps: 1}},
			kinds: []Kind{KindDigestMissing, KindChainGap, KindLogUncovered},
			is:    []error{ErrDigestMissing, ErrChainBroken},
		},
		{
			name: "two consecutive deleted digests",
			spec: spec("eu-west-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.deleteDigest(tr.digests[1])
				b.deleteDigest(tr.digests[2])
			},
			want: Counts{Logs: LogCounts{Valid: 4, Uncovered: 4}, Digests: DigestCounts{Valid: 2, Missing: 1},
				Chain: ChainCounts{Gaps: 1}},
			kinds: []Kind{KindDigestMissing, KindChainGap, KindLogUncovered},
			is:    []error{ErrDigestMissing, ErrChainBroken},
		},
		{
			name: "trail without digest files: said once, with the count",
			spec: spec("af-south-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				for _, d := range tr.digests {
					b.deleteDigest(d)
				}
			},
			want:     Counts{Logs: LogCounts{Uncovered: 8}},
			kinds:    []Kind{KindNoDigests},
			is:       []error{ErrNoDigests},
			findings: 1,
		},
		{
			name: "digest re-signed with the wrong key",
			spec: spec("eu-west-2"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				d := tr.digests[1]
				d.sig = sign(t, wrongKey, d.toSign)
				b.putSignature(d, 1)
			},
			want: Counts{Logs: logs(8), Digests: DigestCounts{Valid: 3, Invalid: 1},
				Chain: ChainCounts{Gaps: 1}},
			kinds: []Kind{KindDigestInvalid, KindChainGap},
			is:    []error{ErrSignatureMismatch, ErrChainBroken},
		},
		{
			name: "digest moved to another key",
			spec: spec("eu-central-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				d := tr.digests[2]
				b.moveDigest(d, dayLater(d.key, d.end))
			},
			want:  Counts{Logs: logs(8), Digests: DigestCounts{Valid: 3, Invalid: 1}},
			kinds: []Kind{KindDigestInvalid},
			is:    []error{ErrDigestMoved},
		},
		{
			name: "chain restarted after validation was re-enabled",
			spec: func() trailSpec {
				s := spec("ap-south-1")
				s.restartAt, s.restartGap = 2, 5*time.Hour
				return s
			}(),
			want:  Counts{Logs: logs(8), Digests: DigestCounts{Valid: 4}, Chain: ChainCounts{Restarts: 1}},
			ok:    true,
			kinds: []Kind{KindChainRestart},
		},
		{
			name: "digest without its own signature, checked with its successor's record",
			spec: spec("ap-northeast-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.removeSignature(tr.digests[1])
			},
			want: Counts{Logs: logs(8), Digests: DigestCounts{Valid: 4}},
			ok:   true,
		},
		{
			name: "newest digest unsigned",
			spec: spec("ap-northeast-2"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.removeSignature(tr.digests[3])
			},
			want:  Counts{Logs: logs(8), Digests: DigestCounts{Valid: 3, Unsigned: 1}},
			kinds: []Kind{KindDigestUnsigned},
			is:    []error{ErrNoSignature},
		},
		{
			name: "digests signed with an unknown key",
			spec: func() trailSpec {
				s := spec("me-south-1")
				s.signer = wrongKey
				return s
			}(),
			want:  Counts{Logs: logs(8), Digests: DigestCounts{Unsigned: 4}},
			kinds: []Kind{KindDigestUnsigned},
			is:    []error{ErrUnknownKey},
		},
		{
			name: "malformed digest",
			spec: spec("eu-north-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.put(tr.digests[2].key, []byte("not gzip at all"))
			},
			want:  Counts{Logs: LogCounts{Valid: 6, Uncovered: 2}, Digests: DigestCounts{Valid: 3, Invalid: 1}},
			kinds: []Kind{KindDigestInvalid, KindLogUncovered},
			is:    []error{ErrMalformedDigest},
		},
		{
			name: "log file that no digest names",
			spec: spec("sa-east-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.injectLog(t, tr.spec, tr.digests[1].start.Add(20*time.Minute))
			},
			want:  Counts{Logs: LogCounts{Valid: 8, Uncovered: 1}, Digests: DigestCounts{Valid: 4}},
			kinds: []Kind{KindLogUncovered},
			is:    []error{ErrLogUncovered},
		},
		{
			name: "backfill digest outside the chain",
			spec: spec("ap-southeast-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.addBackfill(t, tr, 1)
			},
			want: Counts{Logs: logs(9), Digests: DigestCounts{Valid: 5}},
			ok:   true,
		},
		{
			name: "log file newer than the newest digest",
			spec: spec("ca-central-1"),
			mutate: func(t *testing.T, b *bucket, tr *builtTrail) {
				b.injectLog(t, tr.spec, tr.digests[3].end.Add(3*time.Minute))
			},
			want: Counts{Logs: LogCounts{Valid: 8, Pending: 1}, Digests: DigestCounts{Valid: 4}},
			ok:   true,
		},
	}
}

func testKeySet(t *testing.T) (*KeySet, *rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	trailKey, wrongKey := readPrivateKey(t, "trail-key.pem"), readPrivateKey(t, "wrong-key.pem")
	return NewKeySet(NewPublicKey(&trailKey.PublicKey)), trailKey, wrongKey
}

func TestVerifyCases(t *testing.T) {
	keys, trailKey, wrongKey := testKeySet(t)
	for _, c := range verifyCases(trailKey, wrongKey) {
		t.Run(c.name, func(t *testing.T) {
			b := newBucket()
			tr := b.addTrail(t, c.spec)
			if c.mutate != nil {
				c.mutate(t, b, tr)
			}
			r, err := Verify(context.Background(), NewFSStore(b.fsys), Options{Keys: keys})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Groups) != 1 {
				t.Fatalf("got %d groups, want 1", len(r.Groups))
			}
			g := r.Groups[0]
			if g.Counts != c.want {
				t.Errorf("counts\n got %+v\nwant %+v", g.Counts, c.want)
			}
			if r.OK != c.ok {
				t.Errorf("OK = %v, want %v", r.OK, c.ok)
			}
			checkFindings(t, g, c.kinds, c.is)
			if c.findings != 0 && len(g.Findings) != c.findings {
				t.Errorf("%d findings, want %d", len(g.Findings), c.findings)
			}
			if t.Failed() {
				var buf bytes.Buffer
				r.WriteText(&buf)
				t.Log("\n" + buf.String())
			}
		})
	}
}

func checkFindings(t *testing.T, g *Group, kinds []Kind, is []error) {
	t.Helper()
	have := map[Kind]bool{}
	for _, f := range g.Findings {
		have[f.Kind] = true
		if f.Key == "" || f.Detail == "" {
			t.Errorf("finding without key or detail: %+v", f)
		}
		switch {
		case !f.Kind.Fails():
		case f.Err == nil:
			t.Errorf("failing finding without error: %+v", f)
		case f.Kind == KindDigestUnsigned, f.Kind == KindNoDigests:
			if !IsUnverifiable(f.Err) || IsTampered(f.Err) {
				t.Errorf("%s not unverifiable: %v", f.Kind, f.Err)
			}
		default:
			if !IsTampered(f.Err) || IsUnverifiable(f.Err) {
				t.Errorf("%s not tampered: %v", f.Kind, f.Err)
			}
		}
	}
	for _, k := range kinds {
		if !have[k] {
			t.Errorf("no %s finding", k)
		}
	}
	if len(kinds) == 0 && len(g.Findings) > 0 {
		t.Errorf("unexpected findings: %+v", g.Findings)
	}
	for _, want := range is {
		found := false
		for _, f := range g.Findings {
			found = found || errors.Is(f.Err, want)
		}
		if !found {
			t.Errorf("no finding wraps %v", want)
		}
	}
}

// TestVerifyGolden runs every case in one bucket and compares the text
// report with testdata/report.golden (go test -update rewrites it).
func TestVerifyGolden(t *testing.T) {
	keys, trailKey, wrongKey := testKeySet(t)
	cases := verifyCases(trailKey, wrongKey)
	b := newBucket()
	for _, c := range cases {
		tr := b.addTrail(t, c.spec)
		if c.mutate != nil {
			c.mutate(t, b, tr)
		}
	}
	r, err := Verify(context.Background(), NewFSStore(b.fsys), Options{Keys: keys, Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		found := false
		for _, g := range r.Groups {
			if g.Region == c.spec.region && g.Account == c.spec.account {
				found = true
				if g.Counts != c.want {
					t.Errorf("%s: counts\n got %+v\nwant %+v", c.name, g.Counts, c.want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no group", c.name)
		}
	}
	if r.OK {
		t.Error("the multi-case run is OK")
	}
	var got bytes.Buffer
	if err := r.WriteText(&got); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden", got.Bytes())

	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("report JSON does not read back: %v", err)
	}
	if back.Problems != r.Problems || len(back.Groups) != len(r.Groups) || back.OK {
		t.Errorf("report JSON reads back as %d problems, %d groups", back.Problems, len(back.Groups))
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestVerifyRange(t *testing.T) {
	keys, trailKey, _ := testKeySet(t)
	b := newBucket()
	tr := b.addTrail(t, trailSpec{account: "111122223333", region: "us-east-1", trail: "t",
		start: t0, digests: 4, logsPer: 2, signer: trailKey})
	b.addTrail(t, trailSpec{account: "999988887777", region: "us-east-1", trail: "t",
		start: t0, digests: 2, logsPer: 1, signer: trailKey})
	d := tr.digests

	f := func(opts Options, want Counts, groups int) {
		t.Helper()
		opts.Keys = keys
		r, err := Verify(context.Background(), NewFSStore(b.fsys), opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Groups) != groups {
			t.Fatalf("got %d groups, want %d", len(r.Groups), groups)
		}
		if !r.OK {
			t.Errorf("not OK: %+v", r.Groups[0].Findings)
		}
		if got := r.Groups[0].Counts; got != want {
			t.Errorf("counts\n got %+v\nwant %+v", got, want)
		}
	}
	f(Options{Account: "111122223333"}, Counts{Logs: LogCounts{Valid: 8}, Digests: DigestCounts{Valid: 4}}, 1)
	f(Options{Account: "111122223333", Since: d[2].start.Add(time.Minute)},
		Counts{Logs: LogCounts{Valid: 4}, Digests: DigestCounts{Valid: 2}}, 1)
	f(Options{Account: "111122223333", Until: d[1].start.Add(30 * time.Minute)},
		Counts{Logs: LogCounts{Valid: 4}, Digests: DigestCounts{Valid: 2}}, 1)
	f(Options{Region: "us-east-1"}, Counts{Logs: LogCounts{Valid: 8}, Digests: DigestCounts{Valid: 4}}, 2)

	// A digest deleted just before the range is caught from the first
	// digest in range.
	b.deleteDigest(d[1])
	r, err := Verify(context.Background(), NewFSStore(b.fsys),
		Options{Keys: keys, Account: "111122223333", Since: d[2].start.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if g := r.Groups[0]; g.Digests.Missing != 1 || r.OK {
		t.Errorf("missing = %d, OK = %v; want 1, false", g.Digests.Missing, r.OK)
	}
}

func TestVerifyOptions(t *testing.T) {
	_, err := Verify(context.Background(), NewFSStore(newBucket().fsys),
		Options{Since: t0, Until: t0.Add(-time.Hour), Concurrency: -1})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"is not before until", "concurrency -1"} {
		if !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	r, err := Verify(context.Background(), NewFSStore(newBucket().fsys), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK || len(r.Groups) != 0 {
		t.Errorf("empty source: OK %v, %d groups", r.OK, len(r.Groups))
	}
}

func TestVerifyCancelled(t *testing.T) {
	keys, trailKey, _ := testKeySet(t)
	b := newBucket()
	b.addTrail(t, trailSpec{account: "111122223333", region: "us-east-1", trail: "t",
		start: t0, digests: 2, logsPer: 2, signer: trailKey})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Verify(ctx, NewFSStore(b.fsys), Options{Keys: keys}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
