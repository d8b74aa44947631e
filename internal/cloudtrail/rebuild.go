package cloudtrail

import (
	"encoding/json"
	"strings"
	"unsafe"
)

// Rebuild returns the JSON text of the source record that e was decoded
// from. The result equals the source as JSON (same members and values); it is
// the source byte for byte when the record was kept whole (Raw), and has
// CloudTrail's key order otherwise (the order of Event's fields, but for the
// order= options of their ct tags), then the keys that were null, then the
// keys without a column.
func Rebuild(e *Event) []byte {
	if e.Raw != nil {
		return []byte(*e.Raw)
	}
	w := jsonWriter{buf: make([]byte, 0, 1024)}
	w.open()
	w.members(unsafe.Pointer(e), eventFields)
	if e.Nulls != nil {
		for _, k := range strings.Split(*e.Nulls, ",") {
			w.key(k)
			w.buf = append(w.buf, "null"...)
		}
	}
	if e.Extra != nil && len(*e.Extra) > 2 {
		inner := (*e.Extra)[1 : len(*e.Extra)-1]
		if !w.first {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, inner...)
	}
	w.buf = append(w.buf, '}')
	return w.buf
}

// members writes the members of the struct at base, which ft maps, in
// CloudTrail's order; nil fields are absent keys.
func (w *jsonWriter) members(base unsafe.Pointer, ft *fieldTable) {
	for _, i := range ft.order {
		f := &ft.fields[i]
		p := unsafe.Add(base, f.offset)
		switch f.kind {
		case kindString:
			w.str(f.key, *(**string)(p))
		case kindBool:
			w.boolean(f.key, *(**string)(p))
		case kindJSON, kindObject:
			w.raw(f.key, *(**string)(p))
		case kindStruct:
			s := *(*unsafe.Pointer)(p)
			if s == nil {
				continue
			}
			w.key(f.key)
			w.open()
			w.members(s, f.sub)
			w.close()
		case kindList:
			if f.list.isNil(p) {
				continue
			}
			w.key(f.key)
			w.buf = append(w.buf, '[')
			f.list.each(p, func(i int, elem unsafe.Pointer) {
				if i > 0 {
					w.buf = append(w.buf, ',')
				}
				w.open()
				w.members(elem, f.sub)
				w.close()
			})
			w.buf = append(w.buf, ']')
			w.first = false
		}
	}
}

type jsonWriter struct {
	buf   []byte
	first bool
}

func (w *jsonWriter) open() {
	w.buf = append(w.buf, '{')
	w.first = true
}

func (w *jsonWriter) close() {
	w.buf = append(w.buf, '}')
	w.first = false
}

func (w *jsonWriter) key(k string) {
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, k...)
	w.buf = append(w.buf, '"', ':')
}

func (w *jsonWriter) str(k string, v *string) {
	if v == nil {
		return
	}
	w.key(k)
	b, _ := json.Marshal(*v) // cannot fail for a string
	w.buf = append(w.buf, b...)
}

func (w *jsonWriter) raw(k string, v *string) {
	if v == nil {
		return
	}
	w.key(k)
	w.buf = append(w.buf, *v...)
}

func (w *jsonWriter) boolean(k string, v *string) {
	if v == nil {
		return
	}
	w.key(k)
	w.buf = append(w.buf, *v...)
}
