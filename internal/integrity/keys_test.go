package integrity

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

// The example of the AWS CLI documentation of list-public-keys: the
// fingerprint it prints is the MD5 of the DER PKCS #1 key.
const awsDocKeyList = `{
    "PublicKeyList": [
        {
           "ValidityStartTime": 1453076702.0,
           "ValidityEndTime": 1455668702.0,
           "Value": "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB",
           "Fingerprint": "7f3f401420072e50a65a141430817ab3"
       }
    ]
}`

func TestParsePublicKeysAWSList(t *testing.T) {
	keys, err := ParsePublicKeys([]byte(awsDocKeyList))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 {
		t.Fatalf("%d keys", len(keys))
	}
	k := keys[0]
	if k.Fingerprint != "7f3f401420072e50a65a141430817ab3" || Fingerprint(k.Key) != k.Fingerprint {
		t.Errorf("fingerprint %s", k.Fingerprint)
	}
	if !k.ValidFrom.Equal(time.Unix(1453076702, 0)) || !k.ValidUntil.Equal(time.Unix(1455668702, 0)) {
		t.Errorf("validity %v – %v", k.ValidFrom, k.ValidUntil)
	}
	if _, ok := NewKeySet(keys...).Lookup("7F3F401420072E50A65A141430817AB3"); !ok {
		t.Error("lookup by upper-case fingerprint failed")
	}

	// AWS CLI v2 prints times as ISO 8601 strings.
	v2 := strings.Replace(strings.Replace(awsDocKeyList, "1453076702.0", `"2016-01-18T00:25:02+00:00"`, 1),
		"1455668702.0", `"2016-02-17T00:25:02+00:00"`, 1)
	keys, err = ParsePublicKeys([]byte(v2))
	if err != nil {
		t.Fatal(err)
	}
	if !keys[0].ValidFrom.Equal(time.Unix(1453076702, 0)) {
		t.Errorf("v2 validity %v", keys[0].ValidFrom)
	}

	wrong := strings.Replace(awsDocKeyList, "7f3f4014", "00000000", 1)
	if _, err := ParsePublicKeys([]byte(wrong)); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("wrong fingerprint: err %v", err)
	}
}

func TestParsePublicKeysEncodings(t *testing.T) {
	priv := readPrivateKey(t, "trail-key.pem")
	pub := &priv.PublicKey
	want := md5Fingerprint(pub)
	pkcs1 := x509.MarshalPKCS1PublicKey(pub)
	pkixDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: t0, NotAfter: t0.Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	for name, data := range map[string][]byte{
		"DER PKCS #1":        pkcs1,
		"DER PKIX":           pkixDER,
		"base64 PKCS #1":     []byte(base64.StdEncoding.EncodeToString(pkcs1) + "\n"),
		"PEM RSA PUBLIC KEY": pemOf("RSA PUBLIC KEY", pkcs1),
		"PEM PUBLIC KEY":     pemOf("PUBLIC KEY", pkixDER),
		"PEM CERTIFICATE":    pemOf("CERTIFICATE", cert),
	} {
		keys, err := ParsePublicKeys(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(keys) != 1 || keys[0].Fingerprint != want || !keys[0].Key.Equal(pub) {
			t.Errorf("%s: got %d keys, fingerprint %s, want %s", name, len(keys), keys[0].Fingerprint, want)
		}
	}
	two := append(pemOf("PUBLIC KEY", pkixDER), pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&readPrivateKey(t, "wrong-key.pem").PublicKey))...)
	if keys, err := ParsePublicKeys(two); err != nil || len(keys) != 2 {
		t.Errorf("two PEM blocks: %d keys, %v", len(keys), err)
	}

	for name, data := range map[string]string{
		"empty":        "  \n",
		"private key":  string(pemOf("PRIVATE KEY", []byte{1})),
		"garbage":      "\x00\x01not a key",
		"empty list":   `{"PublicKeyList": []}`,
		"bad base64":   `{"PublicKeyList": [{"Value": "!!"}]}`,
		"bad validity": strings.Replace(awsDocKeyList, "1453076702.0", `"soon"`, 1),
	} {
		if _, err := ParsePublicKeys([]byte(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParsePublicKeys(f *testing.F) {
	f.Add([]byte(awsDocKeyList))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte("MIIBCgKCAQEA"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParsePublicKeys(data)
		if err == nil && len(keys) == 0 {
			t.Fatal("no keys and no error")
		}
		for _, k := range keys {
			if k.Key == nil || k.Fingerprint != Fingerprint(k.Key) {
				t.Fatalf("bad key %+v", k)
			}
		}
	})
}
