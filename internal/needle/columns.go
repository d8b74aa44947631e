package needle

import "github.com/trailsql/trailsql/internal/cloudtrail"

// Kind says how the index covers a column.
type Kind int

const (
	// NotIndexed columns are not in the index.
	NotIndexed Kind = iota
	// Text columns are found by equality and by substring (LIKE).
	Text
	// JSON columns are Text columns holding JSON text; values that
	// json_extract_scalar returns from them are found by equality too.
	JSON
	// ID columns are found by equality only.
	ID
)

// columns are the indexed columns of the cloudtrail table, by their SQL
// path in lower case; AddEvent reads the same fields.
var columns = map[string]Kind{
	"eventid":                   ID,
	"requestid":                 ID,
	"sharedeventid":             ID,
	"sourceipaddress":           Text,
	"useragent":                 Text,
	"errormessage":              Text,
	"recipientaccountid":        Text,
	"vpcendpointid":             Text,
	"requestparameters":         JSON,
	"responseelements":          JSON,
	"additionaleventdata":       JSON,
	"serviceeventdetails":       JSON,
	"useridentity.principalid":  Text,
	"useridentity.arn":          Text,
	"useridentity.accountid":    Text,
	"useridentity.invokedby":    Text,
	"useridentity.accesskeyid":  Text,
	"useridentity.username":     Text,
	"useridentity.credentialid": Text,
	"useridentity.sessioncontext.sessionissuer.principalid": Text,
	"useridentity.sessioncontext.sessionissuer.arn":         Text,
	"useridentity.sessioncontext.sessionissuer.accountid":   Text,
	"useridentity.sessioncontext.sessionissuer.username":    Text,
	"useridentity.sessioncontext.sourceidentity":            Text,
	"tlsdetails.clientprovidedhostheader":                   Text,
}

// ColumnKind says how the index covers the column at path (lower case,
// dot separated, e.g. "useridentity.arn").
func ColumnKind(path string) Kind { return columns[path] }

// AddEvent adds the tokens of e's indexed columns to b, and e to the
// summary.
func (b *Builder) AddEvent(e *cloudtrail.Event) {
	b.sum.add(e)
	EachValue(e, func(path, v string) { b.AddKind(columns[path], v) })
}

// AddRecord is AddEvent for a file that holds several partitions: it also
// counts e in the summary's part of region and day.
func (b *Builder) AddRecord(e *cloudtrail.Event, region, day string) {
	b.sum.addPart(region, day, e)
	b.AddEvent(e)
}

// AddKind adds the tokens of v, a value of a column of kind k, to b (with
// AddSummary, how a record given by its column values is indexed).
func (b *Builder) AddKind(k Kind, v string) {
	switch k {
	case ID:
		b.AddID(v)
	case JSON:
		b.AddJSON(v)
	case Text:
		b.AddText(v)
	}
}

// AddSummary counts a record with the given eventTime text, parsed time,
// region and day in the summary.
func (b *Builder) AddSummary(eventTime *string, stamp *int64, region, day string) {
	e := cloudtrail.Event{EventTime: eventTime, EventTimestamp: stamp}
	b.sum.addPart(region, day, &e)
	b.sum.add(&e)
}

// EachValue calls fn with the SQL path and value of each indexed column
// of e that is not NULL.
func EachValue(e *cloudtrail.Event, fn func(path, v string)) {
	put := func(path string, v *string) {
		if v != nil {
			fn(path, *v)
		}
	}
	put("eventid", e.EventID)
	put("requestid", e.RequestID)
	put("sharedeventid", e.SharedEventID)
	put("sourceipaddress", e.SourceIPAddress)
	put("useragent", e.UserAgent)
	put("errormessage", e.ErrorMessage)
	put("recipientaccountid", e.RecipientAccountID)
	put("vpcendpointid", e.VPCEndpointID)
	put("requestparameters", e.RequestParameters)
	put("responseelements", e.ResponseElements)
	put("additionaleventdata", e.AdditionalEventData)
	put("serviceeventdetails", e.ServiceEventDetails)
	if u := e.UserIdentity; u != nil {
		put("useridentity.principalid", u.PrincipalID)
		put("useridentity.arn", u.ARN)
		put("useridentity.accountid", u.AccountID)
		put("useridentity.invokedby", u.InvokedBy)
		put("useridentity.accesskeyid", u.AccessKeyID)
		put("useridentity.username", u.UserName)
		put("useridentity.credentialid", u.CredentialID)
		if sc := u.SessionContext; sc != nil {
			put("useridentity.sessioncontext.sourceidentity", sc.SourceIdentity)
			if si := sc.SessionIssuer; si != nil {
				put("useridentity.sessioncontext.sessionissuer.principalid", si.PrincipalID)
				put("useridentity.sessioncontext.sessionissuer.arn", si.ARN)
				put("useridentity.sessioncontext.sessionissuer.accountid", si.AccountID)
				put("useridentity.sessioncontext.sessionissuer.username", si.UserName)
			}
		}
	}
	if t := e.TLSDetails; t != nil {
		put("tlsdetails.clientprovidedhostheader", t.ClientProvidedHostHeader)
	}
}
