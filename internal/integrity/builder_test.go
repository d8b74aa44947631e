package integrity

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files and fixtures under testdata")

// This file builds trail buckets as CloudTrail delivers them: gzip log
// files, gzip digest files signed as AWS documents, signatures in sidecar
// files. It does not use the code under test to sign.

// readPrivateKey reads a checked-in test key (testdata/keys, test use only).
func readPrivateKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM block", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return k.(*rsa.PrivateKey)
}

// md5Fingerprint computes a key's fingerprint the way AWS documents it,
// independently of Fingerprint.
func md5Fingerprint(k *rsa.PublicKey) string {
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(k))
	return hex.EncodeToString(sum[:])
}

type trailSpec struct {
	org, account, region, trail string
	bucket                      string
	s3Prefix                    string // the trail's S3 key prefix, as digests name objects
	storeRoot                   string // where the copy of AWSLogs sits in the store
	start                       time.Time
	digests, logsPer            int
	restartAt                   int           // index of the digest that starts a new chain; 0 for none
	restartGap                  time.Duration // time without digests before it
	signer                      *rsa.PrivateKey
}

type builtDigest struct {
	key      string // store key
	object   string // digestS3Object
	raw      []byte
	toSign   string
	sig      string
	start    time.Time
	end      time.Time
	logs     []string // store keys
	sidecars []string
}

type builtTrail struct {
	spec    trailSpec
	digests []*builtDigest
}

type bucket struct {
	fsys fstest.MapFS
}

func newBucket() *bucket { return &bucket{fsys: fstest.MapFS{}} }

func (b *bucket) put(key string, data []byte) {
	b.fsys[key] = &fstest.MapFile{Data: data, Mode: 0o644}
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func str(s string) *string { return &s }

// wireDigest is a digest file as CloudTrail writes it, nulls included.
type wireDigest struct {
	AWSAccountID                string    `json:"awsAccountId"`
	DigestStartTime             string    `json:"digestStartTime"`
	DigestEndTime               string    `json:"digestEndTime"`
	DigestS3Bucket              string    `json:"digestS3Bucket"`
	DigestS3Object              string    `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string    `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string    `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string   `json:"newestEventTime"`
	OldestEventTime             *string   `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string   `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string   `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string   `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string   `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string   `json:"previousDigestSignature"`
	LogFiles                    []wireLog `json:"logFiles"`
}

type wireLog struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

func (s trailSpec) awsLogs() string {
	p := "AWSLogs/"
	if s.org != "" {
		p += s.org + "/"
	}
	return p + s.account + "/"
}

func logRecords(s trailSpec, at time.Time, n int) []byte {
	return fmt.Appendf(nil, `{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"},`+
		`"eventTime":%q,"eventSource":"s3.amazonaws.com","eventName":"GetBucketAcl","awsRegion":%q,`+
		`"sourceIPAddress":"cloudtrail.amazonaws.com","userAgent":"cloudtrail.amazonaws.com",`+
		`"requestParameters":{"bucketName":%q,"Host":"s3.amazonaws.com","acl":""},"responseElements":null,`+
		`"eventID":"%08x-0000-4000-8000-%012x","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,`+
		`"recipientAccountId":%q,"eventCategory":"Management"}]}`,
		at.Format(time.RFC3339), s.region, s.bucket, n, n, s.account)
}

// addTrail writes a trail's log files and its chain of signed digests.
func (b *bucket) addTrail(t testing.TB, s trailSpec) *builtTrail {
	t.Helper()
	if s.bucket == "" {
		s.bucket = "trail-bucket"
	}
	tr := &builtTrail{spec: s}
	fp := md5Fingerprint(&s.signer.PublicKey)
	start := s.start
	var prev *builtDigest
	for i := range s.digests {
		if s.restartAt > 0 && i == s.restartAt {
			start = start.Add(s.restartGap)
			prev = nil
		}
		end := start.Add(time.Hour)
		d := &builtDigest{start: start, end: end}
		w := wireDigest{
			AWSAccountID:               s.account,
			DigestStartTime:            start.Format(time.RFC3339),
			DigestEndTime:              end.Format(time.RFC3339),
			DigestS3Bucket:             s.bucket,
			DigestPublicKeyFingerprint: fp,
			DigestSignatureAlgorithm:   "SHA256withRSA",
			LogFiles:                   []wireLog{},
		}
		rel := s.awsLogs() + "CloudTrail-Digest/" + s.region + "/" + end.Format("2006/01/02") + "/" +
			s.account + "_CloudTrail-Digest_" + s.region + "_" + s.trail + "_" + s.region + "_" + end.Format("20060102T150405Z") + ".json.gz"
		d.key, d.object = s.storeRoot+rel, s.s3Prefix+rel
		w.DigestS3Object = d.object
		for j := range s.logsPer {
			at := start.Add(5*time.Minute + time.Duration(j)*10*time.Minute).Truncate(time.Minute)
			n := i*100 + j
			unique := sha(fmt.Appendf(nil, "%s/%s/%d", s.region, s.trail, n))[:16]
			lrel := s.awsLogs() + "CloudTrail/" + s.region + "/" + at.Format("2006/01/02") + "/" +
				s.account + "_CloudTrail_" + s.region + "_" + at.Format("20060102T1504Z") + "_" + unique + ".json.gz"
			body := logRecords(s, at, n)
			b.put(s.storeRoot+lrel, gz(t, body))
			d.logs = append(d.logs, s.storeRoot+lrel)
			w.LogFiles = append(w.LogFiles, wireLog{S3Bucket: s.bucket, S3Object: s.s3Prefix + lrel,
				HashValue: sha(body), HashAlgorithm: "SHA-256",
				NewestEventTime: at.Format(time.RFC3339), OldestEventTime: at.Format(time.RFC3339)})
			if j == 0 {
				w.OldestEventTime = str(at.Format(time.RFC3339))
			}
			w.NewestEventTime = str(at.Format(time.RFC3339))
		}
		prevSig := "null"
		if prev != nil {
			w.PreviousDigestS3Bucket = str(s.bucket)
			w.PreviousDigestS3Object = str(prev.object)
			w.PreviousDigestHashValue = str(sha(prev.raw))
			w.PreviousDigestHashAlgorithm = str("SHA-256")
			w.PreviousDigestSignature = str(prev.sig)
			prevSig = prev.sig
		}
		raw, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		d.raw = raw
		d.toSign = w.DigestEndTime + "\n" + s.bucket + "/" + d.object + "\n" + sha(raw) + "\n" + prevSig
		d.sig = sign(t, s.signer, d.toSign)
		b.put(d.key, gz(t, raw))
		b.putSignature(d, i)
		tr.digests = append(tr.digests, d)
		prev = d
		start = end
	}
	return tr
}

func sign(t testing.TB, k *rsa.PrivateKey, toSign string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(toSign))
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(sig)
}

// putSignature writes a digest's signature as a sidecar: .sig holding the
// quoted hex that head-object --query prints by default for even digests,
// .metadata.json holding the Metadata map for odd ones.
func (b *bucket) putSignature(d *builtDigest, i int) {
	for _, s := range d.sidecars {
		delete(b.fsys, s)
	}
	if i%2 == 0 {
		d.sidecars = []string{d.key + ".sig"}
		b.put(d.key+".sig", fmt.Appendf(nil, "%q\n", d.sig))
		return
	}
	d.sidecars = []string{d.key + ".metadata.json"}
	b.put(d.key+".metadata.json", fmt.Appendf(nil, "{\n    \"signature-algorithm\": \"SHA256withRSA\",\n    \"signature\": %q\n}\n", d.sig))
}

func gunzip(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (b *bucket) modifyLog(t testing.TB, key string) {
	t.Helper()
	body := bytes.Replace(gunzip(t, b.fsys[key].Data), []byte("GetBucketAcl"), []byte("DeleteTrail"), 1)
	b.put(key, gz(t, body))
}

func (b *bucket) deleteDigest(d *builtDigest) {
	delete(b.fsys, d.key)
	for _, s := range d.sidecars {
		delete(b.fsys, s)
	}
}

func (b *bucket) removeSignature(d *builtDigest) {
	for _, s := range d.sidecars {
		delete(b.fsys, s)
	}
	d.sidecars = nil
}

func (b *bucket) moveDigest(d *builtDigest, to string) {
	b.fsys[to] = b.fsys[d.key]
	delete(b.fsys, d.key)
	for _, s := range d.sidecars {
		b.fsys[to+strings.TrimPrefix(s, d.key)] = b.fsys[s]
		delete(b.fsys, s)
	}
}

// injectLog writes a log file that no digest names.
func (b *bucket) injectLog(t testing.TB, s trailSpec, at time.Time) string {
	t.Helper()
	key := s.storeRoot + s.awsLogs() + "CloudTrail/" + s.region + "/" + at.Format("2006/01/02") + "/" +
		s.account + "_CloudTrail_" + s.region + "_" + at.Format("20060102T1504Z") + "_INJECTEDINJECTED.json.gz"
	b.put(key, gz(t, logRecords(s, at, 9999)))
	return key
}

// addBackfill writes a signed backfill digest that names one more log
// file, delivered late for the hour of digest i.
func (b *bucket) addBackfill(t testing.TB, tr *builtTrail, i int) {
	t.Helper()
	s, d := tr.spec, tr.digests[i]
	at := d.start.Add(50 * time.Minute)
	logKey := b.injectLog(t, s, at)
	body := logRecords(s, at, 9999)
	end := d.end.Add(2 * time.Hour)
	rel := s.awsLogs() + "CloudTrail-Digest/" + s.region + "/" + end.Format("2006/01/02") + "/" +
		s.account + "_CloudTrail-Digest_" + s.region + "_" + s.trail + "_" + s.region + "_" + end.Format("20060102T150405Z") + "_backfill.json.gz"
	w := wireDigest{
		AWSAccountID: s.account, DigestStartTime: d.start.Format(time.RFC3339), DigestEndTime: end.Format(time.RFC3339),
		DigestS3Bucket: s.bucket, DigestS3Object: s.s3Prefix + rel, DigestPublicKeyFingerprint: md5Fingerprint(&s.signer.PublicKey),
		DigestSignatureAlgorithm: "SHA256withRSA",
		LogFiles: []wireLog{{S3Bucket: s.bucket, S3Object: s.s3Prefix + strings.TrimPrefix(logKey, s.storeRoot),
			HashValue: sha(body), HashAlgorithm: "SHA-256"}},
	}
	raw, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	toSign := w.DigestEndTime + "\n" + s.bucket + "/" + w.DigestS3Object + "\n" + sha(raw) + "\nnull"
	key := s.storeRoot + rel
	b.put(key, gz(t, raw))
	b.put(key+".sig", []byte(sign(t, s.signer, toSign)))
}

// writeDir writes the bucket under dir (for fixtures).
func (b *bucket) writeDir(t testing.TB, dir string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for key, f := range b.fsys {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// dayLater is key with its folder day moved one day on.
func dayLater(key string, end time.Time) string {
	dir, name := path.Split(key)
	old := end.Format("2006/01/02") + "/"
	return strings.TrimSuffix(dir, old) + end.AddDate(0, 0, 1).Format("2006/01/02") + "/" + name
}
