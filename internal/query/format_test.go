package query

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// formatResult is a result with every kind of value Write handles.
func formatResult() *Result {
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	return &Result{
		Columns: []Column{{Name: "s", Type: "VARCHAR"}, {Name: "n", Type: "BIGINT"}, {Name: "f", Type: "DOUBLE"}, {Name: "b", Type: "BOOLEAN"}, {Name: "nul", Type: "VARCHAR"},
			{Name: "tz", Type: "TIMESTAMP WITH TIME ZONE"}, {Name: "d", Type: "DATE"}, {Name: "nested", Type: "STRUCT(a INTEGER)"}, {Name: "h", Type: "HUGEINT"}, {Name: "s", Type: "VARCHAR"}},
		Rows: [][]any{
			{`plain`, int64(1), 2.5, true, nil, time.Date(2019, 9, 30, 10, 15, 0, 0, time.UTC), time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC),
				json.RawMessage(`{"a":1,"z":[true,null],"é":"x"}`), big1, "dup"},
			{"comma, \"quote\"\nnew line", int64(-7), 1e20, false, nil, time.Date(2019, 10, 1, 23, 59, 59, 123000000, time.UTC), time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC),
				json.RawMessage(`[]`), int64(3), ""},
		},
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	r := formatResult()
	var b bytes.Buffer
	if err := Write(&b, r, "csv", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\r\n") {
		t.Error("CSV lines do not end with CRLF (RFC 4180)")
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"s", "n", "f", "b", "nul", "tz", "d", "nested", "h", "s"},
		{"plain", "1", "2.5", "true", "", "2019-09-30 10:15:00.000 UTC", "2019-09-30", `{"a":1,"z":[true,null],"é":"x"}`, "123456789012345678901234567890", "dup"},
		{"comma, \"quote\"\nnew line", "-7", "1e+20", "false", "", "2019-10-01 23:59:59.123 UTC", "2019-10-01", "[]", "3", ""},
	}
	sameRows(t, recs, want, false)
}

func TestWriteJSONRoundTrip(t *testing.T) {
	r := formatResult()
	check := func(objs []map[string]any) {
		t.Helper()
		if len(objs) != 2 {
			t.Fatalf("%d objects, want 2", len(objs))
		}
		o := objs[0]
		if o["s"] != "plain" || o["n"] != json.Number("1") || o["f"] != json.Number("2.5") || o["b"] != true || o["nul"] != nil {
			t.Errorf("scalars: %v", o)
		}
		if _, ok := o["nul"]; !ok {
			t.Error("NULL column missing; want null")
		}
		if o["tz"] != "2019-09-30T10:15:00Z" || o["d"] != "2019-09-30T00:00:00Z" {
			t.Errorf("times: %v %v", o["tz"], o["d"])
		}
		nested, ok := o["nested"].(map[string]any)
		if !ok || nested["a"] != json.Number("1") || nested["é"] != "x" {
			t.Errorf("nested: %#v", o["nested"])
		}
		if o["h"] != json.Number("123456789012345678901234567890") || o["s_2"] != "dup" {
			t.Errorf("big number or repeated name: %v %v", o["h"], o["s_2"])
		}
		if objs[1]["s"] != "comma, \"quote\"\nnew line" {
			t.Errorf("string escaping: %q", objs[1]["s"])
		}
	}
	var b bytes.Buffer
	if err := Write(&b, r, "json", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	d := json.NewDecoder(&b)
	d.UseNumber()
	if err := d.Decode(&objs); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	check(objs)
	// Keys follow the column order.
	b.Reset()
	Write(&b, r, "json", WriteOptions{})
	if !strings.HasPrefix(b.String(), "[\n{\"s\":\"plain\",\"n\":1,\"f\":2.5,\"b\":true,\"nul\":null,") {
		t.Errorf("json starts %q", b.String()[:60])
	}

	b.Reset()
	if err := Write(&b, r, "jsonl", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	objs = nil
	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		var o map[string]any
		d := json.NewDecoder(strings.NewReader(sc.Text()))
		d.UseNumber()
		if err := d.Decode(&o); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		objs = append(objs, o)
	}
	check(objs)

	// An empty result is an empty array, and no lines.
	empty := &Result{Columns: []Column{{Name: "a", Type: "VARCHAR"}}}
	b.Reset()
	Write(&b, empty, "json", WriteOptions{})
	if strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("empty json = %q", b.String())
	}
	b.Reset()
	Write(&b, empty, "jsonl", WriteOptions{})
	if b.Len() != 0 {
		t.Errorf("empty jsonl = %q", b.String())
	}
}

func TestWriteTable(t *testing.T) {
	r := &Result{Columns: []Column{{Name: "eventname", Type: "VARCHAR"}, {Name: "requestparameters", Type: "VARCHAR"}, {Name: "n", Type: "BIGINT"}}}
	for i := 0; i < 30; i++ {
		r.Rows = append(r.Rows, []any{"AuthorizeSecurityGroupIngress", `{"groupId":"sg-0ecc76ac9b16d1e14","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":23}]}}` + "\nsecond line", int64(i)})
	}
	r.Rows[0][1] = nil
	var b bytes.Buffer
	if err := Write(&b, r, "table", WriteOptions{Width: 80, MaxRows: 10}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 2+10+1 {
		t.Fatalf("%d lines, want header, rule, 10 rows and a note:\n%s", len(lines), b.String())
	}
	for _, l := range lines[:12] {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("line is %d wide, more than 80: %q", n, l)
		}
	}
	if !strings.Contains(lines[2], "NULL") || !strings.Contains(lines[3], "…") {
		t.Errorf("NULL or cut cells not shown:\n%s", b.String())
	}
	if note := lines[len(lines)-1]; !strings.Contains(note, "30 rows; 10 shown") {
		t.Errorf("note = %q", note)
	}
	// Everything shown when it fits.
	b.Reset()
	Write(&b, &Result{Columns: []Column{{Name: "a", Type: "INTEGER"}}, Rows: [][]any{{int64(1)}}}, "table", WriteOptions{})
	if b.String() != "a\n-\n1\n(1 row)\n" {
		t.Errorf("small table = %q", b.String())
	}
	if err := Write(&b, r, "xml", WriteOptions{}); err == nil || !strings.Contains(err.Error(), "table, csv, json, jsonl") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestWriteQueryResults writes real results of the fixture in every format
// and reads them back.
func TestWriteQueryResults(t *testing.T) {
	e, evs, _ := openFixture(t)
	r := mustQuery(t, e, "SELECT * FROM cloudtrail ORDER BY eventtime")
	var b bytes.Buffer
	if err := Write(&b, r, "csv", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != len(evs)+1 || len(recs[0]) != len(r.Columns) {
		t.Fatalf("csv: %d records, %v", len(recs), err)
	}
	for _, format := range []string{"json", "jsonl"} {
		b.Reset()
		if err := Write(&b, r, format, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		var objs []map[string]any
		if format == "json" {
			err = json.Unmarshal(b.Bytes(), &objs)
		} else {
			for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
				var o map[string]any
				if err = json.Unmarshal([]byte(line), &o); err != nil {
					break
				}
				objs = append(objs, o)
			}
		}
		if err != nil || len(objs) != len(evs) {
			t.Fatalf("%s: %d objects, %v", format, len(objs), err)
		}
		for i, ev := range evs {
			o := objs[i]
			if o["eventid"] != ev.ID {
				t.Fatalf("%s: row %d is %v, want %s", format, i, o["eventid"], ev.ID)
			}
			uid, _ := o["useridentity"].(map[string]any)
			if ev.User.ARN != "" && (uid == nil || uid["arn"] != ev.User.ARN) {
				t.Errorf("%s: useridentity of %s = %v", format, ev.ID, o["useridentity"])
			}
			if len(ev.Resources) > 0 {
				res, _ := o["resources"].([]any)
				if len(res) != len(ev.Resources) || res[0].(map[string]any)["arn"] != ev.Resources[0].ARN {
					t.Errorf("%s: resources of %s = %v", format, ev.ID, o["resources"])
				}
			}
			if ev.Req != "" && o["requestparameters"] != ev.Req {
				t.Errorf("%s: requestparameters of %s = %v", format, ev.ID, o["requestparameters"])
			}
		}
	}
}
