package cloudtrail_test

import (
	"bytes"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestCompactCorpus decodes every record of the corpus with one reused
// Decoder, stores them all in one arena in compact form, and thaws them
// back: each must equal what DecodeEvent makes of its record, field by
// field, and CompactKey must give its time and eventID.
func TestCompactCorpus(t *testing.T) {
	dir := trailtest.CorpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "converted", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	if len(files) == 0 {
		t.Fatal("no corpus delivery files")
	}
	var dec cloudtrail.Decoder
	var want []*cloudtrail.Event
	var arena []byte
	var offs []int
	for _, f := range files {
		data := readMaybeGzip(t, f)
		_, err := cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) {
			e, err := cloudtrail.DecodeEvent(r.Data)
			if err != nil {
				return
			}
			if _, err := cloudtrail.PartitionOf(e, cloudtrail.Key{}); err != nil {
				return
			}
			o := "object"
			e.Object = &o
			got, err := dec.Decode(r.Data)
			if err != nil {
				t.Fatalf("%s record %d: Decode: %v", f, r.Index, err)
			}
			if _, err := dec.PartitionOf(got, cloudtrail.Key{}); err != nil {
				t.Fatal(err)
			}
			got.Object = &o
			if !reflect.DeepEqual(e, got) {
				t.Fatalf("%s record %d: Decoder.Decode differs from DecodeEvent", f, r.Index)
			}
			offs = append(offs, len(arena))
			arena = cloudtrail.AppendCompact(arena, got)
			want = append(want, e)
		}, func(cloudtrail.Problem) {})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	var th cloudtrail.Thawer
	for i, e := range want {
		if i%100 == 0 {
			th.Reset()
		}
		got, n, err := th.Thaw(arena[offs[i]:])
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if end := len(arena); i+1 < len(offs) {
			end = offs[i+1]
			if offs[i]+n != end {
				t.Fatalf("event %d: thawed %d bytes of %d", i, n, end-offs[i])
			}
		}
		if !reflect.DeepEqual(e, got) {
			t.Fatalf("event %d (%s) differs after the compact round trip:\n%s\n%s", i, e, cloudtrail.Rebuild(e), cloudtrail.Rebuild(got))
		}
		ts, id := cloudtrail.CompactKey(arena[offs[i]:])
		if ts != *e.EventTimestamp || (e.EventID == nil) != (id == nil) || e.EventID != nil && !bytes.Equal(id, []byte(*e.EventID)) {
			t.Fatalf("event %d: CompactKey gives %d %q", i, ts, id)
		}
	}
	t.Logf("%d events, %d compact bytes", len(want), len(arena))
}
