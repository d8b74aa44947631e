package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/zeebo/xxh3"
)

// ErrNotEvent marks a JSON object that is not a CloudTrail event.
var ErrNotEvent = errors.New("cloudtrail: not a CloudTrail event")

// DecodeEvent turns the raw JSON text of one record into an Event. The
// JSON-text columns keep the source bytes; every other value is decoded. When
// the columns cannot rebuild the record exactly (see Rebuild), the record's
// text is kept whole in Raw. raw must stay unchanged while the Event is used:
// DecodeEvent copies what it keeps.
func DecodeEvent(raw []byte) (*Event, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("record is not valid UTF-8")
	}
	return decodeEvent(raw, string(raw), false, &eventAlloc{}, &eventDecoder{})
}

// DecodeEventShared is DecodeEvent for a record that SplitRecords handed
// out (so known to be valid JSON), without copying: the Event's strings
// share raw's memory, which must never change afterwards.
func DecodeEventShared(raw []byte) (*Event, error) {
	if len(raw) == 0 {
		return nil, ErrNotEvent
	}
	if !utf8.Valid(raw) {
		return nil, errors.New("record is not valid UTF-8")
	}
	return decodeEvent(raw, unsafe.String(&raw[0], len(raw)), true, &eventAlloc{}, &eventDecoder{})
}

// Decoder is DecodeEventShared with memory reused from one record to the
// next: the Event that Decode returns (and what it points to, but for
// raw's bytes) is valid until the next call, and makes no allocation for
// a common record. A Decoder is for one goroutine.
type Decoder struct {
	a eventAlloc
	d eventDecoder
}

// Decode is DecodeEventShared into d's memory.
func (d *Decoder) Decode(raw []byte) (*Event, error) {
	if len(raw) == 0 {
		return nil, ErrNotEvent
	}
	if !utf8.Valid(raw) {
		return nil, errors.New("record is not valid UTF-8")
	}
	unknown, extra := d.a.unknown[:0], d.a.extra[:0]
	nulls := d.a.nulls[:0]
	clear(nulls[:cap(nulls)])
	clear(unknown[:cap(unknown)])
	d.a = eventAlloc{unknown: unknown, extra: extra, nulls: nulls}
	return decodeEvent(raw, unsafe.String(&raw[0], len(raw)), true, &d.a, &d.d)
}

// decodeEvent decodes raw into a, with d (whose state it sets) as the
// decoder.
// PartitionOf is PartitionOf for an Event that d returned, whose
// EventTimestamp it keeps in d's memory.
func (d *Decoder) PartitionOf(e *Event, k Key) (Partition, error) {
	if e != &d.a.e {
		return PartitionOf(e, k)
	}
	return partitionOf(e, k, &d.a.ts)
}

func decodeEvent(raw []byte, src string, trusted bool, a *eventAlloc, d *eventDecoder) (*Event, error) {
	*d = eventDecoder{e: &a.e, slab: &a.slab, src: src, raw: raw, alloc: a, trusted: trusted, nulls: a.nulls, extra: a.extra}
	top := eventFields
	unknown := a.unknown
	defer func() { a.unknown, a.extra, a.nulls = unknown, d.extra, d.nulls }()
	spaced, err := eachMemberSpace(raw, trusted, func(key []byte, escaped bool, val []byte) error {
		var i int
		if escaped {
			d.deviant = true
			i = top.lookup([]byte(keyString(key, true)))
		} else {
			i = top.lookup(key[1 : len(key)-1])
		}
		if i < 0 {
			unknown = append(unknown, [2][]byte{key, val})
			return nil
		}
		d.setTop(i, val)
		return nil
	})
	if err != nil {
		if errors.Is(err, errNotObject) {
			return nil, ErrNotEvent
		}
		return nil, err
	}
	for _, m := range unknown {
		k := keyString(m[0], true)
		if i, ok := top.fold[strings.ToLower(k)]; ok && d.seen&(1<<i) == 0 {
			// Normalised: the column is filled from a key whose casing
			// differs from CloudTrail's; the record itself is kept in Raw.
			d.setTop(int(i), m[1])
			d.deviant = true
			continue
		}
		d.addExtra(m[0], m[1])
	}
	if d.dup {
		d.deviant = true
	}
	e := d.e
	if e.EventName == nil && e.EventSource == nil && e.EventVersion == nil && e.EventTime == nil {
		return nil, ErrNotEvent
	}
	if len(d.extra) > 0 {
		d.extra = append(d.extra, '}')
		e.Extra = d.ptr(string(d.extra))
	}
	if len(d.nulls) > 0 {
		e.Nulls = d.ptr(strings.Join(d.nulls, ","))
	}
	if d.deviant {
		e.Raw = d.ptr(d.src)
	}
	e.FP = fingerprint(e, raw)
	if spaced {
		e.Hash = contentHash(raw)
	} else {
		e.Hash = int64(xxh3.Hash(raw))
	}
	return e, nil
}

func fingerprint(e *Event, raw []byte) int64 {
	if e.EventID == nil {
		return int64(xxh3.Hash(raw))
	}
	var h xxh3.Hasher
	for _, p := range []*string{e.EventID, e.EventTime, e.EventSource, e.EventName, e.RecipientAccountID} {
		if p != nil {
			h.WriteString(*p)
		}
		h.Write([]byte{0})
	}
	return int64(h.Sum64())
}

// eventAlloc holds an Event, the strings its fields point to and the first
// struct of each common type nested in it (handed out by structAllocator and
// listOpsOf in fields.go), so that decoding a record makes few allocations.
type eventAlloc struct {
	e    Event
	slab slab
	ui   UserIdentity
	sc   SessionContext
	sa   SessionAttributes
	si   SessionIssuer
	wf   WebIDFederationData
	tls  TLSDetails
	res  [2]Resource
	ts   int64 // EventTimestamp of an Event a Thawer makes
	// Scratch space a Decoder reuses.
	unknown [][2][]byte
	extra   []byte
	nulls   []string
}

type slab struct {
	s [56]string
	n int
}

// ptr returns a pointer to s, from the event's slab while it lasts.
func (d *eventDecoder) ptr(s string) *string {
	if d.slab.n < len(d.slab.s) {
		d.slab.s[d.slab.n] = s
		d.slab.n++
		return &d.slab.s[d.slab.n-1]
	}
	p := new(string) // not &s: s would be moved to the heap on every call
	*p = s
	return p
}

// sub returns the text of val, a part of the record, without copying it.
func (d *eventDecoder) sub(val []byte) string {
	off := cap(d.raw) - cap(val)
	if off >= 0 && off+len(val) <= len(d.src) {
		return d.src[off : off+len(val)]
	}
	return string(val)
}

type eventDecoder struct {
	e       *Event
	deviant bool
	dup     bool
	seen    uint64 // top-level keys met, by bit
	pooled  uint8  // the eventAlloc structs handed out, by bit
	src     string // the record's text as one string: column values share it
	raw     []byte
	slab    *slab
	alloc   *eventAlloc
	trusted bool
	nulls   []string
	extra   []byte
}

func (d *eventDecoder) addExtra(key, val []byte) {
	if len(d.extra) == 0 {
		d.extra = append(d.extra, '{')
	} else {
		d.extra = append(d.extra, ',')
	}
	d.extra = append(d.extra, key...)
	d.extra = append(d.extra, ':')
	d.extra = append(d.extra, val...)
}

// setTop stores one top-level member, whose key is eventFields.keys[i].
func (d *eventDecoder) setTop(i int, val []byte) {
	if d.seen&(1<<i) != 0 {
		d.dup = true
		return
	}
	d.seen |= 1 << i
	f := &eventFields.fields[eventFields.keyField[i]]
	if isNull(val) {
		d.nulls = append(d.nulls, f.key)
		return
	}
	d.value(unsafe.Pointer(d.e), f, val)
}

// value stores val, the value of a member, in the field f of the struct at
// base, as f's kind says.
func (d *eventDecoder) value(base unsafe.Pointer, f *field, val []byte) {
	p := unsafe.Add(base, f.offset)
	switch f.kind {
	case kindString:
		*(**string)(p) = d.str(val)
	case kindBool:
		*(**string)(p) = d.boolStr(val)
	case kindObject:
		if val[0] != '{' {
			d.deviant = true
		}
		*(**string)(p) = d.ptr(d.sub(val))
	case kindJSON:
		*(**string)(p) = d.ptr(d.sub(val))
	case kindStruct:
		if val[0] != '{' {
			d.deviant = true
			return
		}
		s := f.newStruct(d)
		*(*unsafe.Pointer)(p) = s
		d.members(val, f.sub, s)
	case kindList:
		if val[0] != '[' {
			d.deviant = true
			return
		}
		f.list.start(d, p)
		s := scanner{data: val, trusted: d.trusted}
		_ = s.array(func(v []byte, _ int) error {
			if len(v) == 0 || v[0] != '{' {
				d.deviant = true
				return nil
			}
			d.members(v, f.sub, f.list.add(p))
			return nil
		})
	default:
		panic("BUG: cloudtrail: a helper column has no record value")
	}
}

func isNull(val []byte) bool { return len(val) == 4 && string(val) == "null" }

// str decodes a JSON string value. Any other value is kept as its JSON text
// and marks the record for keeping whole.
func (d *eventDecoder) str(val []byte) *string {
	if len(val) > 0 && val[0] == '"' {
		if bytes.IndexByte(val, '\\') < 0 {
			return d.ptr(d.sub(val[1 : len(val)-1]))
		}
		return d.ptr(keyString(val, true))
	}
	d.deviant = true
	if isNull(val) {
		return nil
	}
	return d.ptr(d.sub(val))
}

// boolStr stores a JSON boolean as "true" or "false", as Athena shows it.
func (d *eventDecoder) boolStr(val []byte) *string {
	switch string(val) {
	case "true":
		return d.ptr("true")
	case "false":
		return d.ptr("false")
	}
	d.deviant = true
	return d.str(val)
}

// members stores every member of obj whose key is one of ft's keys
// (matched exactly, or else ignoring case, which marks the record deviant)
// in the struct at base; any other key, a null value, or a repeated key
// marks it deviant too.
func (d *eventDecoder) members(obj []byte, ft *fieldTable, base unsafe.Pointer) {
	var seen uint64
	_, _ = eachMemberSpace(obj, d.trusted, func(key []byte, escaped bool, val []byte) error {
		var i int
		if escaped {
			i = ft.lookup([]byte(keyString(key, true)))
		} else {
			i = ft.lookup(key[1 : len(key)-1])
		}
		if i < 0 {
			d.deviant = true
			i = indexFold(ft.keys, keyString(key, escaped))
			if i < 0 {
				return nil
			}
		}
		if seen&(1<<i) != 0 {
			d.deviant = true
			return nil
		}
		seen |= 1 << i
		if isNull(val) {
			d.deviant = true
			return nil
		}
		d.value(base, &ft.fields[ft.keyField[i]], val)
		return nil
	})
}

func indexFold(keys []string, k string) int {
	for i, c := range keys {
		if strings.EqualFold(c, k) {
			return i
		}
	}
	return -1
}

// String describes where a record sits, for error messages.
func (e *Event) String() string {
	return fmt.Sprintf("event %s %s", deref(e.EventID), deref(e.EventName))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// contentHash hashes a record's text without the white space between
// tokens, so that one record serialised twice in different layouts has one
// hash.
func contentHash(raw []byte) int64 {
	var h xxh3.Hasher
	var buf [4096]byte
	n := 0
	inStr, esc := false, false
	for _, c := range raw {
		if !inStr && isSpace(c) {
			continue
		}
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		}
		buf[n] = c
		n++
		if n == len(buf) {
			h.Write(buf[:])
			n = 0
		}
	}
	h.Write(buf[:n])
	return int64(h.Sum64())
}

// keyIndex finds a record key among a struct's keys: an open-addressing
// table, indexed by a hash of the key's length and three of its bytes,
// of the keys' indexes plus one (0 is an empty slot). The decoder looks up
// every member's key, and a map of strings costs several times more.
type keyIndex struct {
	keys  []string
	slots [256]uint8
}

func keyHash(k []byte) uint {
	n := len(k)
	if n == 0 {
		return 0
	}
	return uint(n)*0x9e + uint(k[0])*0x3b + uint(k[n-1])*0x65 + uint(k[n/2])*0x1f
}

func newKeyIndex(keys []string) keyIndex {
	if len(keys) > 128 {
		panic("BUG: cloudtrail: too many keys for a keyIndex")
	}
	x := keyIndex{keys: keys}
	for i, k := range keys {
		h := keyHash([]byte(k))
		for x.slots[h&255] != 0 {
			h++
		}
		x.slots[h&255] = uint8(i + 1)
	}
	return x
}

// find returns the index of k in the keys, or -1.
func (x *keyIndex) find(k []byte) int {
	for h := keyHash(k); ; h++ {
		i := x.slots[h&255]
		if i == 0 {
			return -1
		}
		if x.keys[i-1] == string(k) {
			return int(i - 1)
		}
	}
}
