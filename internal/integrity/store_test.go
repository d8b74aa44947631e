package integrity

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFSStore(t *testing.T) {
	ctx := context.Background()
	sig := strings.Repeat("ab", 256)
	fsys := fstest.MapFS{
		"AWSLogs/1/CloudTrail-Digest/r/d1.json.gz":               {Data: []byte("d1")},
		"AWSLogs/1/CloudTrail-Digest/r/d1.json.gz.sig":           {Data: []byte("\"" + sig + "\"\n")},
		"AWSLogs/1/CloudTrail-Digest/r/d2.json.gz":               {Data: []byte("d2")},
		"AWSLogs/1/CloudTrail-Digest/r/d2.json.gz.metadata.json": {Data: []byte(`{"AcceptRanges":"bytes","ContentLength":2,"Metadata":{"Signature":"` + sig + `","signature-algorithm":"SHA256withRSA"}}`)},
		"AWSLogs/1/CloudTrail-Digest/r/d3.json.gz":               {Data: []byte("d3")},
		"AWSLogs/1/CloudTrail-Digest/r/d3.json.gz.sig":           {Data: []byte(sig)},
		"AWSLogs/1/CloudTrail-Digest/r/d3.json.gz.metadata.json": {Data: []byte(`{"signature":"00"}`)},
		"AWSLogs/1/CloudTrail-Digest/r/d4.json.gz":               {Data: []byte("d4")},
		"AWSLogs/1/CloudTrail-Digest/r/d4.json.gz.metadata.json": {Data: []byte(`{"signature":`)},
		"AWSLogs/1/CloudTrail/r/l1.json.gz":                      {Data: []byte("l1")},
		"AWSLogs/2/CloudTrail/r/l2.json.gz":                      {Data: []byte("l2")},
		"AWSLogs/10/CloudTrail/r/l3.json.gz":                     {Data: []byte("l3")},
		"elsewhere/readme.txt":                                   {Data: []byte("x")},
		"AWSLogs/1/CloudTrail-Digest/r/d5.json.gz":               {Data: []byte("d5")},
		"AWSLogs/1/CloudTrail-Digest/r/d5.json.gz.sig":           {Data: []byte("null\n")},
	}
	s := NewFSStore(fsys)
	list := func(prefix string) []string {
		t.Helper()
		var keys []string
		if err := s.List(ctx, prefix, func(k string) error { keys = append(keys, k); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(keys)
		return keys
	}
	if got := list(""); len(got) != 9 || slices.ContainsFunc(got, isSidecar) {
		t.Errorf("list all: %q", got)
	}
	if got := list("AWSLogs/1/"); len(got) != 6 {
		t.Errorf("list AWSLogs/1/: %q", got)
	}
	if got := list("AWSLogs/1"); len(got) != 7 {
		t.Errorf("list AWSLogs/1: %q", got)
	}
	if got := list("nowhere/"); len(got) != 0 {
		t.Errorf("list nowhere/: %q", got)
	}
	stop := errors.New("stop")
	if err := s.List(ctx, "", func(string) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("List does not stop at fn's error: %v", err)
	}

	rc, err := s.Open(ctx, "AWSLogs/1/CloudTrail/r/l1.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "l1" {
		t.Errorf("read %q", b)
	}
	for _, k := range []string{"AWSLogs/1/nothing.json.gz", "../etc/passwd", "/abs"} {
		if _, err := s.Open(ctx, k); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q): %v, want fs.ErrNotExist", k, err)
		}
	}

	meta := func(key string) map[string]string {
		t.Helper()
		m, err := s.Metadata(ctx, "AWSLogs/1/CloudTrail-Digest/r/"+key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return m
	}
	if m := meta("d1.json.gz"); m["signature"] != sig {
		t.Errorf("d1 (.sig, quoted): %q", m)
	}
	if m := meta("d2.json.gz"); m["signature"] != sig || m["signature-algorithm"] != "SHA256withRSA" {
		t.Errorf("d2 (head-object output): %q", m)
	}
	if m := meta("d5.json.gz"); m["signature"] != "" {
		t.Errorf("d5 (null): %q", m)
	}
	if m := meta("none.json.gz"); len(m) != 0 {
		t.Errorf("no sidecar: %q", m)
	}
	for _, k := range []string{"d3.json.gz", "d4.json.gz"} {
		if _, err := s.Metadata(ctx, "AWSLogs/1/CloudTrail-Digest/r/"+k); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s: err %v, want one naming the file", k, err)
		}
	}
}
