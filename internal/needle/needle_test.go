package needle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/trailtest"
)

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"short", nil},
		{"sg-0ecc76ac9b16d1e14", []string{"sg-0ecc76ac9b16d1e14"}},
		{`{"groupId":"sg-0ecc76ac9b16d1e14","fromPort":23}`, []string{"groupId", "sg-0ecc76ac9b16d1e14", "fromPort"}},
		{"arn:aws:iam::123456789012:role/admin-role", []string{"123456789012", "role/admin-role"}},
		{"1.2.3.4 and 10.0.0.12", []string{"1.2.3.4", "10.0.0.12"}},
		{"mail bob@example.com!", []string{"bob@example.com"}},
		{"caf\u00e9-latte", []string{"-latte"}},
		{"trailing token_at_end", []string{"trailing", "token_at_end"}},
	} {
		var got []string
		Tokens(tc.in, func(s string) { got = append(got, s) })
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLongestRun(t *testing.T) {
	for _, tc := range []struct{ in, wild, want string }{
		{"%sg-0ecc76ac9b16d1e14%", "%_", "sg-0ecc76ac9b16d1e14"},
		{"%:23%", "%_", ""},
		{"%[your bucket name ]%", "%_", "bucket"},
		{"%trailsql-demo-public%", "%_", "trailsql-demo-public"},
		{"%ANONYMOUS%", "%_", "ANONYMOUS"},
		{"ANONYMOUS_PRINCIPAL", "%_", "ANONYMOUS"},
		{"ANONYMOUS_PRINCIPAL", "", "ANONYMOUS_PRINCIPAL"},
		{"arn:aws:iam::123456789012:user/alice", "", "123456789012"},
		{"1.2.3.4", "", "1.2.3.4"},
		{"2001:db8::1", "", ""},
	} {
		if got := LongestRun(tc.in, tc.wild); got != tc.want {
			t.Errorf("LongestRun(%q, %q) = %q, want %q", tc.in, tc.wild, got, tc.want)
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:                     `plain`,
		`a\"b\\c\/d`:                `a"b\c/d`,
		`\u0041BCDEF`:               `ABCDEF`,
		`x\n\t\r\b\fy`:              "x\n\t\r\b\fy",
		`\ud83d\ude00`:              "\U0001F600",
		`\u12`:                      `\u12`,
		`\uzzzz`:                    `\uzzzz`,
		`end\`:                      `end\`,
		`{"k":"arn:aws:s3:::b\/k"}`: `{"k":"arn:aws:s3:::b/k"}`,
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// corpusEvents decodes every record of the shared corpus.
func corpusEvents(t *testing.T) []*cloudtrail.Event {
	t.Helper()
	var out []*cloudtrail.Event
	filepath.WalkDir(trailtest.CorpusDir(t), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".json.gz") && !strings.HasSuffix(p, ".jsonl") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil
			}
			data, _ = io.ReadAll(zr)
		}
		cloudtrail.SplitRecords(data, func(r cloudtrail.RawRecord) {
			if e, err := cloudtrail.DecodeEvent(r.Data); err == nil {
				out = append(out, e)
			}
		}, func(cloudtrail.Problem) {})
		return nil
	})
	if len(out) < 100 {
		t.Fatalf("the corpus gave %d events, want many", len(out))
	}
	return out
}

// open encodes b and opens the result as a sidecar.
func open(t testing.TB, b *Builder) *Sidecar {
	t.Helper()
	data := b.Encode()
	if err := Verify(data); err != nil {
		t.Fatal(err)
	}
	sc, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestCorpusNeverMisses builds one index of the whole corpus and checks
// that it answers "maybe" for every value the queries could look for:
// each column value by equality, each token and a piece of it by LIKE,
// and every string inside the JSON columns by equality (what
// json_extract_scalar returns).
func TestCorpusNeverMisses(t *testing.T) {
	evs := corpusEvents(t)
	b := NewBuilder(len(evs))
	for _, e := range evs {
		b.AddEvent(e)
	}
	ix := open(t, b)
	checks, pruning := 0, 0
	for _, e := range evs {
		EachValue(e, func(path, v string) {
			kind := ColumnKind(path)
			if kind == NotIndexed {
				t.Fatalf("EachValue gives %s, which is not in columns", path)
			}
			if !ix.MayHave(EqualProbe(v)) {
				t.Errorf("%s = %q: the index says no", path, v)
			}
			checks++
			if kind == ID {
				return
			}
			Tokens(v, func(tok string) {
				i := (len(tok) - MinLen) / 2
				for _, like := range []string{"%" + tok + "%", "%" + tok[i:i+MinLen] + "%", tok[:len(tok)-1] + "_", "%" + tok[1:]} {
					p := LikeProbe(like)
					if !ix.MayHave(p) {
						t.Errorf("%s = %q: the index says no to LIKE %q", path, v, like)
					}
					if len(p) > 0 {
						pruning++
					}
					checks++
				}
			})
			if kind == JSON {
				var x any
				if json.Unmarshal([]byte(v), &x) == nil {
					walkStrings(x, func(s string) {
						if !ix.MayHave(EqualProbe(s)) {
							t.Errorf("%s: the index says no to %q (a string inside the JSON)", path, s)
						}
						checks++
					})
				}
			}
		})
	}
	if pruning < checks/10 {
		t.Errorf("only %d of %d LIKE checks could use the index", pruning, checks)
	}
	t.Logf("%d events, %d keys, index %d bytes, %d checks, %d LIKE probes with keys", len(evs), b.Keys(), len(b.Encode()), checks, pruning)
}

func walkStrings(x any, fn func(string)) {
	switch v := x.(type) {
	case string:
		fn(v)
	case []any:
		for _, y := range v {
			walkStrings(y, fn)
		}
	case map[string]any:
		for k, y := range v {
			fn(k)
			walkStrings(y, fn)
		}
	}
}

// TestEachValueCoversColumns checks that every indexed column is read
// from events: a fully populated event gives each path once.
func TestEachValueCoversColumns(t *testing.T) {
	s := func(v string) *string { return &v }
	e := &cloudtrail.Event{
		EventID: s("a"), RequestID: s("a"), SharedEventID: s("a"), SourceIPAddress: s("a"), UserAgent: s("a"),
		ErrorMessage: s("a"), RecipientAccountID: s("a"), VPCEndpointID: s("a"), RequestParameters: s("a"),
		ResponseElements: s("a"), AdditionalEventData: s("a"), ServiceEventDetails: s("a"),
		UserIdentity: &cloudtrail.UserIdentity{PrincipalID: s("a"), ARN: s("a"), AccountID: s("a"), InvokedBy: s("a"),
			AccessKeyID: s("a"), UserName: s("a"), CredentialID: s("a"),
			SessionContext: &cloudtrail.SessionContext{SourceIdentity: s("a"), SessionIssuer: &cloudtrail.SessionIssuer{
				PrincipalID: s("a"), ARN: s("a"), AccountID: s("a"), UserName: s("a")}}},
		TLSDetails: &cloudtrail.TLSDetails{ClientProvidedHostHeader: s("a")},
	}
	var got []string
	EachValue(e, func(path, _ string) { got = append(got, path) })
	var want []string
	for p := range columns {
		want = append(want, p)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EachValue paths = %q, want the columns %q", got, want)
	}
}

func TestIndexAnswers(t *testing.T) {
	b := NewBuilder(10)
	b.AddText("arn:aws:iam::123456789012:user/alice")
	b.AddJSON(`{"groupId":"sg-0ecc76ac9b16d1e14","note":"caf\u00e9 \u0041BCDEFG","bucketName":"trailsql-demo-public"}`)
	b.AddID("01dd3861-bf24-49b3-841f-33a1f96b88ad")
	ix := open(t, b)
	for i, tc := range []struct {
		probe Probe
		want  bool
	}{
		{EqualProbe("user/alice"), true},
		{EqualProbe("arn:aws:iam::123456789012:user/alice"), true},
		{EqualProbe("sg-0ecc76ac9b16d1e14"), true},
		{EqualProbe("ABCDEFG"), true}, // from the decoded \u0041
		{EqualProbe("01dd3861-bf24-49b3-841f-33a1f96b88ad"), true},
		{EqualProbe("user/bobby"), false},
		{EqualProbe("sg-0ecc76ac9b16d1e15"), false},
		{LikeProbe("%sg-0ecc76ac9b16d1e14%"), true},
		{LikeProbe("%sg-0ecc76ac%"), true},
		{LikeProbe("%g-0ecc76ac9b16d1e14%"), true},
		{LikeProbe("%sg-0fcc76ac9b16d1e14%"), false},
		{LikeProbe("%trailsql-demo-public%"), true},
		{LikeProbe("%railsql-demo-publ%"), true},
		{LikeProbe("%trailsql-demo-private%"), false},
		{LikeProbe("%user/alice%"), true},
		{LikeProbe("%user/mallory%"), false},
		{LikeProbe("%:user/al%"), true},
		{LikeProbe("%2-99999%"), false},
		{LikeProbe("%2-12345%"), true},   // 1234 starts 123456789012: cannot tell
		{LikeProbe("%ANONYMOUS%"), true}, // no separator: cannot tell
	} {
		if got := ix.MayHave(tc.probe); got != tc.want {
			t.Errorf("probe %d %v = %v, want %v", i, tc.probe, got, tc.want)
		}
	}
}

// TestFold checks that a filter sized for many records and given few
// keys is folded small, and still finds every key.
func TestFold(t *testing.T) {
	b := NewBuilder(1_000_000)
	var vals []string
	for i := range 1000 {
		v := fmt.Sprintf("arn:aws:iam::123456789012:role/role-%04d i-%017x", i, i*7919)
		vals = append(vals, v)
		b.AddText(v)
	}
	if k := b.Keys(); k < 5000 || k > 20000 {
		t.Errorf("Keys() = %d, want about 10000", k)
	}
	data := b.Encode()
	if len(data) > 32<<10 {
		t.Errorf("index of 1000 values is %d bytes, want it folded small", len(data))
	}
	ix, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if !ix.MayHave(EqualProbe(v)) || !ix.MayHave(LikeProbe("%"+v[26:40]+"%")) {
			t.Errorf("%q not found after folding", v)
		}
	}
	misses := 0
	for i := range 1000 {
		if ix.MayHave(EqualProbe(fmt.Sprintf("i-%017x", i*7919+1))) {
			misses++
		}
	}
	if misses > 30 {
		t.Errorf("%d of 1000 absent values found: the filter is too full", misses)
	}
}

func TestLikeProbe(t *testing.T) {
	for pattern, keys := range map[string]int{
		"%sg-0ecc76ac9b16d1e14%":        1, // prefix of 0ecc76ac9b16d1e14
		"%trailsql-demo-public%":        2, // demo, prefix of public
		"%ANONYMOUS%":                   0,
		"%:23%":                         0,
		"%arn:aws:iam::%:role/admin%":   1, // prefix of admin (role is too short)
		"ASIA%":                         0,
		"%1.2.3.4%":                     0, // every piece is too short
		"%bucket-name/prefix/key.json%": 3, // name, prefix, key (json is too short)
	} {
		if got := len(LikeProbe(pattern)); got != keys {
			t.Errorf("LikeProbe(%q) has %d keys, want %d", pattern, got, keys)
		}
	}
}

func TestDamaged(t *testing.T) {
	b := NewBuilder(10)
	b.AddText("sg-0ecc76ac9b16d1e14 and more-tokens")
	good := b.Encode()
	for name, data := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XXXXXXXX"), good[8:]...),
		"truncated": good[:len(good)-5],
		"bit flip":  flip(good, 20),
		"longer":    append(bytes.Clone(good), 0),
	} {
		if err := Verify(data); err == nil {
			t.Errorf("%s: Verify accepted a damaged index", name)
		}
		if name == "bit flip" {
			continue // Open reads the header only
		}
		if _, err := Open(bytes.NewReader(data), int64(len(data))); err == nil {
			t.Errorf("%s: Open accepted a damaged index", name)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

func TestSidecarPath(t *testing.T) {
	p := filepath.Join("lake", "cloudtrail", "account=1", "part-x.parquet")
	want := filepath.Join("lake", "cloudtrail", "account=1", "_part-x.tokens")
	if got := SidecarPath(p); got != want {
		t.Errorf("SidecarPath = %q, want %q", got, want)
	}
	if !IsSidecar(filepath.Base(want)) || IsSidecar("part-x.parquet") {
		t.Error("IsSidecar is wrong")
	}
}

var fuzzTime = "2019-09-30T10:00:00Z"

// FuzzOpen checks that damaged or hostile sidecar files are refused or
// read without panics.
func FuzzOpen(f *testing.F) {
	b := NewBuilder(10)
	b.AddText("sg-0ecc76ac9b16d1e14 arn:aws:iam::123456789012:user/alice")
	f.Add(b.Encode())
	f.Add([]byte(magic))
	b.AddEvent(&cloudtrail.Event{EventTime: &fuzzTime})
	f.Add(b.Encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		Verify(data)
		sc, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		sc.MayHave(EqualProbe("sg-0ecc76ac9b16d1e14"))
		sc.MayHave(LikeProbe("%user/alice%"))
		if s, ok := sc.Summary(); ok && (s.Timed > s.Rows || s.Ranged && s.Timed > 0 && s.MinTime > s.MaxTime) {
			t.Errorf("Open accepted an impossible summary %+v", s)
		}
	})
}

// FuzzBuild checks that whatever values go in, each is found again, by
// equality and by LIKE on each of its tokens.
func FuzzBuild(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:user/alice", `{"a":"b\u0041cdefg"}`, "%user/al%")
	f.Fuzz(func(t *testing.T, text, js, like string) {
		b := NewBuilder(10)
		b.AddText(text)
		b.AddJSON(js)
		data := b.Encode()
		ix, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{text, js} {
			if len(v) >= MinLen && !ix.MayHave(EqualProbe(v)) {
				t.Errorf("value %q not found", v)
			}
			Tokens(v, func(tok string) {
				if !ix.MayHave(LikeProbe("%" + tok + "%")) {
					t.Errorf("value %q: LIKE %%%s%% not found", v, tok)
				}
			})
			if likeMatches(like, v) && !ix.MayHave(LikeProbe(like)) {
				t.Errorf("%q LIKE %q, but the index says no", v, like)
			}
		}
	})
}

// likeMatches is SQL's LIKE (% and _, no escape), for the fuzz target.
func likeMatches(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatches(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatches(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && likeMatches(pattern[1:], s[1:])
}

// TestSeenSet checks the set of short values against a map, through
// growth and the reset at maxSeenValues.
func TestSeenSet(t *testing.T) {
	var s seenSet
	want := map[string]bool{}
	for i := range 3 * maxSeenValues {
		v := fmt.Sprintf("value-%d", i%(maxSeenValues+maxSeenValues/2))
		if s.n == maxSeenValues {
			clear(want) // the set starts afresh
		}
		if got := s.add(v); got != !want[v] {
			t.Fatalf("add(%q) #%d = %v, want %v", v, i, got, !want[v])
		}
		want[v] = true
		if s.n != len(want) {
			t.Fatalf("after %d adds the set holds %d values, want %d", i+1, s.n, len(want))
		}
	}
}
