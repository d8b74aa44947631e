package cloudtrail_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/trailtest"
)

// FuzzDecode splits arbitrary bytes into records and decodes them. It must
// never panic, and every record it accepts must rebuild equal, as JSON, to
// its source text.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"Records":[{"eventVersion":"1.08","eventTime":"2019-09-30T00:00:00Z","eventName":"X","userIdentity":{"type":"Root"},"resources":[{"ARN":"a"}]}]}`))
	f.Add([]byte(`{"eventName":"a","eventTime":"t","readOnly":"True","x":[1,2,{"y":null}]}` + "\n" + `{"eventname":"b"}`))
	f.Add([]byte(`[{"eventSource":"s3.amazonaws.com","requestParameters":{"Key":1,"key":2},"eventName":"a","eventName":"b"}]`))
	f.Add([]byte(`{"Records":[{"eventVersion":"1.0"},{"eventVersion":`))
	f.Add([]byte(`{"digestStartTime":"x","logFiles":[]}`))
	f.Add([]byte(`{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"\u00e9\ud83d\ude00"}}`))
	{
		corpus := trailtest.CorpusDir(f)
		files, _ := filepath.Glob(filepath.Join(corpus, "elastic-integrations", "pipeline", "*.log"))
		for _, p := range files[:min(len(files), 20)] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var dec cloudtrail.Decoder
		var th cloudtrail.Thawer
		_, _ = cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) {
			if !json.Valid(r.Data) {
				t.Fatalf("record at offset %d is not valid JSON: %q", r.Offset, r.Data)
			}
			e, err := cloudtrail.DecodeEvent(r.Data)
			shared, serr := cloudtrail.DecodeEventShared(bytes.Clone(r.Data))
			if (err == nil) != (serr == nil) {
				t.Fatalf("DecodeEvent error %v, DecodeEventShared error %v", err, serr)
			}
			reused, rerr := dec.Decode(r.Data)
			if (err == nil) != (rerr == nil) {
				t.Fatalf("DecodeEvent error %v, Decoder.Decode error %v", err, rerr)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(e, reused) {
				t.Fatalf("Decoder.Decode differs from DecodeEvent:\n%s\n%s", cloudtrail.Rebuild(e), cloudtrail.Rebuild(reused))
			}
			compact := cloudtrail.AppendCompact(nil, reused)
			thawed, n, err := th.Thaw(compact)
			if err != nil || n != len(compact) || !reflect.DeepEqual(e, thawed) {
				t.Fatalf("compact round trip differs (%v, %d of %d bytes):\n%s\n%s", err, n, len(compact), cloudtrail.Rebuild(e), cloudtrail.Rebuild(thawed))
			}
			th.Reset()
			if e.FP != shared.FP || e.Hash != shared.Hash || !bytes.Equal(cloudtrail.Rebuild(e), cloudtrail.Rebuild(shared)) {
				t.Fatalf("the trusted decoder differs:\n%s\n%s", cloudtrail.Rebuild(e), cloudtrail.Rebuild(shared))
			}
			var a, b any
			if err := json.Unmarshal(r.Data, &a); err != nil {
				t.Fatal(err)
			}
			out := cloudtrail.Rebuild(e)
			if err := json.Unmarshal(out, &b); err != nil {
				t.Fatalf("rebuilt record is not JSON: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("rebuilt record differs:\nsource  %s\nrebuilt %s", r.Data, out)
			}
			_, _ = cloudtrail.PartitionOf(e, cloudtrail.Key{})
		}, func(p cloudtrail.Problem) {})
	})
}
