package integrity

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// SignatureAlgorithm is the only digest signature algorithm CloudTrail uses.
const SignatureAlgorithm = "SHA256withRSA"

// HashAlgorithm is the only hash algorithm CloudTrail digests use.
const HashAlgorithm = "SHA-256"

// maxDigestSize bounds an uncompressed digest file (an hour of log file
// names is far below it), so that a gzip bomb cannot exhaust memory.
const maxDigestSize = 64 << 20

// Digest is a CloudTrail digest file. The previous-digest fields are empty
// when the file has them null: in the first digest of a chain.
type Digest struct {
	AWSAccountID                string    `json:"awsAccountId"`
	DigestStartTime             string    `json:"digestStartTime"`
	DigestEndTime               string    `json:"digestEndTime"`
	DigestS3Bucket              string    `json:"digestS3Bucket"`
	DigestS3Object              string    `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string    `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string    `json:"digestSignatureAlgorithm"`
	NewestEventTime             string    `json:"newestEventTime,omitempty"`
	OldestEventTime             string    `json:"oldestEventTime,omitempty"`
	PreviousDigestS3Bucket      string    `json:"previousDigestS3Bucket,omitempty"`
	PreviousDigestS3Object      string    `json:"previousDigestS3Object,omitempty"`
	PreviousDigestHashValue     string    `json:"previousDigestHashValue,omitempty"`
	PreviousDigestHashAlgorithm string    `json:"previousDigestHashAlgorithm,omitempty"`
	PreviousDigestSignature     string    `json:"previousDigestSignature,omitempty"`
	LogFiles                    []LogFile `json:"logFiles"`

	// StartTime and EndTime are DigestStartTime and DigestEndTime parsed.
	StartTime time.Time `json:"-"`
	EndTime   time.Time `json:"-"`
}

// LogFile is one log file that a digest names.
type LogFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime,omitempty"`
	OldestEventTime string `json:"oldestEventTime,omitempty"`
}

// HasPrevious reports whether the digest names a previous digest; the first
// digest of a chain does not.
func (d *Digest) HasPrevious() bool {
	return d.PreviousDigestS3Object != "" || d.PreviousDigestSignature != ""
}

// StringToSign returns the string that CloudTrail signs for the digest whose
// uncompressed bytes are raw: digestEndTime, "bucket/object", the hex
// SHA-256 of raw and previousDigestSignature ("null" when absent), joined
// by newlines.
func (d *Digest) StringToSign(raw []byte) string {
	prev := d.PreviousDigestSignature
	if prev == "" {
		prev = "null"
	}
	return d.DigestEndTime + "\n" +
		d.DigestS3Bucket + "/" + d.DigestS3Object + "\n" +
		HashHex(raw) + "\n" +
		prev
}

// HashHex returns the lower-case hex SHA-256 of b.
func HashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ParseDigest parses the uncompressed JSON of a digest file and checks that
// it has the fields verification needs. Errors wrap ErrMalformedDigest and
// give the byte offset of JSON errors.
func ParseDigest(data []byte) (*Digest, error) {
	var d Digest
	if err := json.Unmarshal(data, &d); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%w: at offset %d: %w", ErrMalformedDigest, se.Offset, err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%w: at offset %d: %w", ErrMalformedDigest, te.Offset, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformedDigest, err)
	}
	required := []struct{ name, value string }{
		{"awsAccountId", d.AWSAccountID},
		{"digestStartTime", d.DigestStartTime},
		{"digestEndTime", d.DigestEndTime},
		{"digestS3Bucket", d.DigestS3Bucket},
		{"digestS3Object", d.DigestS3Object},
		{"digestPublicKeyFingerprint", d.DigestPublicKeyFingerprint},
		{"digestSignatureAlgorithm", d.DigestSignatureAlgorithm},
	}
	for _, r := range required {
		if r.value == "" {
			return nil, fmt.Errorf("%w: missing %s", ErrMalformedDigest, r.name)
		}
	}
	var err error
	if d.StartTime, err = time.Parse(time.RFC3339, d.DigestStartTime); err != nil {
		return nil, fmt.Errorf("%w: digestStartTime %q is not a time", ErrMalformedDigest, d.DigestStartTime)
	}
	if d.EndTime, err = time.Parse(time.RFC3339, d.DigestEndTime); err != nil {
		return nil, fmt.Errorf("%w: digestEndTime %q is not a time", ErrMalformedDigest, d.DigestEndTime)
	}
	d.StartTime, d.EndTime = d.StartTime.UTC(), d.EndTime.UTC()
	for i, lf := range d.LogFiles {
		if lf.S3Object == "" || lf.HashValue == "" {
			return nil, fmt.Errorf("%w: logFiles[%d] has no s3Object or hashValue", ErrMalformedDigest, i)
		}
	}
	return &d, nil
}

// ReadDigest reads a gzip digest file: it returns the digest and its
// uncompressed bytes, which its hash and signature cover. raw is returned
// whenever the file decompresses, even if it does not parse.
func ReadDigest(r io.Reader) (d *Digest, raw []byte, err error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: not gzip: %w", ErrMalformedDigest, err)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(zr, maxDigestSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: cannot decompress: %w", ErrMalformedDigest, err)
	}
	if n > maxDigestSize {
		return nil, nil, fmt.Errorf("%w: larger than %d bytes uncompressed", ErrMalformedDigest, maxDigestSize)
	}
	raw = buf.Bytes()
	d, err = ParseDigest(raw)
	return d, raw, err
}

// DigestKey is what a digest file's key says:
// AWSLogs/[o-org/]<account>/CloudTrail-Digest/<region>/<yyyy>/<mm>/<dd>/
// <account>_CloudTrail-Digest_<region>_<trail>_<home region>_<yyyymmddThhmmssZ>[_backfill].json.gz.
type DigestKey struct {
	cloudtrail.Key
	// Trail is the trail name; HomeRegion the trail's home region.
	Trail      string
	HomeRegion string
	// End is the digest's end time, from the file name.
	End time.Time
	// Backfill marks a backfill digest, which is outside the chain.
	Backfill bool
}

// ParseDigestKey reads a digest file's key.
func ParseDigestKey(key string) (DigestKey, error) {
	dk := DigestKey{Key: cloudtrail.ParseKey(key)}
	if dk.Kind != cloudtrail.KeyDigest || dk.Account == "" || dk.Region == "" {
		return dk, fmt.Errorf("cannot parse digest key %s: not under AWSLogs/<account>/CloudTrail-Digest/<region>/", key)
	}
	name, ok := strings.CutSuffix(dk.Name, ".json.gz")
	if !ok {
		return dk, fmt.Errorf("cannot parse digest key %s: the name does not end in .json.gz", key)
	}
	name, dk.Backfill = strings.CutSuffix(name, "_backfill")
	head := dk.Account + "_CloudTrail-Digest_" + dk.Region + "_"
	rest, ok := strings.CutPrefix(name, head)
	if !ok {
		return dk, fmt.Errorf("cannot parse digest key %s: the name does not start with %s", key, head)
	}
	i := strings.LastIndexByte(rest, '_')
	if i < 0 {
		return dk, fmt.Errorf("cannot parse digest key %s: no end time in the name", key)
	}
	end, err := time.Parse("20060102T150405Z", rest[i+1:])
	if err != nil {
		return dk, fmt.Errorf("cannot parse digest key %s: bad end time %q", key, rest[i+1:])
	}
	dk.End = end
	rest = rest[:i]
	i = strings.LastIndexByte(rest, '_')
	if i <= 0 || i == len(rest)-1 {
		return dk, fmt.Errorf("cannot parse digest key %s: no trail name and home region in the name", key)
	}
	dk.Trail, dk.HomeRegion = rest[:i], rest[i+1:]
	return dk, nil
}

// canonicalKey returns the part of a key from its last AWSLogs folder on,
// which is the same in the bucket and in any copy of it; keys outside the
// layout are returned whole.
func canonicalKey(key string) string {
	key = strings.ReplaceAll(key, "\\", "/")
	if i := strings.LastIndex("/"+key, "/AWSLogs/"); i >= 0 {
		return key[i:]
	}
	return key
}

// rootOf returns the part of a store key before its canonical key: where
// the copy of the AWSLogs folder sits in the store.
func rootOf(key string) string {
	key = strings.ReplaceAll(key, "\\", "/")
	return key[:len(key)-len(canonicalKey(key))]
}
