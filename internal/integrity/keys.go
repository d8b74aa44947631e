package integrity

import (
	"bytes"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PublicKey is a CloudTrail public key, by which digests name it.
type PublicKey struct {
	// Fingerprint is the hex MD5 of the key's DER PKCS #1 encoding, as
	// digests and `aws cloudtrail list-public-keys` give it.
	Fingerprint string
	Key         *rsa.PublicKey
	// ValidFrom and ValidUntil are the key's validity from
	// list-public-keys; zero when unknown. They are informative only.
	ValidFrom, ValidUntil time.Time
}

// Fingerprint returns the fingerprint CloudTrail gives key: the lower-case
// hex MD5 of its DER PKCS #1 (RSAPublicKey) encoding, whatever encoding the
// key was read from.
func Fingerprint(key *rsa.PublicKey) string {
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(key))
	return hex.EncodeToString(sum[:])
}

// NewPublicKey returns key with its fingerprint.
func NewPublicKey(key *rsa.PublicKey) PublicKey {
	return PublicKey{Fingerprint: Fingerprint(key), Key: key}
}

// KeySet holds public keys by fingerprint.
type KeySet struct {
	keys map[string]PublicKey
}

// NewKeySet returns a set of keys.
func NewKeySet(keys ...PublicKey) *KeySet {
	s := &KeySet{keys: make(map[string]PublicKey)}
	s.Add(keys...)
	return s
}

// Add adds keys to the set.
func (s *KeySet) Add(keys ...PublicKey) {
	for _, k := range keys {
		s.keys[strings.ToLower(k.Fingerprint)] = k
	}
}

// Lookup returns the key with the fingerprint.
func (s *KeySet) Lookup(fingerprint string) (PublicKey, bool) {
	if s == nil {
		return PublicKey{}, false
	}
	k, ok := s.keys[strings.ToLower(fingerprint)]
	return k, ok
}

// Len is the number of keys in the set.
func (s *KeySet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.keys)
}

// ParsePublicKeys reads RSA public keys from data, which is one of:
//   - the JSON that `aws cloudtrail list-public-keys` prints
//     ({"PublicKeyList": [{"Value": base64 DER, "Fingerprint": ...}]});
//     each given fingerprint must match the key;
//   - PEM: PUBLIC KEY (PKIX), RSA PUBLIC KEY (PKCS #1) or CERTIFICATE
//     blocks, any number;
//   - DER, PKIX or PKCS #1, raw or base64.
func ParsePublicKeys(data []byte) ([]PublicKey, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, errors.New("cannot parse public keys: empty")
	case trimmed[0] == '{':
		return parseKeyList(trimmed)
	case bytes.Contains(trimmed, []byte("-----BEGIN")):
		return parsePEMKeys(trimmed)
	}
	if der, err := base64.StdEncoding.DecodeString(string(trimmed)); err == nil {
		data = der
	}
	k, err := parseDERKey(data)
	if err != nil {
		return nil, fmt.Errorf("cannot parse public key: %w", err)
	}
	return []PublicKey{NewPublicKey(k)}, nil
}

func parseDERKey(der []byte) (*rsa.PublicKey, error) {
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, errors.New("not a DER PKCS #1 or PKIX public key")
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an RSA public key", pub)
	}
	return k, nil
}

func parsePEMKeys(data []byte) ([]PublicKey, error) {
	var keys []PublicKey
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		var k *rsa.PublicKey
		var err error
		switch block.Type {
		case "PUBLIC KEY", "RSA PUBLIC KEY":
			k, err = parseDERKey(block.Bytes)
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(block.Bytes); err == nil {
				var ok bool
				if k, ok = c.PublicKey.(*rsa.PublicKey); !ok {
					err = fmt.Errorf("a certificate for a %T, not an RSA key", c.PublicKey)
				}
			}
		default:
			err = fmt.Errorf("a %s block, not a public key", block.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot parse PEM block %d: %w", n, err)
		}
		keys = append(keys, NewPublicKey(k))
	}
	if len(keys) == 0 {
		return nil, errors.New("cannot parse public keys: no PEM block")
	}
	return keys, nil
}

func parseKeyList(data []byte) ([]PublicKey, error) {
	var doc struct {
		PublicKeyList []struct {
			Value             string
			Fingerprint       string
			ValidityStartTime json.RawMessage
			ValidityEndTime   json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("cannot parse public key list: %w", err)
	}
	if len(doc.PublicKeyList) == 0 {
		return nil, errors.New("cannot parse public key list: no PublicKeyList entries")
	}
	keys := make([]PublicKey, 0, len(doc.PublicKeyList))
	for i, e := range doc.PublicKeyList {
		der, err := base64.StdEncoding.DecodeString(e.Value)
		if err != nil {
			return nil, fmt.Errorf("cannot parse PublicKeyList[%d].Value: %w", i, err)
		}
		k, err := parseDERKey(der)
		if err != nil {
			return nil, fmt.Errorf("cannot parse PublicKeyList[%d].Value: %w", i, err)
		}
		pk := NewPublicKey(k)
		if e.Fingerprint != "" && !strings.EqualFold(e.Fingerprint, pk.Fingerprint) {
			return nil, fmt.Errorf("cannot parse PublicKeyList[%d]: Fingerprint %s does not match the key's %s", i, e.Fingerprint, pk.Fingerprint)
		}
		if pk.ValidFrom, err = parseKeyTime(e.ValidityStartTime); err != nil {
			return nil, fmt.Errorf("cannot parse PublicKeyList[%d].ValidityStartTime: %w", i, err)
		}
		if pk.ValidUntil, err = parseKeyTime(e.ValidityEndTime); err != nil {
			return nil, fmt.Errorf("cannot parse PublicKeyList[%d].ValidityEndTime: %w", i, err)
		}
		keys = append(keys, pk)
	}
	return keys, nil
}

// parseKeyTime reads a list-public-keys timestamp: epoch seconds (AWS CLI
// v1, the API) or an ISO 8601 string (AWS CLI v2).
func parseKeyTime(raw json.RawMessage) (time.Time, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	if s[0] == '"' {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return time.Time{}, err
		}
		return time.Parse(time.RFC3339, str)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, err
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
}
