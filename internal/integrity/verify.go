package integrity

import (
	"cmp"
	"compress/gzip"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// digestDelay is how long after a log file's time its digest may end: the
// digests of a time range are those ending up to this much after it.
const digestDelay = time.Hour

// pendingWindow is how long before the newest digest's end a log file may
// have been written and still be left to the next digest.
const pendingWindow = 30 * time.Minute

// Options say what Verify checks.
type Options struct {
	// Since and Until bound the time range, Since included, Until not; zero
	// leaves a side open. Log files are in range by the time in their names;
	// digests by the end time in their keys, up to an hour after Until so
	// that the digests of the range's last log files are read.
	Since, Until time.Time
	// Account and Region select one account and one region; empty selects
	// all.
	Account, Region string
	// Bucket, when set, is the bucket that digests must name in
	// digestS3Bucket; a local copy leaves it empty.
	Bucket string
	// Keys are the public keys that digests are checked with.
	Keys *KeySet
	// Concurrency bounds the objects read at once; 0 means 8.
	Concurrency int
}

// Validate reports every problem of the options together.
func (o Options) Validate() error {
	var errs []error
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until) {
		errs = append(errs, fmt.Errorf("since %s is not before until %s",
			o.Since.UTC().Format(time.RFC3339), o.Until.UTC().Format(time.RFC3339)))
	}
	if o.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("concurrency %d is negative", o.Concurrency))
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.Concurrency == 0 {
		o.Concurrency = 8
	}
	return o
}

// Verify checks the digests and log files of st in the range of opts (see
// the package documentation) and reports, per account and region, what is
// valid and what is not. Integrity problems are findings in the report; the
// error is for bad options, I/O trouble and cancellation.
func Verify(ctx context.Context, st Store, opts Options) (*Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("cannot verify: %w", err)
	}
	v := &verifier{
		st:      st,
		opts:    opts.withDefaults(),
		groups:  make(map[groupID]*Group),
		trails:  make(map[trailID][]*entry),
		byKey:   make(map[string]*entry),
		newest:  make(map[groupID]time.Time),
		covered: make(map[string]bool),
	}
	if err := v.list(ctx); err != nil {
		return nil, err
	}
	if err := v.loadDigests(ctx); err != nil {
		return nil, err
	}
	if err := v.checkChains(ctx); err != nil {
		return nil, err
	}
	v.checkDigests()
	if err := v.checkLogs(ctx); err != nil {
		return nil, err
	}
	v.checkUncovered()
	r := &Report{Since: opts.Since, Until: opts.Until}
	for _, g := range v.groups {
		r.Groups = append(r.Groups, g)
	}
	r.finish()
	return r, nil
}

type groupID struct{ org, account, region string }

type trailID struct {
	root, org, account, region, trail, home string
}

// entry is one listed digest file.
type entry struct {
	key     string
	dk      DigestKey
	gid     groupID
	inRange bool
	need    bool

	loaded  bool
	gone    bool   // listed, but not there when opened
	raw     []byte // uncompressed bytes
	d       *Digest
	err     error // why the file does not read or parse
	meta    map[string]string
	metaErr error
	succSig string // the signature the next digest records for this one
}

type verifier struct {
	st        Store
	opts      Options
	groups    map[groupID]*Group
	trails    map[trailID][]*entry
	backfills []*entry
	byKey     map[string]*entry
	newest    map[groupID]time.Time // newest digest end per group
	logs      []string
	covered   map[string]bool // log keys that a digest names
}

func (v *verifier) group(id groupID) *Group {
	g := v.groups[id]
	if g == nil {
		g = &Group{Org: id.org, Account: id.account, Region: id.region}
		v.groups[id] = g
	}
	return g
}

func (v *verifier) add(id groupID, f Finding) {
	g := v.group(id)
	g.Findings = append(g.Findings, f)
}

func groupOf(k cloudtrail.Key) groupID { return groupID{k.Org, k.Account, k.Region} }

// inRange reports whether time t is in [Since, Until); a zero t is.
func (v *verifier) inRange(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	return (v.opts.Since.IsZero() || !t.Before(v.opts.Since)) && (v.opts.Until.IsZero() || t.Before(v.opts.Until))
}

func (v *verifier) digestInRange(end time.Time) bool {
	return (v.opts.Since.IsZero() || !end.Before(v.opts.Since)) &&
		(v.opts.Until.IsZero() || end.Before(v.opts.Until.Add(digestDelay)))
}

// list sorts the source's objects into digest chains and log files.
func (v *verifier) list(ctx context.Context) error {
	err := v.st.List(ctx, "", func(key string) error {
		k := cloudtrail.ParseKey(key)
		if k.Account == "" || (v.opts.Account != "" && k.Account != v.opts.Account) ||
			(v.opts.Region != "" && k.Region != v.opts.Region) {
			return nil
		}
		switch k.Kind {
		case cloudtrail.KeyDigest:
			if !strings.HasSuffix(key, ".json.gz") {
				return nil
			}
			dk, err := ParseDigestKey(key)
			if err != nil {
				if v.dayInRange(k.Date) {
					v.group(groupOf(k)).Digests.Invalid++
					v.add(groupOf(k), Finding{Kind: KindDigestInvalid, Key: key,
						Detail: fmt.Sprintf("%v: not a digest file name", ErrMalformedDigest), Err: fmt.Errorf("%w: %w", ErrMalformedDigest, err)})
				}
				return nil
			}
			e := &entry{key: key, dk: dk, gid: groupOf(k)}
			v.byKey[key] = e
			if dk.End.After(v.newest[e.gid]) {
				v.newest[e.gid] = dk.End
			}
			if dk.Backfill {
				v.backfills = append(v.backfills, e)
				return nil
			}
			id := trailID{rootOf(key), k.Org, k.Account, k.Region, dk.Trail, dk.HomeRegion}
			v.trails[id] = append(v.trails[id], e)
		case cloudtrail.KeyLog:
			v.logs = append(v.logs, key)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cannot list the source: %w", err)
	}
	slices.Sort(v.logs)
	return nil
}

// dayInRange reports whether the folder day d can hold objects in range.
func (v *verifier) dayInRange(d time.Time) bool {
	if d.IsZero() {
		return true
	}
	return (v.opts.Since.IsZero() || d.Add(24*time.Hour).After(v.opts.Since)) &&
		(v.opts.Until.IsZero() || d.Before(v.opts.Until.Add(digestDelay)))
}

func (v *verifier) trailIDs() []trailID {
	return slices.SortedFunc(maps.Keys(v.trails), func(a, b trailID) int {
		return cmp.Or(cmp.Compare(a.root, b.root), cmp.Compare(a.org, b.org), cmp.Compare(a.account, b.account),
			cmp.Compare(a.region, b.region), cmp.Compare(a.trail, b.trail), cmp.Compare(a.home, b.home))
	})
}

// loadDigests reads the digests in range and their neighbours in each
// chain: the one before links the first digest in range, the one after
// records the signature of the last.
func (v *verifier) loadDigests(ctx context.Context) error {
	var need []*entry
	for _, id := range v.trailIDs() {
		es := v.trails[id]
		slices.SortFunc(es, func(a, b *entry) int {
			return cmp.Or(a.dk.End.Compare(b.dk.End), cmp.Compare(a.key, b.key))
		})
		for i, e := range es {
			if !v.digestInRange(e.dk.End) {
				continue
			}
			e.inRange = true
			for j := max(i-1, 0); j <= min(i+1, len(es)-1); j++ {
				es[j].need = true
			}
		}
		for _, e := range es {
			if e.need {
				need = append(need, e)
			}
		}
	}
	for _, e := range v.backfills {
		if v.digestInRange(e.dk.End) {
			e.inRange, e.need = true, true
			need = append(need, e)
		}
	}
	return parallel(ctx, v.opts.Concurrency, len(need), func(ctx context.Context, i int) error {
		return v.load(ctx, need[i])
	})
}

// load reads a digest file and its metadata.
func (v *verifier) load(ctx context.Context, e *entry) error {
	e.loaded = true
	rc, err := v.st.Open(ctx, e.key)
	if errors.Is(err, fs.ErrNotExist) {
		e.gone = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open digest %s: %w", e.key, err)
	}
	defer rc.Close()
	src := &sourceReader{r: rc}
	e.d, e.raw, e.err = ReadDigest(src)
	if src.err != nil {
		return fmt.Errorf("cannot read digest %s: %w", e.key, src.err)
	}
	e.meta, e.metaErr = v.st.Metadata(ctx, e.key)
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// sourceReader remembers the errors of the object itself, to tell I/O
// trouble from bad content in what reads through it.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// previous returns the digest that e names as its previous one: at the key
// it names, or else a copy of it moved elsewhere in the same chain.
func (v *verifier) previous(es []*entry, e *entry) (key string, p *entry) {
	key = rootOf(e.key) + canonicalKey(e.d.PreviousDigestS3Object)
	if p := v.byKey[key]; p != nil && !p.gone {
		return key, p
	}
	want := canonicalKey(e.d.PreviousDigestS3Object)
	for _, c := range es {
		if c.d != nil && c != e && canonicalKey(c.d.DigestS3Object) == want {
			return key, c
		}
	}
	return key, nil
}

// checkChains checks that each digest in range links to the one before it.
func (v *verifier) checkChains(ctx context.Context) error {
	for _, id := range v.trailIDs() {
		es := v.trails[id]
		// The signature each digest records for its predecessor.
		for _, e := range es {
			if e.d == nil || !e.d.HasPrevious() {
				continue
			}
			if _, p := v.previous(es, e); p != nil && p.succSig == "" {
				p.succSig = e.d.PreviousDigestSignature
			}
		}
		for i, e := range es {
			if !e.inRange || e.d == nil {
				continue
			}
			var before *entry
			if i > 0 {
				before = es[i-1]
			}
			if err := v.checkLink(ctx, es, before, e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (v *verifier) checkLink(ctx context.Context, es []*entry, before, e *entry) error {
	g := v.group(e.gid)
	if !e.d.HasPrevious() {
		if before != nil {
			g.Chain.Restarts++
			detail := fmt.Sprintf("the chain starts again after %s", before.key)
			if before.d != nil {
				detail += fmt.Sprintf(" (no digest from %s to %s: validation or logging was off)",
					stamp(before.d.EndTime), stamp(e.d.StartTime))
			}
			v.add(e.gid, Finding{Kind: KindChainRestart, Key: e.key, Detail: detail})
		}
		return nil
	}
	refKey, p := v.previous(es, e)
	if p == nil {
		g.Digests.Missing++
		v.add(e.gid, Finding{Kind: KindDigestMissing, Key: refKey, Digest: e.key,
			Detail: fmt.Sprintf("%v: %s names it as its previous digest", ErrDigestMissing, e.key),
			Err:    fmt.Errorf("cannot find digest %s: %w", refKey, ErrDigestMissing)})
		detail := "the previous digest " + refKey + " is missing"
		if before != nil && before.d != nil {
			detail = fmt.Sprintf("no digest links %s (ended %s) to this one (started %s)",
				before.key, stamp(before.d.EndTime), stamp(e.d.StartTime))
		}
		g.Chain.Gaps++
		v.add(e.gid, Finding{Kind: KindChainGap, Key: e.key, Detail: fmt.Sprintf("%v: %s", ErrChainBroken, detail),
			Err: fmt.Errorf("cannot link digest %s: %w", e.key, ErrChainBroken)})
		return nil
	}
	if !p.loaded {
		if err := v.load(ctx, p); err != nil {
			return err
		}
	}
	var reasons []string
	if p.raw != nil {
		if h := HashHex(p.raw); !strings.EqualFold(h, e.d.PreviousDigestHashValue) {
			reasons = append(reasons, fmt.Sprintf("previousDigestHashValue is %s, %s hashes to %s",
				e.d.PreviousDigestHashValue, p.key, h))
		}
	}
	if s := p.meta["signature"]; s != "" && !strings.EqualFold(s, e.d.PreviousDigestSignature) {
		reasons = append(reasons, "previousDigestSignature is not the signature of "+p.key)
	}
	if p.d != nil && !p.d.EndTime.Equal(e.d.StartTime) {
		reasons = append(reasons, fmt.Sprintf("digestStartTime %s is not the digestEndTime %s of %s",
			e.d.DigestStartTime, p.d.DigestEndTime, p.key))
	}
	if len(reasons) > 0 {
		g.Chain.Gaps++
		v.add(e.gid, Finding{Kind: KindChainGap, Key: e.key, Detail: fmt.Sprintf("%v: %s", ErrChainBroken, strings.Join(reasons, "; ")),
			Err: fmt.Errorf("cannot link digest %s: %w", e.key, ErrChainBroken)})
	}
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// checkDigests checks each digest in range: where it is, its algorithm, its
// signature.
func (v *verifier) checkDigests() {
	var es []*entry
	for _, e := range v.byKey {
		if e.inRange {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(a, b *entry) int { return cmp.Compare(a.key, b.key) })
	for _, e := range es {
		g := v.group(e.gid)
		if e.gone {
			g.Digests.Missing++
			v.add(e.gid, Finding{Kind: KindDigestMissing, Key: e.key, Detail: fmt.Sprintf("%v: listed but gone when read", ErrDigestMissing),
				Err: fmt.Errorf("cannot open digest %s: %w", e.key, ErrDigestMissing)})
			continue
		}
		err := e.err
		if err == nil {
			err = v.verifyDigest(e)
		}
		switch {
		case err == nil:
			g.Digests.Valid++
		case IsUnverifiable(err):
			g.Digests.Unsigned++
			v.add(e.gid, Finding{Kind: KindDigestUnsigned, Key: e.key, Detail: err.Error(),
				Err: fmt.Errorf("cannot verify digest %s: %w", e.key, err)})
		default:
			g.Digests.Invalid++
			v.add(e.gid, Finding{Kind: KindDigestInvalid, Key: e.key, Detail: err.Error(),
				Err: fmt.Errorf("cannot verify digest %s: %w", e.key, err)})
		}
	}
}

func (v *verifier) verifyDigest(e *entry) error {
	d := e.d
	if canonicalKey(d.DigestS3Object) != canonicalKey(e.key) {
		return fmt.Errorf("%w: its digestS3Object is %s", ErrDigestMoved, d.DigestS3Object)
	}
	if v.opts.Bucket != "" && d.DigestS3Bucket != v.opts.Bucket {
		return fmt.Errorf("%w: its digestS3Bucket is %s, not %s", ErrDigestMoved, d.DigestS3Bucket, v.opts.Bucket)
	}
	if d.DigestSignatureAlgorithm != SignatureAlgorithm {
		return fmt.Errorf("%w: digestSignatureAlgorithm %s", ErrUnsupportedAlgorithm, d.DigestSignatureAlgorithm)
	}
	if e.metaErr != nil {
		return e.metaErr
	}
	if a := e.meta["signature-algorithm"]; a != "" && a != SignatureAlgorithm {
		return fmt.Errorf("%w: signature-algorithm %s", ErrUnsupportedAlgorithm, a)
	}
	sig := e.meta["signature"]
	if sig == "" {
		sig = e.succSig
	}
	if sig == "" {
		return fmt.Errorf("%w: no signature metadata (%s sidecar) and no later digest records it", ErrNoSignature, SignatureSuffix)
	}
	pk, ok := v.opts.Keys.Lookup(d.DigestPublicKeyFingerprint)
	if !ok {
		return fmt.Errorf("%w %s", ErrUnknownKey, d.DigestPublicKeyFingerprint)
	}
	b, err := hex.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: the signature is not hex", ErrSignatureMismatch)
	}
	sum := sha256.Sum256([]byte(d.StringToSign(e.raw)))
	if err := rsa.VerifyPKCS1v15(pk.Key, crypto.SHA256, sum[:], b); err != nil {
		return fmt.Errorf("%w: not signed by the key %s", ErrSignatureMismatch, pk.Fingerprint)
	}
	return nil
}

type logState int

const (
	logValid logState = iota
	logModified
	logDeleted
)

type logCheck struct {
	key, want, algorithm, digest string
	gid                          groupID
	state                        logState
	detail                       string
}

// checkLogs checks every log file that a digest in range names.
func (v *verifier) checkLogs(ctx context.Context) error {
	var checks []*logCheck
	seen := make(map[string]bool)
	for _, e := range slices.SortedFunc(maps.Values(v.byKey), func(a, b *entry) int { return cmp.Compare(a.key, b.key) }) {
		if e.d == nil {
			continue
		}
		for _, lf := range e.d.LogFiles {
			key := rootOf(e.key) + canonicalKey(lf.S3Object)
			v.covered[key] = true
			if !e.inRange || seen[key+"\x00"+lf.HashValue] {
				continue
			}
			seen[key+"\x00"+lf.HashValue] = true
			gid := groupOf(cloudtrail.ParseKey(key))
			if gid.account == "" {
				gid = e.gid
			}
			checks = append(checks, &logCheck{key: key, want: lf.HashValue, algorithm: lf.HashAlgorithm, digest: e.key, gid: gid})
		}
	}
	err := parallel(ctx, v.opts.Concurrency, len(checks), func(ctx context.Context, i int) error {
		return v.checkLog(ctx, checks[i])
	})
	if err != nil {
		return err
	}
	for _, c := range checks {
		g := v.group(c.gid)
		switch c.state {
		case logValid:
			g.Logs.Valid++
		case logModified:
			g.Logs.Modified++
			v.add(c.gid, Finding{Kind: KindLogModified, Key: c.key, Digest: c.digest, Detail: fmt.Sprintf("%v: %s", ErrLogModified, c.detail),
				Err: fmt.Errorf("cannot verify log file %s: %w", c.key, ErrLogModified)})
		case logDeleted:
			g.Logs.Deleted++
			v.add(c.gid, Finding{Kind: KindLogDeleted, Key: c.key, Digest: c.digest,
				Detail: fmt.Sprintf("%v: %s names it", ErrLogDeleted, c.digest),
				Err:    fmt.Errorf("cannot open log file %s: %w", c.key, ErrLogDeleted)})
		}
	}
	return nil
}

func (v *verifier) checkLog(ctx context.Context, c *logCheck) error {
	if c.algorithm != "" && c.algorithm != HashAlgorithm {
		c.state, c.detail = logModified, fmt.Sprintf("hashAlgorithm %s in %s is not %s", c.algorithm, c.digest, HashAlgorithm)
		return nil
	}
	rc, err := v.st.Open(ctx, c.key)
	if errors.Is(err, fs.ErrNotExist) {
		c.state = logDeleted
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open log file %s: %w", c.key, err)
	}
	defer rc.Close()
	src := &sourceReader{r: rc}
	h := sha256.New()
	zr, err := gzip.NewReader(src)
	if err == nil {
		_, err = io.Copy(h, zr)
	}
	if src.err != nil {
		return fmt.Errorf("cannot read log file %s: %w", c.key, src.err)
	}
	if err != nil {
		c.state, c.detail = logModified, fmt.Sprintf("not gzip as delivered (%v); %s gives sha-256 %s", err, c.digest, c.want)
		return nil
	}
	got := hex.EncodeToString(h.Sum(nil))
	if !strings.EqualFold(got, c.want) {
		c.state, c.detail = logModified, fmt.Sprintf("sha-256 of the uncompressed file is %s, %s gives %s", got, c.digest, c.want)
	}
	return nil
}

// checkUncovered reports the log files in range that no digest names. An
// account and region without any digest file is reported once, with the
// number of its log files (KindNoDigests), not once per log file.
func (v *verifier) checkUncovered() {
	type undigested struct {
		folder string // the log files' folder, up to the region
		n      int
	}
	none := map[groupID]*undigested{}
	for _, key := range v.logs {
		if v.covered[key] {
			continue
		}
		k := cloudtrail.ParseKey(key)
		t := logTime(k)
		if !v.inRange(t) {
			continue
		}
		gid := groupOf(k)
		g := v.group(gid)
		if newest := v.newest[gid]; !newest.IsZero() && !t.IsZero() && t.After(newest.Add(-pendingWindow)) {
			g.Logs.Pending++
			continue
		}
		g.Logs.Uncovered++
		if v.newest[gid].IsZero() {
			u := none[gid]
			if u == nil {
				u = &undigested{folder: regionFolder(key, k.Region)}
				none[gid] = u
			}
			u.n++
			continue
		}
		v.add(gid, Finding{Kind: KindLogUncovered, Key: key, Detail: ErrLogUncovered.Error(),
			Err: fmt.Errorf("cannot verify log file %s: %w", key, ErrLogUncovered)})
	}
	for gid, u := range none {
		detail := fmt.Sprintf("%s for this account and region: %d log files cannot be verified (is log file validation on? see 'trailsql protect check')", ErrNoDigests, u.n)
		v.add(gid, Finding{Kind: KindNoDigests, Key: u.folder, Detail: detail,
			Err: fmt.Errorf("cannot verify %d log files under %s: %w", u.n, u.folder, ErrNoDigests)})
	}
}

// regionFolder returns the folder of a log file's key up to and including
// its region ("AWSLogs/.../CloudTrail/us-east-1/"), or the key when the
// region is not in it.
func regionFolder(key, region string) string {
	if i := strings.Index(key, "/"+region+"/"); i >= 0 {
		return key[:i+len(region)+2]
	}
	return key
}

// logTime returns the time in a log file's name
// (<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json.gz), or
// else its folder's day.
func logTime(k cloudtrail.Key) time.Time {
	parts := strings.Split(k.Name, "_")
	if len(parts) >= 5 {
		if t, err := time.Parse("20060102T1504Z", parts[3]); err == nil {
			return t
		}
	}
	return k.Date
}

// parallel runs fn for 0..n-1, at most limit at once, and returns the first
// error; every call has returned when it returns.
func parallel(ctx context.Context, limit, n int, fn func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := range n {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(ctx, i)
		})
	}
	return g.Wait()
}
