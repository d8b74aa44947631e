package cloudtrail

import (
	"reflect"
	"strconv"
	"strings"
	"unsafe"
)

// The mapping between a record's keys and the lake's columns is written
// once, as the ct tag of each field of Event and of the structs nested in
// it, next to the parquet tag that names the column:
//
//	ct:"<key>[,json|,object|,bool][,order=<n>]"
//
// <key> is the key as CloudTrail spells it in a record (sourceIPAddress,
// recipientAccountId); "-" marks one of trailsql's helper columns, which no
// record key fills. The value's kind is a JSON string unless the tag says:
//
//   - json: the column holds the value's JSON text, whatever the value is
//     (requestParameters);
//   - object: as json, but a value that is not an object keeps the record
//     whole (see Event.Raw);
//   - bool: the column holds a JSON boolean as "true" or "false".
//
// A pointer to a struct, or a slice of structs, is an object or a list of
// objects with the keys of that struct's tags. order=<n> gives the key's
// place among its siblings in CloudTrail's records, where CloudTrail's order
// differs from the columns' (Athena's DDL); within one struct either no field
// has an order or every field has one, and Rebuild writes the keys in that
// order.
//
// DecodeEvent, Rebuild and the query package's logs view (record.eventName)
// all read this mapping, through eventFields.

// eventFields is the mapping of Event, read from its tags once, when the
// package is initialised, and never changed afterwards: an immutable table,
// so that decoding a record does no reflection.
var eventFields = newFieldTable(reflect.TypeFor[Event]())

// fieldKind is how a field's value is decoded and rebuilt.
type fieldKind uint8

const (
	kindHelper fieldKind = iota // a helper column: no record key fills it
	kindString                  // *string: a JSON string
	kindBool                    // *string: a JSON boolean, as "true" or "false"
	kindJSON                    // *string: any JSON value, as its text
	kindObject                  // *string: a JSON object, as its text
	kindStruct                  // pointer to a struct: an object
	kindList                    // slice of structs: a list of objects
)

// field is one field of a struct of the record model.
type field struct {
	name   string // the Go field name
	column string // the lake's column name (parquet tag)
	key    string // the record's key (ct tag); empty for helpers
	kind   fieldKind
	offset uintptr     // the field's offset in its struct
	sub    *fieldTable // the fields of a struct, or of a list's elements
	// newStruct returns a new zero struct for a kindStruct field.
	newStruct func(d *eventDecoder) unsafe.Pointer
	// list operates on the slice of a kindList field.
	list *listOps
}

// fieldTable is the mapping of one struct type.
type fieldTable struct {
	typ    reflect.Type
	fields []field // every field of the struct, in the struct's order
	// keys are the record keys of the struct, and keyField the index in
	// fields of each: the fields without helpers, in the struct's order.
	keys     []string
	keyField []uint8
	// byKey maps a key to its index in keys, and fold does so for the
	// lower-cased key.
	byKey map[string]uint8
	fold  map[string]uint8
	// index finds a key's index in keys faster than byKey (see lookup).
	index keyIndex
	// order is the index in fields of each key, in CloudTrail's order.
	order []uint8
}

// listOps operate on a slice of structs without reflection.
type listOps struct {
	// start sets the slice at p to an empty slice that is not nil.
	start func(d *eventDecoder, p unsafe.Pointer)
	// add appends a zero element to the slice at p and returns it.
	add func(p unsafe.Pointer) unsafe.Pointer
	// isNil reports whether the slice at p is nil.
	isNil func(p unsafe.Pointer) bool
	// each calls fn with every element of the slice at p.
	each func(p unsafe.Pointer, fn func(i int, elem unsafe.Pointer))
}

// newFieldTable reads the mapping of struct type t from its tags. A tag
// that is missing or malformed is a bug in the record model, so it panics:
// every test of the package would fail at once.
func newFieldTable(t reflect.Type) *fieldTable {
	ft := &fieldTable{typ: t, byKey: map[string]uint8{}, fold: map[string]uint8{}}
	ordered := 0
	var ranks []int
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("ct")
		if !ok {
			panic("BUG: cloudtrail: field " + t.Name() + "." + sf.Name + " has no ct tag (record key)")
		}
		f := field{name: sf.Name, column: strings.Split(sf.Tag.Get("parquet"), ",")[0], offset: sf.Offset}
		opts := strings.Split(tag, ",")
		f.key = opts[0]
		rank := -1
		for _, o := range opts[1:] {
			switch {
			case o == "json":
				f.kind = kindJSON
			case o == "object":
				f.kind = kindObject
			case o == "bool":
				f.kind = kindBool
			case strings.HasPrefix(o, "order="):
				n, err := strconv.Atoi(o[len("order="):])
				if err != nil || n < 0 {
					panic("BUG: cloudtrail: bad order in the ct tag of " + t.Name() + "." + sf.Name)
				}
				rank = n
			default:
				panic("BUG: cloudtrail: unknown option " + o + " in the ct tag of " + t.Name() + "." + sf.Name)
			}
		}
		if f.key == "-" {
			f.key, f.kind = "", kindHelper
			ft.fields = append(ft.fields, f)
			continue
		}
		if f.key == "" {
			panic("BUG: cloudtrail: empty record key in the ct tag of " + t.Name() + "." + sf.Name)
		}
		typ := sf.Type
		switch {
		case typ.Kind() == reflect.Pointer && typ.Elem().Kind() == reflect.String:
			if f.kind == kindHelper {
				f.kind = kindString
			}
		case typ.Kind() == reflect.Pointer && typ.Elem().Kind() == reflect.Struct && f.kind == kindHelper:
			f.kind = kindStruct
			f.sub = newFieldTable(typ.Elem())
			f.newStruct = structAllocator(typ.Elem())
		case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Struct && f.kind == kindHelper:
			f.kind = kindList
			f.sub = newFieldTable(typ.Elem())
			f.list = listOpsOf(typ.Elem())
		default:
			panic("BUG: cloudtrail: no record encoding for " + t.Name() + "." + sf.Name + " of type " + typ.String())
		}
		if _, dup := ft.byKey[f.key]; dup {
			panic("BUG: cloudtrail: two fields of " + t.Name() + " have the record key " + f.key)
		}
		if _, dup := ft.fold[strings.ToLower(f.key)]; dup {
			panic("BUG: cloudtrail: two fields of " + t.Name() + " have record keys that differ only in case: " + f.key)
		}
		if len(ft.keys) >= 64 || i > 255 {
			panic("BUG: cloudtrail: " + t.Name() + " has too many fields for the decoder's bit sets")
		}
		ft.byKey[f.key] = uint8(len(ft.keys))
		ft.fold[strings.ToLower(f.key)] = uint8(len(ft.keys))
		ft.keys = append(ft.keys, f.key)
		ft.keyField = append(ft.keyField, uint8(i))
		if rank >= 0 {
			ordered++
		}
		ranks = append(ranks, rank)
		ft.fields = append(ft.fields, f)
	}
	ft.index = newKeyIndex(ft.keys)
	switch ordered {
	case 0:
		ft.order = ft.keyField
	case len(ft.keys):
		ft.order = make([]uint8, len(ft.keys))
		placed := make([]bool, len(ft.keys))
		for k, r := range ranks {
			if r >= len(ft.keys) || placed[r] {
				panic("BUG: cloudtrail: the order= options of " + t.Name() + " are not 0..n-1, each once")
			}
			placed[r] = true
			ft.order[r] = ft.keyField[k]
		}
	default:
		panic("BUG: cloudtrail: some fields of " + t.Name() + " have an order= option and others not")
	}
	return ft
}

// lookup returns the index in keys of the key whose text (without quotes)
// is k, or -1.
func (ft *fieldTable) lookup(k []byte) int { return ft.index.find(k) }

// structAllocator returns how the decoder makes a new struct of type t. The
// structs most records have come from the record's eventAlloc (the first of
// each type in a record; a repeated key gets a fresh one), the rare ones
// from the heap.
func structAllocator(t reflect.Type) func(d *eventDecoder) unsafe.Pointer {
	switch t {
	case reflect.TypeFor[UserIdentity]():
		return pooled(0, func(a *eventAlloc) *UserIdentity { return &a.ui })
	case reflect.TypeFor[SessionContext]():
		return pooled(1, func(a *eventAlloc) *SessionContext { return &a.sc })
	case reflect.TypeFor[SessionAttributes]():
		return pooled(2, func(a *eventAlloc) *SessionAttributes { return &a.sa })
	case reflect.TypeFor[SessionIssuer]():
		return pooled(3, func(a *eventAlloc) *SessionIssuer { return &a.si })
	case reflect.TypeFor[WebIDFederationData]():
		return pooled(4, func(a *eventAlloc) *WebIDFederationData { return &a.wf })
	case reflect.TypeFor[TLSDetails]():
		return pooled(5, func(a *eventAlloc) *TLSDetails { return &a.tls })
	case reflect.TypeFor[OnBehalfOf]():
		return heap[OnBehalfOf]
	case reflect.TypeFor[Addendum]():
		return heap[Addendum]
	}
	panic("BUG: cloudtrail: no allocator for the record struct " + t.String())
}

// pooled hands out slot's struct the first time in a record (bit marks it
// used), and a new one after that.
func pooled[T any](bit uint, slot func(a *eventAlloc) *T) func(d *eventDecoder) unsafe.Pointer {
	return func(d *eventDecoder) unsafe.Pointer {
		if d.alloc != nil && d.pooled&(1<<bit) == 0 {
			d.pooled |= 1 << bit
			return unsafe.Pointer(slot(d.alloc))
		}
		return unsafe.Pointer(new(T))
	}
}

func heap[T any](*eventDecoder) unsafe.Pointer { return unsafe.Pointer(new(T)) }

// listOpsOf returns the operations on a slice of elem.
func listOpsOf(elem reflect.Type) *listOps {
	switch elem {
	case reflect.TypeFor[Resource]():
		return sliceOps(func(d *eventDecoder) []Resource {
			if d.alloc != nil && d.pooled&(1<<6) == 0 {
				d.pooled |= 1 << 6
				return d.alloc.res[:0:len(d.alloc.res)]
			}
			return []Resource{}
		})
	}
	panic("BUG: cloudtrail: no list operations for the record struct " + elem.String())
}

func sliceOps[T any](empty func(d *eventDecoder) []T) *listOps {
	return &listOps{
		start: func(d *eventDecoder, p unsafe.Pointer) { *(*[]T)(p) = empty(d) },
		add: func(p unsafe.Pointer) unsafe.Pointer {
			s := (*[]T)(p)
			var zero T
			*s = append(*s, zero)
			return unsafe.Pointer(&(*s)[len(*s)-1])
		},
		isNil: func(p unsafe.Pointer) bool { return *(*[]T)(p) == nil },
		each: func(p unsafe.Pointer, fn func(int, unsafe.Pointer)) {
			s := *(*[]T)(p)
			for i := range s {
				fn(i, unsafe.Pointer(&s[i]))
			}
		},
	}
}

// RecordKey returns the key that CloudTrail gives, in a record, to the
// lake's column at path (lake names, from a top-level column down through
// struct fields, a list's elements included: "useridentity",
// "sessioncontext", "sessionissuer", "username" gives "userName"). It
// reports false for a path that is not a column, and for trailsql's helper
// columns, which no record key fills.
func RecordKey(path ...string) (string, bool) {
	ft := eventFields
	for i, name := range path {
		var f *field
		for j := range ft.fields {
			if ft.fields[j].column == name {
				f = &ft.fields[j]
				break
			}
		}
		if f == nil || f.kind == kindHelper {
			return "", false
		}
		if i == len(path)-1 {
			return f.key, true
		}
		if f.sub == nil {
			return "", false
		}
		ft = f.sub
	}
	return "", false
}
