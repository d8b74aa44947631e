package cloudtrail_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/trailtest"
)

func readMaybeGzip(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, err = io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return b
}

// TestCorpusRoundTrip decodes every record of the corpus's delivery files and
// checks that it rebuilds equal, as JSON, to the source.
func TestCorpusRoundTrip(t *testing.T) {
	dir := trailtest.CorpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "converted", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	more, _ := filepath.Glob(filepath.Join(dir, "cloud-snitch", "*", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	files = append(files, more...)
	if len(files) < 400 {
		t.Fatalf("found only %d corpus files", len(files))
	}
	total, kept := 0, 0
	for _, f := range files {
		data := readMaybeGzip(t, f)
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: independent decode: %v", f, err)
		}
		var got []cloudtrail.RawRecord
		shape, err := cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) { got = append(got, r) },
			func(p cloudtrail.Problem) { t.Errorf("%s: unexpected problem %s", f, p.Reason) })
		if err != nil || shape != cloudtrail.ShapeRecords {
			t.Fatalf("%s: shape %v, err %v", f, shape, err)
		}
		if len(got) != len(doc.Records) {
			t.Fatalf("%s: %d records, independent count %d", f, len(got), len(doc.Records))
		}
		for i, r := range got {
			total++
			e, err := cloudtrail.DecodeEvent(r.Data)
			if err != nil {
				t.Errorf("%s record %d: %v", f, i, err)
				continue
			}
			if e.Raw != nil {
				kept++
			}
			assertJSONEqual(t, f, doc.Records[i], cloudtrail.Rebuild(e))
		}
	}
	t.Logf("%d records, %d kept whole", total, kept)
}

func assertJSONEqual(t *testing.T, where string, want, got []byte) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(want, &a); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatalf("%s: rebuilt record is not JSON: %v\n%s", where, err, got)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s: rebuilt record differs\nwant %s\n got %s", where, want, got)
	}
}
