package ingest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/ingest"
	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/trailtest"
)

func canonical(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func hasKeyFold(m map[string]any, key string) (any, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// TestCorpus ingests the whole shared corpus and checks every delivery file
// against an independent decoding with encoding/json, the known malformed
// files' outcomes, and that every stored event rebuilds to a source record.
func TestCorpus(t *testing.T) {
	dir := trailtest.CorpusDir(t)
	lk := t.TempDir()
	sum := run(t, lk, ingest.Options{}, dir)
	man, err := lake.LoadManifest(lk)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Objects != man.Len() {
		t.Fatalf("%d objects listed, %d in the manifest", sum.Objects, man.Len())
	}

	items, err := lake.QuarantineItems(lk)
	if err != nil {
		t.Fatal(err)
	}
	conflictsOf := map[string]int{}
	for _, it := range items {
		if strings.Contains(it.Reason, "already stored with different content") {
			conflictsOf[it.Key]++
		}
	}
	sources := map[string]bool{} // canonical JSON of every source record with a time
	delivery := 0
	for _, e := range man.Entries() {
		rel, _ := filepath.Rel(dir, e.Key)
		if !strings.HasSuffix(e.Key, ".json.gz") || !strings.Contains(rel, "/AWSLogs/") || strings.Contains(rel, "CloudTrail-Digest") {
			continue
		}
		delivery++
		raw, err := os.ReadFile(e.Key)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(zr)
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if e.Events != len(doc.Records) {
			t.Errorf("%s: %d events, independent count %d", rel, e.Events, len(doc.Records))
		}
		noTime := 0
		for _, r := range doc.Records {
			var m map[string]any
			json.Unmarshal(r, &m)
			v, ok := hasKeyFold(m, "eventTime")
			s, isStr := v.(string)
			if !ok || !isStr {
				noTime++
				continue
			}
			if _, err := cloudtrail.ParseTime(s); err != nil {
				noTime++
				continue
			}
			sources[canonical(t, r)] = true
		}
		if e.Quarantined-conflictsOf[e.Key] != noTime {
			t.Errorf("%s: %d records quarantined, %d have no usable eventTime", rel, e.Quarantined, noTime)
		}
		if noTime > 0 && e.Outcome != lake.OutcomePartial && len(doc.Records) != noTime {
			t.Errorf("%s: outcome %s, want partial", rel, e.Outcome)
		}
	}
	if delivery < 400 {
		t.Fatalf("only %d delivery files checked", delivery)
	}

	expect := []struct {
		file    string
		outcome lake.Outcome
		reason  string
	}{
		{"opensearch-catalog/samples-large.json", lake.OutcomeQuarantined, "invalid JSON at offset"},
		{"cloudtrail2sightings/aws.execution.ec2-user-data.json", lake.OutcomePartial, "invalid JSON at offset"},
		{"elastic-integrations/converted/AWSLogs/123456789123/CloudTrail-Digest/us-west-2/2020/09/11/123456789123_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_20200911T193649Z.json.gz", lake.OutcomeDigest, ""},
		{"elastic-integrations/pipeline/test-cloudtrail-digest-json.log", lake.OutcomeDigest, ""},
		{"otrf-security-datasets/ec2_proxy_s3_exfiltration.zip", lake.OutcomeSkipped, "not a CloudTrail log"},
		{"elastic-integrations/MANIFEST.json", lake.OutcomeQuarantined, "not a CloudTrail log"},
		{"cloud-custodian/cwe/event-cloud-trail-s3.json", lake.OutcomeOK, ""},
	}
	for _, x := range expect {
		e, ok := man.Get(filepath.Join(dir, x.file))
		if !ok {
			t.Errorf("%s: not in the manifest", x.file)
			continue
		}
		if e.Outcome != x.outcome || !strings.Contains(e.Reason, x.reason) {
			t.Errorf("%s: %s %q, want %s %q", x.file, e.Outcome, e.Reason, x.outcome, x.reason)
		}
	}

	// Every event in the lake is one of the source records, rebuilt equal.
	evs := lakeEvents(t, lk)
	if len(evs) != sum.Written {
		t.Fatalf("lake holds %d events, summary says %d written", len(evs), sum.Written)
	}
	// Duplicates are found within a partition: the same record routed to
	// two partitions (its account taken from two differently laid out
	// copies) is two rows.
	type placed struct {
		part string
		fp   int64
	}
	fps := map[placed]bool{}
	found := map[string]bool{}
	for _, e := range evs {
		k := placed{partitionOf(t, e), e.FP}
		if fps[k] {
			t.Fatalf("event stored twice: %s", cloudtrail.Rebuild(e))
		}
		fps[k] = true
		found[canonical(t, cloudtrail.Rebuild(e))] = true
	}
	// Records that share an identity with a stored record but differ from
	// it are in quarantine.
	conflicts := 0
	for _, it := range items {
		if strings.Contains(it.Reason, "already stored with different content") {
			conflicts++
			found[canonical(t, []byte(it.Data))] = true
		}
	}
	matched := 0
	for s := range sources {
		if found[s] {
			matched++
		}
	}
	if matched != len(sources) || conflicts != sum.Conflicts {
		t.Fatalf("%d of %d delivery-file records found in the lake or quarantine (%d conflicts, summary %d)", matched, len(sources), conflicts, sum.Conflicts)
	}
	t.Logf("%d objects, %d events read, %d stored, %d duplicates, %d quarantined; %d of %d delivery records matched",
		sum.Objects, sum.Events, sum.Written, sum.Duplicates, sum.QuarantinedRecs, matched, len(sources))
}

func partitionOf(t *testing.T, e *cloudtrail.Event) string {
	p, err := cloudtrail.PartitionOf(e, cloudtrail.ParseKey(*e.Object))
	if err != nil {
		t.Fatal(err)
	}
	return p.Path()
}
