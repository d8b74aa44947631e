package needle

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

func TestSummary(t *testing.T) {
	str := func(s string) *string { return &s }
	long := "2019-" + strings.Repeat("9", maxTimeLen)
	for _, tc := range []struct {
		name  string
		times []*string
		want  Summary
	}{
		{"none", nil, Summary{Ranged: true}},
		{"all null", []*string{nil, nil}, Summary{Rows: 2, Ranged: true}},
		{"one", []*string{str("2019-09-30T10:00:00Z")}, Summary{Rows: 1, Timed: 1, Ranged: true, MinTime: "2019-09-30T10:00:00Z", MaxTime: "2019-09-30T10:00:00Z"}},
		{"byte order", []*string{str("2019-09-30T10:00:00Z"), nil, str("2019-09-30T09:00:00.5Z"), str("garbage"), str("2019-09-30 11:00:00")},
			Summary{Rows: 5, Timed: 4, Ranged: true, MinTime: "2019-09-30 11:00:00", MaxTime: "garbage"}},
		{"too long", []*string{str("2019-09-30T10:00:00Z"), str(long)}, Summary{Rows: 2, Timed: 2}},
		{"too long first", []*string{str(long), str("2019-09-30T10:00:00Z")}, Summary{Rows: 2, Timed: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(len(tc.times))
			for _, tm := range tc.times {
				b.AddEvent(&cloudtrail.Event{EventTime: tm})
			}
			// Parsed times are kept apart from the text.
			for _, ts := range []int64{50, -7, 12} {
				b.AddEvent(&cloudtrail.Event{EventTimestamp: &ts})
			}
			tc.want.Rows += 3
			tc.want.Stamped, tc.want.MinStamp, tc.want.MaxStamp = 3, -7, 50
			got, ok := open(t, b).Summary()
			if !ok {
				t.Fatal("no summary")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("summary = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestVersion3 checks that a sidecar written before summaries existed is
// still read: its tokens answer, and it has no summary.
func TestVersion3(t *testing.T) {
	b := NewBuilder(10)
	b.AddText("sg-0ecc76ac9b16d1e14")
	v4 := b.Encode()
	n := binary.LittleEndian.Uint32(v4[headerLenV3:])
	v3 := append([]byte(magicV3), v4[len(magic):headerLenV3]...)
	v3 = append(v3, v4[headerLen+int(n):len(v4)-4]...)
	v3 = binary.LittleEndian.AppendUint32(v3, crc32.Checksum(v3, castagnoli))
	if err := Verify(v3); err != nil {
		t.Fatal(err)
	}
	sc, err := Open(bytes.NewReader(v3), int64(len(v3)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sc.Summary(); ok {
		t.Error("a version 3 sidecar has a summary")
	}
	if !sc.MayHave(EqualProbe("sg-0ecc76ac9b16d1e14")) {
		t.Error("a version 3 sidecar lost its token")
	}
	if sc.MayHave(EqualProbe("sg-0000000000000000x")) && sc.MayHave(EqualProbe("i-0123456789abcdef0")) && sc.MayHave(EqualProbe("AKIAIOSFODNN7EXAMPLE")) {
		t.Error("a version 3 sidecar has every token: blocks misread")
	}
}

// TestSummaryLaterFields checks that a summary with fields a later
// version adds is still read.
func TestSummaryLaterFields(t *testing.T) {
	want := Summary{Rows: 2, Timed: 1, Ranged: true, MinTime: "a", MaxTime: "a", Stamped: 1, MinStamp: 5, MaxStamp: 5}
	got, err := decodeSummary(append(want.encode(), 1, 2, 3))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("decodeSummary = %+v, %v; want %+v", got, err, want)
	}
	if _, err := decodeSummary(want.encode()[:40]); err == nil {
		t.Error("a truncated summary was accepted")
	}
}

// TestSummaryParts checks the parts of a file that holds several
// partitions: counted and bounded per region and day, sorted, read back,
// and damaged lists refused.
func TestSummaryParts(t *testing.T) {
	b := NewBuilder(4)
	for _, r := range []struct {
		region, day string
		ts          int64
	}{{"us-east-1", "02", 20}, {"eu-west-1", "02", 7}, {"us-east-1", "01", 3}, {"us-east-1", "02", 9}} {
		ts := r.ts
		b.AddRecord(&cloudtrail.Event{EventTimestamp: &ts}, r.region, r.day)
	}
	got, ok := open(t, b).Summary()
	if !ok {
		t.Fatal("no summary")
	}
	want := []Part{
		{Region: "eu-west-1", Day: "02", Rows: 1, MinStamp: 7, MaxStamp: 7},
		{Region: "us-east-1", Day: "01", Rows: 1, MinStamp: 3, MaxStamp: 3},
		{Region: "us-east-1", Day: "02", Rows: 2, MinStamp: 9, MaxStamp: 20},
	}
	if !reflect.DeepEqual(got.Parts, want) || got.Rows != 4 {
		t.Errorf("parts = %+v (rows %d), want %+v (rows 4)", got.Parts, got.Rows, want)
	}
	enc := got.encode()
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"truncated", enc[:len(enc)-5]},
		{"more rows than the file", func() []byte {
			s := got
			s.Parts = append([]Part(nil), got.Parts...)
			s.Parts[0].Rows = 99
			return s.encode()
		}()},
		{"inverted range", func() []byte {
			s := got
			s.Parts = append([]Part(nil), got.Parts...)
			s.Parts[2].MinStamp, s.Parts[2].MaxStamp = 20, 9
			return s.encode()
		}()},
	} {
		if _, err := decodeSummary(tc.b); err == nil {
			t.Errorf("%s: a damaged list of parts was accepted", tc.name)
		}
	}
}
