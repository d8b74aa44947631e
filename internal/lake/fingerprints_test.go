package lake

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/trailsql/trailsql/internal/needle"
)

// TestDayFingerprints checks that reading one day's fingerprints from the
// row groups whose day statistics can hold it gives the same sets as
// reading every row of the file: a bucket file of many small row groups,
// in time order, over three days and two regions.
func TestDayFingerprints(t *testing.T) {
	lk, err := Open(context.Background(), t.TempDir(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	b := Bucket{Account: "111111111111", Year: "2019", Month: "09"}
	var rows []Row
	ix := needle.NewBuilder(90)
	for i := range 90 {
		region, day := []string{"us-east-1", "eu-west-1"}[i%2], fmt.Sprintf("%02d", 27+i/30)
		id, ts := fmt.Sprintf("e%03d", i), int64(i)
		r := Row{Region: &region, Day: &day}
		r.EventID, r.EventTimestamp, r.FP, r.Hash = &id, &ts, int64(1000+i), int64(i)
		rows = append(rows, r)
		ix.AddRecord(&r.Event, region, day)
	}
	dir := lk.BucketDir(b)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "part-test.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[Row](f, append(writerOptions(), parquet.MaxRowsPerRowGroup(7))...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(needle.SidecarPath(path), ix.Encode(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"27", "28", "29", "30"} {
		want := map[string]map[int64]int64{}
		for _, r := range rows {
			if *r.Day == day {
				if want[*r.Region] == nil {
					want[*r.Region] = map[int64]int64{}
				}
				want[*r.Region][r.FP] = r.Hash
			}
		}
		got, err := lk.DayFingerprints(b, day)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("day %s: %v, want %v", day, got, want)
		}
	}
}
