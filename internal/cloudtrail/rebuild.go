package cloudtrail

import (
	"encoding/json"
	"strings"
)

// Rebuild returns the JSON text of the source record that e was decoded
// from. The result equals the source as JSON (same members and values); it is
// the source byte for byte when the record was kept whole (Raw), and has
// CloudTrail's key order otherwise.
func Rebuild(e *Event) []byte {
	if e.Raw != nil {
		return []byte(*e.Raw)
	}
	w := jsonWriter{buf: make([]byte, 0, 1024)}
	w.open()
	w.str("eventVersion", e.EventVersion)
	if u := e.UserIdentity; u != nil {
		w.key("userIdentity")
		w.open()
		w.str("type", u.Type)
		w.str("principalId", u.PrincipalID)
		w.str("arn", u.ARN)
		w.str("accountId", u.AccountID)
		w.str("invokedBy", u.InvokedBy)
		w.str("accessKeyId", u.AccessKeyID)
		w.str("userName", u.UserName)
		if o := u.OnBehalfOf; o != nil {
			w.key("onBehalfOf")
			w.open()
			w.str("userId", o.UserID)
			w.str("identityStoreArn", o.IdentityStoreARN)
			w.close()
		}
		if sc := u.SessionContext; sc != nil {
			w.key("sessionContext")
			w.open()
			if si := sc.SessionIssuer; si != nil {
				w.key("sessionIssuer")
				w.open()
				w.str("type", si.Type)
				w.str("principalId", si.PrincipalID)
				w.str("arn", si.ARN)
				w.str("accountId", si.AccountID)
				w.str("userName", si.UserName)
				w.close()
			}
			if wf := sc.WebIDFederationData; wf != nil {
				w.key("webIdFederationData")
				w.open()
				w.str("federatedProvider", wf.FederatedProvider)
				w.raw("attributes", wf.Attributes)
				w.close()
			}
			if a := sc.Attributes; a != nil {
				w.key("attributes")
				w.open()
				w.str("creationDate", a.CreationDate)
				w.str("mfaAuthenticated", a.MFAAuthenticated)
				w.close()
			}
			w.str("sourceIdentity", sc.SourceIdentity)
			w.str("ec2RoleDelivery", sc.EC2RoleDelivery)
			w.close()
		}
		w.str("credentialId", u.CredentialID)
		w.str("identityProvider", u.IdentityProvider)
		w.close()
	}
	w.str("eventTime", e.EventTime)
	w.str("eventSource", e.EventSource)
	w.str("eventName", e.EventName)
	w.str("awsRegion", e.AWSRegion)
	w.str("sourceIPAddress", e.SourceIPAddress)
	w.str("userAgent", e.UserAgent)
	w.str("errorCode", e.ErrorCode)
	w.str("errorMessage", e.ErrorMessage)
	w.raw("requestParameters", e.RequestParameters)
	w.raw("responseElements", e.ResponseElements)
	w.raw("additionalEventData", e.AdditionalEventData)
	w.str("requestID", e.RequestID)
	w.str("eventID", e.EventID)
	w.boolean("readOnly", e.ReadOnly)
	if e.Resources != nil {
		w.key("resources")
		w.buf = append(w.buf, '[')
		for i, r := range e.Resources {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.first = true
			w.buf = append(w.buf, '{')
			w.str("accountId", r.AccountID)
			w.str("type", r.Type)
			w.str("ARN", r.ARN)
			w.buf = append(w.buf, '}')
		}
		w.buf = append(w.buf, ']')
		w.first = false
	}
	w.str("eventType", e.EventType)
	w.str("apiVersion", e.APIVersion)
	w.boolean("managementEvent", e.ManagementEvent)
	w.str("recipientAccountId", e.RecipientAccountID)
	w.raw("serviceEventDetails", e.ServiceEventDetails)
	w.str("sharedEventID", e.SharedEventID)
	w.str("vpcEndpointId", e.VPCEndpointID)
	w.str("vpcEndpointAccountId", e.VPCEndpointAccountID)
	w.str("eventCategory", e.EventCategory)
	if a := e.Addendum; a != nil {
		w.key("addendum")
		w.open()
		w.str("reason", a.Reason)
		w.str("updatedFields", a.UpdatedFields)
		w.str("originalRequestID", a.OriginalRequestID)
		w.str("originalEventID", a.OriginalEventID)
		w.close()
	}
	w.str("sessionCredentialFromConsole", e.SessionCredentialFromConsole)
	w.raw("edgeDeviceDetails", e.EdgeDeviceDetails)
	if t := e.TLSDetails; t != nil {
		w.key("tlsDetails")
		w.open()
		w.str("tlsVersion", t.TLSVersion)
		w.str("cipherSuite", t.CipherSuite)
		w.str("clientProvidedHostHeader", t.ClientProvidedHostHeader)
		w.close()
	}
	w.raw("insightDetails", e.InsightDetails)
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
