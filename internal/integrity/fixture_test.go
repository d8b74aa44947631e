package integrity

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFixture checks the on-disk fixture that other packages' tests (the
// verify command's) copy: testdata/trail, a valid trail of one account and
// region, and its public key in testdata/keys as `aws cloudtrail
// list-public-keys` prints it and as PEM. go test -update rewrites them.
func TestFixture(t *testing.T) {
	trailKey := readPrivateKey(t, "trail-key.pem")
	dir := filepath.Join("testdata", "trail")
	listPath := filepath.Join("testdata", "keys", "public-keys.json")
	pemPath := filepath.Join("testdata", "keys", "trail-public.pem")
	if *update {
		b := newBucket()
		b.addTrail(t, trailSpec{account: "111122223333", region: "us-east-1", trail: "management-events",
			bucket: "example-trail-bucket", start: time.Date(2024, 3, 5, 9, 36, 49, 0, time.UTC),
			digests: 3, logsPer: 2, signer: trailKey})
		b.writeDir(t, dir)
		der := x509.MarshalPKCS1PublicKey(&trailKey.PublicKey)
		list, err := json.MarshalIndent(map[string]any{"PublicKeyList": []map[string]any{{
			"ValidityStartTime": "2024-01-01T00:00:00+00:00",
			"ValidityEndTime":   "2025-01-01T00:00:00+00:00",
			"Value":             base64.StdEncoding.EncodeToString(der),
			"Fingerprint":       md5Fingerprint(&trailKey.PublicKey),
		}}}, "", "    ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(listPath, append(list, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		pkix, err := x509.MarshalPKIXPublicKey(&trailKey.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{listPath, pemPath} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (go test -update writes it)", err)
		}
		keys, err := ParsePublicKeys(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		st, err := OpenDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Verify(context.Background(), st, Options{Keys: NewKeySet(keys...)})
		if err != nil {
			t.Fatal(err)
		}
		want := Counts{Logs: LogCounts{Valid: 6}, Digests: DigestCounts{Valid: 3}}
		if !r.OK || len(r.Groups) != 1 || r.Groups[0].Counts != want {
			t.Errorf("%s: fixture does not verify: OK %v, %+v", p, r.OK, r.Groups)
		}
	}
}
