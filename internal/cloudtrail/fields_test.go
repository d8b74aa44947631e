package cloudtrail_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// tagKey is one field's ct tag, read here independently of the package.
type tagKey struct {
	field  reflect.StructField
	key    string // "" for a helper column
	column string
	kind   string // "", "json", "object" or "bool"
	order  int    // -1 when the tag has none
}

func readTags(t *testing.T, typ reflect.Type) []tagKey {
	t.Helper()
	var out []tagKey
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag, ok := f.Tag.Lookup("ct")
		if !ok || tag == "" || strings.HasPrefix(tag, ",") {
			t.Errorf("%s.%s has no record key (ct tag)", typ.Name(), f.Name)
			continue
		}
		opts := strings.Split(tag, ",")
		k := tagKey{field: f, key: opts[0], column: strings.Split(f.Tag.Get("parquet"), ",")[0], order: -1}
		if k.key == "-" {
			k.key = ""
		}
		for _, o := range opts[1:] {
			if n, ok := strings.CutPrefix(o, "order="); ok {
				k.order, _ = strconv.Atoi(n)
			} else {
				k.kind = o
			}
		}
		out = append(out, k)
	}
	return out
}

// nestedType returns the struct type of a field that is a struct or a list
// of structs, or nil.
func nestedType(f reflect.StructField) reflect.Type {
	typ := f.Type
	if typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	if typ.Kind() == reflect.Struct {
		return typ
	}
	return nil
}

// TestRecordKeysComplete checks that every field of Event, and of the
// structs in it, has a record key (or is marked a helper), that no two
// fields of one struct share a key (even in different case), and that the
// order= options of a struct, if any, number its keys 0..n-1.
func TestRecordKeysComplete(t *testing.T) {
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		seen := map[string]string{}
		var orders []int
		keys := 0
		for _, k := range readTags(t, typ) {
			if k.key == "" {
				if path != "" {
					t.Errorf("%s.%s: helper columns are top-level only", path, k.field.Name)
				}
				continue
			}
			keys++
			if other, dup := seen[strings.ToLower(k.key)]; dup {
				t.Errorf("%s: fields %s and %s both map to the record key %q", typ.Name(), other, k.field.Name, k.key)
			}
			seen[strings.ToLower(k.key)] = k.field.Name
			if k.order >= 0 {
				orders = append(orders, k.order)
			}
			if got, ok := cloudtrail.RecordKey(strings.Split(strings.TrimPrefix(path+"."+k.column, "."), ".")...); !ok || got != k.key {
				t.Errorf("RecordKey(%s.%s) = %q, %v; want %q", path, k.column, got, ok, k.key)
			}
			if sub := nestedType(k.field); sub != nil {
				walk(sub, strings.TrimPrefix(path+"."+k.column, "."))
			}
		}
		if len(orders) > 0 {
			sort.Ints(orders)
			for i, o := range orders {
				if o != i || len(orders) != keys {
					t.Errorf("%s: the order= options %v do not number its %d keys 0..n-1", typ.Name(), orders, keys)
					break
				}
			}
		}
	}
	walk(reflect.TypeFor[cloudtrail.Event](), "")
	if _, ok := cloudtrail.RecordKey("_raw"); ok {
		t.Error("RecordKey(_raw) reports a record key for a helper column")
	}
	if _, ok := cloudtrail.RecordKey("useridentity", "nosuch"); ok {
		t.Error("RecordKey(useridentity.nosuch) reports a record key")
	}
}

// TestRecordKeysRebuild sets every field of an Event, rebuilds the record
// and checks it byte for byte against the record written here from the
// tags (keys, their order, value encodings); the rebuilt record decodes to
// the same Event.
func TestRecordKeysRebuild(t *testing.T) {
	var e cloudtrail.Event
	var fill func(v reflect.Value, path string) []byte
	fill = func(v reflect.Value, path string) []byte {
		var b bytes.Buffer
		tags := readTags(t, v.Type())
		order := make([]tagKey, 0, len(tags))
		for _, k := range tags {
			if k.key != "" {
				order = append(order, k)
			}
		}
		sort.SliceStable(order, func(i, j int) bool { return order[i].order < order[j].order })
		b.WriteByte('{')
		for i, k := range order {
			if i > 0 {
				b.WriteByte(',')
			}
			name, _ := json.Marshal(k.key)
			b.Write(name)
			b.WriteByte(':')
			p := path + "." + k.key
			fv := v.FieldByIndex(k.field.Index)
			switch {
			case fv.Kind() == reflect.Slice:
				s := reflect.MakeSlice(fv.Type(), 2, 2)
				b.WriteByte('[')
				for j := 0; j < 2; j++ {
					if j > 0 {
						b.WriteByte(',')
					}
					b.Write(fill(s.Index(j), p+strconv.Itoa(j)))
				}
				b.WriteByte(']')
				fv.Set(s)
			case fv.Type().Elem().Kind() == reflect.Struct:
				s := reflect.New(fv.Type().Elem())
				b.Write(fill(s.Elem(), p))
				fv.Set(s)
			default:
				var text, val string
				switch k.kind {
				case "bool":
					val = strconv.FormatBool(len(p)%2 == 0)
					text = val
				case "json", "object":
					val = `{"at":` + strconv.Quote(p) + `,"n":[1,null]}`
					text = val
				case "":
					val = "value of " + p + " \"quoted\" é"
					q, _ := json.Marshal(val)
					text = string(q)
				default:
					t.Fatalf("%s: unknown kind %q", p, k.kind)
				}
				fv.Set(reflect.ValueOf(&val))
				b.WriteString(text)
			}
		}
		b.WriteByte('}')
		return b.Bytes()
	}
	want := fill(reflect.ValueOf(&e).Elem(), "")
	got := cloudtrail.Rebuild(&e)
	if !bytes.Equal(got, want) {
		t.Fatalf("Rebuild of an event with every field set\n got %s\nwant %s", got, want)
	}
	back, err := cloudtrail.DecodeEvent(got)
	if err != nil {
		t.Fatal(err)
	}
	if back.Raw != nil || back.Extra != nil || back.Nulls != nil {
		t.Fatalf("decoding the rebuilt record: Raw %v, Extra %v, Nulls %v", back.Raw != nil, back.Extra != nil, back.Nulls != nil)
	}
	back.FP, back.Hash = 0, 0
	if !reflect.DeepEqual(back, &e) {
		a, _ := json.Marshal(back)
		b, _ := json.Marshal(&e)
		t.Fatalf("the rebuilt record decodes to another event\n got %s\nwant %s", a, b)
	}
}
