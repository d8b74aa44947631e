package cloudtrail

import (
	"encoding/binary"
	"errors"
	"reflect"
	"unsafe"
)

// The compact form of an Event is its values, and nothing else, in one
// run of bytes without pointers: ingest keeps the events it has decoded
// but not yet written in this form, in byte arenas, so that the garbage
// collector has nothing to scan in them and the decompressed objects they
// came from can be reused at once.
//
// The form is EventTimestamp (a byte 0 for NULL, else 1 and 8 bytes little
// endian), then EventID, then every other field of Event in the order of
// its struct, nested structs and lists included:
//
//   - a *string is uvarint(0) for NULL, else uvarint(len+1) and its bytes;
//   - an int64 is 8 bytes little endian, a *int64 as EventTimestamp;
//   - a pointer to a struct is a byte 0 for nil, else 1 and its fields;
//   - a list is uvarint(0) for nil, else uvarint(n+1) and n elements.
//
// It is private to one process: it is never stored.

// compactKind is how one field is written in the compact form.
type compactKind uint8

const (
	cString compactKind = iota
	cInt64
	cInt64Ptr
	cStruct
	cList
)

type compactField struct {
	offset uintptr
	kind   compactKind
	f      *field // the record field (for structs and lists), nil for helpers
	sub    []compactField
	elem   uintptr // the size of a list's element
}

// compactEvent lists Event's fields in their compact order; built once.
var compactEvent = compactFieldsOf(eventFields, true)

func compactFieldsOf(ft *fieldTable, top bool) []compactField {
	var out []compactField
	var first []compactField
	for i := range ft.fields {
		f := &ft.fields[i]
		sf, _ := ft.typ.FieldByName(f.name)
		cf := compactField{offset: f.offset}
		switch f.kind {
		case kindString, kindBool, kindJSON, kindObject:
			cf.kind = cString
		case kindStruct:
			cf.kind, cf.f, cf.sub = cStruct, f, compactFieldsOf(f.sub, false)
		case kindList:
			cf.kind, cf.f, cf.sub, cf.elem = cList, f, compactFieldsOf(f.sub, false), sf.Type.Elem().Size()
		case kindHelper:
			switch sf.Type {
			case reflect.TypeFor[*string]():
				cf.kind = cString
			case reflect.TypeFor[*int64]():
				cf.kind = cInt64Ptr
			case reflect.TypeFor[int64]():
				cf.kind = cInt64
			default:
				panic("BUG: cloudtrail: no compact form for " + ft.typ.Name() + "." + f.name)
			}
		}
		if top && (f.name == "EventTimestamp" || f.name == "EventID") {
			if f.name == "EventTimestamp" {
				first = append([]compactField{cf}, first...)
			} else {
				first = append(first, cf)
			}
			continue
		}
		out = append(out, cf)
	}
	if top && len(first) != 2 {
		panic("BUG: cloudtrail: Event has no EventTimestamp or EventID")
	}
	return append(first, out...)
}

// AppendCompact appends the compact form of e to dst.
func AppendCompact(dst []byte, e *Event) []byte {
	return appendCompact(dst, unsafe.Pointer(e), compactEvent)
}

func appendCompact(dst []byte, base unsafe.Pointer, fields []compactField) []byte {
	for i := range fields {
		cf := &fields[i]
		p := unsafe.Add(base, cf.offset)
		switch cf.kind {
		case cString:
			s := *(**string)(p)
			if s == nil {
				dst = append(dst, 0)
				continue
			}
			dst = binary.AppendUvarint(dst, uint64(len(*s))+1)
			dst = append(dst, *s...)
		case cInt64:
			dst = binary.LittleEndian.AppendUint64(dst, uint64(*(*int64)(p)))
		case cInt64Ptr:
			v := *(**int64)(p)
			if v == nil {
				dst = append(dst, 0)
				continue
			}
			dst = append(dst, 1)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(*v))
		case cStruct:
			s := *(*unsafe.Pointer)(p)
			if s == nil {
				dst = append(dst, 0)
				continue
			}
			dst = append(dst, 1)
			dst = appendCompact(dst, s, cf.sub)
		case cList:
			data, n := unsafe.SliceData(*(*[]byte)(p)), len(*(*[]byte)(p))
			if data == nil {
				dst = append(dst, 0)
				continue
			}
			dst = binary.AppendUvarint(dst, uint64(n)+1)
			for j := range n {
				dst = appendCompact(dst, unsafe.Add(unsafe.Pointer(data), uintptr(j)*cf.elem), cf.sub)
			}
		}
	}
	return dst
}

// errCompact marks compact bytes that AppendCompact did not write.
var errCompact = errors.New("BUG: cloudtrail: corrupt compact event")

// CompactKey returns the time (EventTimestamp, 0 for NULL) and eventID
// (nil for NULL) of the compact event at the start of b, by which data
// files are sorted, without decoding the rest.
func CompactKey(b []byte) (int64, []byte) {
	var ts int64
	if len(b) >= 9 && b[0] == 1 {
		ts = int64(binary.LittleEndian.Uint64(b[1:9]))
		b = b[9:]
	} else if len(b) > 0 {
		b = b[1:]
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n == 0 || uint64(len(b)-k) < n-1 {
		return ts, nil
	}
	return ts, b[k : k+int(n-1)]
}

// Thawer turns compact events back into Events, with memory reused from
// one batch to the next: the Events it returns share the compact bytes
// (which must not change while they are used), and are valid until Reset.
type Thawer struct {
	allocs []eventAlloc
	n      int
	d      eventDecoder
}

// Reset makes the memory of every Event thawed so far free for reuse.
func (t *Thawer) Reset() {
	clear(t.allocs[:t.n])
	t.n = 0
}

// Thaw decodes the compact event at the start of b and returns it and the
// length of its compact form.
func (t *Thawer) Thaw(b []byte) (*Event, int, error) {
	if t.n == len(t.allocs) {
		t.allocs = append(t.allocs, eventAlloc{})
		t.allocs = t.allocs[:cap(t.allocs)]
	}
	a := &t.allocs[t.n]
	t.n++
	t.d = eventDecoder{e: &a.e, slab: &a.slab, alloc: a}
	d := &t.d
	r := compactReader{b: b}
	r.fields(d, unsafe.Pointer(d.e), compactEvent)
	if r.bad {
		return nil, 0, errCompact
	}
	return d.e, r.pos, nil
}

type compactReader struct {
	b   []byte
	pos int
	bad bool
}

func (r *compactReader) byte() byte {
	if r.pos >= len(r.b) {
		r.bad = true
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *compactReader) uvarint() uint64 {
	if c := r.byte(); c < 0x80 || r.bad {
		return uint64(c)
	}
	r.pos--
	v, k := binary.Uvarint(r.b[r.pos:])
	if k <= 0 {
		r.bad = true
		return 0
	}
	r.pos += k
	return v
}

func (r *compactReader) int64() int64 {
	if len(r.b)-r.pos < 8 {
		r.bad = true
		return 0
	}
	v := int64(binary.LittleEndian.Uint64(r.b[r.pos:]))
	r.pos += 8
	return v
}

func (r *compactReader) fields(d *eventDecoder, base unsafe.Pointer, fields []compactField) {
	for i := range fields {
		if r.bad {
			return
		}
		cf := &fields[i]
		p := unsafe.Add(base, cf.offset)
		switch cf.kind {
		case cString:
			n := r.uvarint()
			if n == 0 {
				continue
			}
			n--
			if uint64(len(r.b)-r.pos) < n {
				r.bad = true
				return
			}
			var s string
			if n > 0 {
				s = unsafe.String(&r.b[r.pos], int(n))
			}
			r.pos += int(n)
			*(**string)(p) = d.ptr(s)
		case cInt64:
			*(*int64)(p) = r.int64()
		case cInt64Ptr:
			if r.byte() == 0 {
				continue
			}
			v := r.int64()
			if d.alloc != nil && d.pooled&(1<<7) == 0 {
				d.pooled |= 1 << 7
				d.alloc.ts = v
				*(**int64)(p) = &d.alloc.ts
			} else {
				q := new(int64) // not &v: v would be moved to the heap on every call
				*q = v
				*(**int64)(p) = q
			}
		case cStruct:
			if r.byte() == 0 {
				continue
			}
			s := cf.f.newStruct(d)
			*(*unsafe.Pointer)(p) = s
			r.fields(d, s, cf.sub)
		case cList:
			n := r.uvarint()
			if n == 0 {
				continue
			}
			if n-1 > uint64(len(r.b)-r.pos) {
				r.bad = true
				return
			}
			cf.f.list.start(d, p)
			for range n - 1 {
				r.fields(d, cf.f.list.add(p), cf.sub)
			}
		}
	}
}
