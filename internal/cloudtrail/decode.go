package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

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
	d := eventDecoder{e: &Event{}}
	var unknown [][2][]byte
	err := eachMember(raw, func(key []byte, escaped bool, val []byte) error {
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
		if c, ok := topFold[strings.ToLower(k)]; ok && !d.seen[c] {
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
		e.Extra = ptr(string(d.extra))
	}
	if len(d.nulls) > 0 {
		e.Nulls = ptr(strings.Join(d.nulls, ","))
	}
	if d.deviant {
		e.Raw = ptr(string(raw))
	}
	e.FP = fingerprint(e, raw)
	e.Hash = contentHash(raw)
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

func ptr(s string) *string { return &s }

type eventDecoder struct {
	e       *Event
	deviant bool
	dup     bool
	seen    map[string]bool
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
	kind := kindString
	switch k {
	case "eventVersion":
		p = &e.EventVersion
	case "eventTime":
		p = &e.EventTime
	case "eventSource":
		p = &e.EventSource
	case "eventName":
		p = &e.EventName
	case "awsRegion":
		p = &e.AWSRegion
	case "sourceIPAddress":
		p = &e.SourceIPAddress
	case "userAgent":
		p = &e.UserAgent
	case "errorCode":
		p = &e.ErrorCode
	case "errorMessage":
		p = &e.ErrorMessage
	case "requestID":
		p = &e.RequestID
	case "eventID":
		p = &e.EventID
	case "eventType":
		p = &e.EventType
	case "apiVersion":
		p = &e.APIVersion
	case "recipientAccountId":
		p = &e.RecipientAccountID
	case "sharedEventID":
		p = &e.SharedEventID
	case "vpcEndpointId":
		p = &e.VPCEndpointID
	case "vpcEndpointAccountId":
		p = &e.VPCEndpointAccountID
	case "eventCategory":
		p = &e.EventCategory
	case "readOnly":
		p, kind = &e.ReadOnly, kindBool
	case "managementEvent":
		p, kind = &e.ManagementEvent, kindBool
	case "sessionCredentialFromConsole":
		p = &e.SessionCredentialFromConsole
	case "requestParameters":
		p, kind = &e.RequestParameters, kindJSON
	case "responseElements":
		p, kind = &e.ResponseElements, kindJSON
	case "additionalEventData":
		p, kind = &e.AdditionalEventData, kindJSON
	case "serviceEventDetails":
		p, kind = &e.ServiceEventDetails, kindJSON
	case "edgeDeviceDetails":
		p, kind = &e.EdgeDeviceDetails, kindJSON
	case "insightDetails":
		p, kind = &e.InsightDetails, kindJSON
	case "userIdentity", "resources", "addendum", "tlsDetails":
		kind = kindNested
	default:
		return false
	}
	if d.seen == nil {
		d.seen = make(map[string]bool, 32)
	}
	if d.seen[k] {
		d.dup = true
		return true
	}
	d.seen[k] = true
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
		*p = ptr(string(val))
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
			return ptr(string(val[1 : len(val)-1]))
		}
		return ptr(keyString(val, true))
	}
	d.deviant = true
	if isNull(val) {
		return nil
	}
	return ptr(string(val))
}

// boolStr stores a JSON boolean as "true" or "false", as Athena shows it.
func (d *eventDecoder) boolStr(val []byte) *string {
	switch string(val) {
	case "true":
		return ptr("true")
	case "false":
		return ptr("false")
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
		e.UserIdentity = &UserIdentity{}
		d.members(val, userIdentityKeys, func(k string, v []byte) { d.userIdentity(e.UserIdentity, k, v) })
	case "resources":
		if val[0] != '[' {
			d.deviant = true
			return
		}
		e.Resources = []Resource{}
		s := scanner{data: val}
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
		t := &TLSDetails{}
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
	_ = eachMember(obj, func(key []byte, escaped bool, val []byte) error {
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
		sc := &SessionContext{}
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
		a := &SessionAttributes{}
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
		si := &SessionIssuer{}
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
		w := &WebIDFederationData{}
		sc.WebIDFederationData = w
		d.members(v, webIDKeys, func(k string, v []byte) {
			if k == "federatedProvider" {
				w.FederatedProvider = d.str(v)
				return
			}
			if v[0] != '{' {
				d.deviant = true
			}
			w.Attributes = ptr(string(v))
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
