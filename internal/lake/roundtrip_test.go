package lake_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestParquetRoundTrip writes every corpus record to a Parquet file, reads it
// back and rebuilds the source record from the columns.
func TestParquetRoundTrip(t *testing.T) {
	dir := trailtest.CorpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "converted", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	var events []*cloudtrail.Event
	var sources [][]byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(zr)
		_, err = cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) {
			e, err := cloudtrail.DecodeEvent(r.Data)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			events = append(events, e)
			sources = append(sources, bytes.Clone(r.Data))
		}, func(p cloudtrail.Problem) { t.Fatalf("%s: %s", f, p.Reason) })
		if err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := lake.WriteEvents(&buf, events); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := lake.ReadEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(events) {
		t.Fatalf("read %d events, wrote %d", len(back), len(events))
	}
	for i := range back {
		var a, b any
		json.Unmarshal(sources[i], &a)
		if err := json.Unmarshal(cloudtrail.Rebuild(back[i]), &b); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("record %d differs after Parquet:\nwant %s\n got %s", i, sources[i], cloudtrail.Rebuild(back[i]))
		}
	}
	t.Logf("%d events, %d bytes of Parquet", len(back), buf.Len())
}
