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
	return decodeEvent(raw, string(raw), false)
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
	return decodeEvent(raw, unsafe.String(&raw[0], len(raw)), true)
}

func decodeEvent(raw []byte, src string, trusted bool) (*Event, error) {
	a := &eventAlloc{}
	d := eventDecoder{e: &a.e, slab: &a.slab, src: src, raw: raw, alloc: a, trusted: trusted}
	var unknown [][2][]byte
	spaced, err := eachMemberSpace(raw, trusted, func(key []byte, escaped bool, val []byte) error {
		k := keyString(key, escaped)
		if escaped {
			d.deviant = true
		}
		if !d.set(k, val) {
			unknown = append(unknown, [2][]byte{key, val})
		}
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
		if c, ok := topFold[strings.ToLower(k)]; ok && !d.isSeen(c) {
			// Normalised: the column is filled from a key whose casing
			// differs from CloudTrail's; the record itself is kept in Raw.
			d.set(c, m[1])
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

// eventAlloc holds an Event and the strings its fields point to, so that
// decoding a record makes few allocations.
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
}

type slab struct {
	s [40]string
	n int
}

// ptr returns a pointer to s, from the event's slab while it lasts.
func (d *eventDecoder) ptr(s string) *string {
	if d.slab.n < len(d.slab.s) {
		d.slab.s[d.slab.n] = s
		d.slab.n++
		return &d.slab.s[d.slab.n-1]
	}
	return &s
}

// sub returns the text of val, a part of the record, without copying it.
func (d *eventDecoder) sub(val []byte) string {
	off := cap(d.raw) - cap(val)
	if off >= 0 && off+len(val) <= len(d.src) {
		return d.src[off : off+len(val)]
	}
	return string(val)
}

// The new* helpers hand out the event's nested structs from its allocation
// (the first of each kind; a repeated key gets a fresh one).

func (d *eventDecoder) newUserIdentity() *UserIdentity {
	if d.alloc != nil && d.alloc.e.UserIdentity == nil {
		return &d.alloc.ui
	}
	return &UserIdentity{}
}

func (d *eventDecoder) newSessionContext() *SessionContext {
	if d.alloc != nil && d.alloc.ui.SessionContext == nil {
		return &d.alloc.sc
	}
	return &SessionContext{}
}

func (d *eventDecoder) newAttributes() *SessionAttributes {
	if d.alloc != nil && d.alloc.sc.Attributes == nil {
		return &d.alloc.sa
	}
	return &SessionAttributes{}
}

func (d *eventDecoder) newIssuer() *SessionIssuer {
	if d.alloc != nil && d.alloc.sc.SessionIssuer == nil {
		return &d.alloc.si
	}
	return &SessionIssuer{}
}

func (d *eventDecoder) newWebID() *WebIDFederationData {
	if d.alloc != nil && d.alloc.sc.WebIDFederationData == nil {
		return &d.alloc.wf
	}
	return &WebIDFederationData{}
}

func (d *eventDecoder) newTLS() *TLSDetails {
	if d.alloc != nil && d.alloc.e.TLSDetails == nil {
		return &d.alloc.tls
	}
	return &TLSDetails{}
}

func (d *eventDecoder) resources() []Resource {
	if d.alloc != nil && d.alloc.e.Resources == nil {
		return d.alloc.res[:0:len(d.alloc.res)]
	}
	return []Resource{}
}

// isSeen reports whether the top-level key k was met already.
func (d *eventDecoder) isSeen(k string) bool {
	probe := eventDecoder{e: &Event{}, slab: &slab{}}
	probe.set(k, []byte("null"))
	return d.seen&probe.seen != 0
}

type eventDecoder struct {
	e       *Event
	deviant bool
	dup     bool
	seen    uint64 // top-level keys met, by bit
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

// topKeys are the record keys with a column of their own, as CloudTrail
// spells them.
var topKeys = []string{
	"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName",
	"awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
	"requestParameters", "responseElements", "additionalEventData", "requestID",
	"eventID", "readOnly", "resources", "eventType", "apiVersion",
	"managementEvent", "recipientAccountId", "serviceEventDetails",
	"sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "eventCategory",
	"addendum", "sessionCredentialFromConsole", "edgeDeviceDetails",
	"tlsDetails", "insightDetails",
}

var topFold = func() map[string]string {
	m := make(map[string]string, len(topKeys))
	for _, k := range topKeys {
		m[strings.ToLower(k)] = k
	}
	return m
}()

// set stores one top-level member; it reports false for keys without a
// column.
func (d *eventDecoder) set(k string, val []byte) bool {
	e := d.e
	var p **string
	var bit uint
	kind := kindString
	switch k {
	case "eventVersion":
		bit = 0
		p = &e.EventVersion
	case "eventTime":
		bit = 1
		p = &e.EventTime
	case "eventSource":
		bit = 2
		p = &e.EventSource
	case "eventName":
		bit = 3
		p = &e.EventName
	case "awsRegion":
		bit = 4
		p = &e.AWSRegion
	case "sourceIPAddress":
		bit = 5
		p = &e.SourceIPAddress
	case "userAgent":
		bit = 6
		p = &e.UserAgent
	case "errorCode":
		bit = 7
		p = &e.ErrorCode
	case "errorMessage":
		bit = 8
		p = &e.ErrorMessage
	case "requestID":
		bit = 9
		p = &e.RequestID
	case "eventID":
		bit = 10
		p = &e.EventID
	case "eventType":
		bit = 11
		p = &e.EventType
	case "apiVersion":
		bit = 12
		p = &e.APIVersion
	case "recipientAccountId":
		bit = 13
		p = &e.RecipientAccountID
	case "sharedEventID":
		bit = 14
		p = &e.SharedEventID
	case "vpcEndpointId":
		bit = 15
		p = &e.VPCEndpointID
	case "vpcEndpointAccountId":
		bit = 16
		p = &e.VPCEndpointAccountID
	case "eventCategory":
		bit = 17
		p = &e.EventCategory
	case "readOnly":
		bit = 18
		p, kind = &e.ReadOnly, kindBool
	case "managementEvent":
		bit = 19
		p, kind = &e.ManagementEvent, kindBool
	case "sessionCredentialFromConsole":
		bit = 20
		p = &e.SessionCredentialFromConsole
	case "requestParameters":
		bit = 21
		p, kind = &e.RequestParameters, kindJSON
	case "responseElements":
		bit = 22
		p, kind = &e.ResponseElements, kindJSON
	case "additionalEventData":
		bit = 23
		p, kind = &e.AdditionalEventData, kindJSON
	case "serviceEventDetails":
		bit = 24
		p, kind = &e.ServiceEventDetails, kindJSON
	case "edgeDeviceDetails":
		bit = 25
		p, kind = &e.EdgeDeviceDetails, kindJSON
	case "insightDetails":
		bit = 26
		p, kind = &e.InsightDetails, kindJSON
	case "userIdentity":
		bit = 27
		kind = kindNested
	case "resources":
		bit = 28
		kind = kindNested
	case "addendum":
		bit = 29
		kind = kindNested
	case "tlsDetails":
		bit = 30
		kind = kindNested
	default:
		return false
	}
	if d.seen&(1<<bit) != 0 {
		d.dup = true
		return true
	}
	d.seen |= 1 << bit
	if isNull(val) {
		d.nulls = append(d.nulls, k)
		return true
	}
	switch kind {
	case kindString:
		*p = d.str(val)
	case kindBool:
		*p = d.boolStr(val)
	case kindJSON:
		*p = d.ptr(d.sub(val))
	case kindNested:
		d.nested(k, val)
	}
	return true
}

type valueKind int

const (
	kindString valueKind = iota
	kindBool
	kindJSON
	kindNested
)

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

func (d *eventDecoder) nested(k string, val []byte) {
	e := d.e
	switch k {
	case "userIdentity":
		if val[0] != '{' {
			d.deviant = true
			return
		}
		e.UserIdentity = d.newUserIdentity()
		d.members(val, userIdentityKeys, func(k string, v []byte) { d.userIdentity(e.UserIdentity, k, v) })
	case "resources":
		if val[0] != '[' {
			d.deviant = true
			return
		}
		e.Resources = d.resources()
		s := scanner{data: val, trusted: d.trusted}
		_ = s.array(func(v []byte, _ int) error {
			if v[0] != '{' {
				d.deviant = true
				return nil
			}
			var r Resource
			d.members(v, resourceKeys, func(k string, v []byte) {
				switch k {
				case "ARN":
					r.ARN = d.str(v)
				case "accountId":
					r.AccountID = d.str(v)
				case "type":
					r.Type = d.str(v)
				}
			})
			e.Resources = append(e.Resources, r)
			return nil
		})
	case "addendum":
		if val[0] != '{' {
			d.deviant = true
			return
		}
		a := &Addendum{}
		e.Addendum = a
		d.members(val, addendumKeys, func(k string, v []byte) {
			switch k {
			case "reason":
				a.Reason = d.str(v)
			case "updatedFields":
				a.UpdatedFields = d.str(v)
			case "originalRequestID":
				a.OriginalRequestID = d.str(v)
			case "originalEventID":
				a.OriginalEventID = d.str(v)
			}
		})
	case "tlsDetails":
		if val[0] != '{' {
			d.deviant = true
			return
		}
		t := d.newTLS()
		e.TLSDetails = t
		d.members(val, tlsKeys, func(k string, v []byte) {
			switch k {
			case "tlsVersion":
				t.TLSVersion = d.str(v)
			case "cipherSuite":
				t.CipherSuite = d.str(v)
			case "clientProvidedHostHeader":
				t.ClientProvidedHostHeader = d.str(v)
			}
		})
	}
}

var (
	userIdentityKeys   = []string{"type", "principalId", "arn", "accountId", "invokedBy", "accessKeyId", "userName", "onBehalfOf", "sessionContext", "credentialId", "identityProvider"}
	onBehalfOfKeys     = []string{"userId", "identityStoreArn"}
	sessionContextKeys = []string{"attributes", "sessionIssuer", "ec2RoleDelivery", "webIdFederationData", "sourceIdentity"}
	attributesKeys     = []string{"mfaAuthenticated", "creationDate"}
	sessionIssuerKeys  = []string{"type", "principalId", "arn", "accountId", "userName"}
	webIDKeys          = []string{"federatedProvider", "attributes"}
	resourceKeys       = []string{"ARN", "accountId", "type"}
	addendumKeys       = []string{"reason", "updatedFields", "originalRequestID", "originalEventID"}
	tlsKeys            = []string{"tlsVersion", "cipherSuite", "clientProvidedHostHeader"}
)

// members calls set for every member of obj whose key is one of keys
// (matched exactly, or else ignoring case, which marks the record deviant);
// any other key, a null value, or a repeated key marks it deviant too.
func (d *eventDecoder) members(obj []byte, keys []string, set func(k string, v []byte)) {
	var seen uint32
	_, _ = eachMemberSpace(obj, d.trusted, func(key []byte, escaped bool, val []byte) error {
		k := keyString(key, escaped)
		i := indexOf(keys, k)
		if i < 0 {
			d.deviant = true
			i = indexFold(keys, k)
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
		set(keys[i], val)
		return nil
	})
}

func indexOf(keys []string, k string) int {
	for i, c := range keys {
		if c == k {
			return i
		}
	}
	return -1
}

func indexFold(keys []string, k string) int {
	for i, c := range keys {
		if strings.EqualFold(c, k) {
			return i
		}
	}
	return -1
}

func (d *eventDecoder) object(v []byte) bool {
	if v[0] != '{' {
		d.deviant = true
		return false
	}
	return true
}

func (d *eventDecoder) userIdentity(u *UserIdentity, k string, v []byte) {
	switch k {
	case "type":
		u.Type = d.str(v)
	case "principalId":
		u.PrincipalID = d.str(v)
	case "arn":
		u.ARN = d.str(v)
	case "accountId":
		u.AccountID = d.str(v)
	case "invokedBy":
		u.InvokedBy = d.str(v)
	case "accessKeyId":
		u.AccessKeyID = d.str(v)
	case "userName":
		u.UserName = d.str(v)
	case "credentialId":
		u.CredentialID = d.str(v)
	case "identityProvider":
		u.IdentityProvider = d.str(v)
	case "onBehalfOf":
		if !d.object(v) {
			return
		}
		o := &OnBehalfOf{}
		u.OnBehalfOf = o
		d.members(v, onBehalfOfKeys, func(k string, v []byte) {
			if k == "userId" {
				o.UserID = d.str(v)
			} else {
				o.IdentityStoreARN = d.str(v)
			}
		})
	case "sessionContext":
		if !d.object(v) {
			return
		}
		sc := d.newSessionContext()
		u.SessionContext = sc
		d.members(v, sessionContextKeys, func(k string, v []byte) { d.sessionContext(sc, k, v) })
	}
}

func (d *eventDecoder) sessionContext(sc *SessionContext, k string, v []byte) {
	switch k {
	case "ec2RoleDelivery":
		sc.EC2RoleDelivery = d.str(v)
	case "sourceIdentity":
		sc.SourceIdentity = d.str(v)
	case "attributes":
		if !d.object(v) {
			return
		}
		a := d.newAttributes()
		sc.Attributes = a
		d.members(v, attributesKeys, func(k string, v []byte) {
			if k == "mfaAuthenticated" {
				a.MFAAuthenticated = d.str(v)
			} else {
				a.CreationDate = d.str(v)
			}
		})
	case "sessionIssuer":
		if !d.object(v) {
			return
		}
		si := d.newIssuer()
		sc.SessionIssuer = si
		d.members(v, sessionIssuerKeys, func(k string, v []byte) {
			switch k {
			case "type":
				si.Type = d.str(v)
			case "principalId":
				si.PrincipalID = d.str(v)
			case "arn":
				si.ARN = d.str(v)
			case "accountId":
				si.AccountID = d.str(v)
			case "userName":
				si.UserName = d.str(v)
			}
		})
	case "webIdFederationData":
		if !d.object(v) {
			return
		}
		w := d.newWebID()
		sc.WebIDFederationData = w
		d.members(v, webIDKeys, func(k string, v []byte) {
			if k == "federatedProvider" {
				w.FederatedProvider = d.str(v)
				return
			}
			if v[0] != '{' {
				d.deviant = true
			}
			w.Attributes = d.ptr(d.sub(v))
		})
	}
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
