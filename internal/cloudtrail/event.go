package cloudtrail

// Event is one CloudTrail record as the lake stores it: one row of the
// `cloudtrail` table. Field and column names follow the AWS-documented Athena
// DDL for CloudTrail (lower-case column names, structs for useridentity,
// tlsdetails and addendum, a list of structs for resources, and the free-form
// parts as JSON text exactly as in the source). Columns whose names start
// with an underscore are trailsql's own helpers.
//
// A nil pointer is a SQL NULL: the key was absent, or null in the source
// (then its name is listed in Nulls).
type Event struct {
	EventVersion                 *string       `parquet:"eventversion,optional,dict"`
	UserIdentity                 *UserIdentity `parquet:"useridentity,optional"`
	EventTime                    *string       `parquet:"eventtime,optional"`
	EventSource                  *string       `parquet:"eventsource,optional,dict"`
	EventName                    *string       `parquet:"eventname,optional,dict"`
	AWSRegion                    *string       `parquet:"awsregion,optional,dict"`
	SourceIPAddress              *string       `parquet:"sourceipaddress,optional"`
	UserAgent                    *string       `parquet:"useragent,optional,dict"`
	ErrorCode                    *string       `parquet:"errorcode,optional,dict"`
	ErrorMessage                 *string       `parquet:"errormessage,optional"`
	RequestParameters            *string       `parquet:"requestparameters,optional"`
	ResponseElements             *string       `parquet:"responseelements,optional"`
	AdditionalEventData          *string       `parquet:"additionaleventdata,optional"`
	RequestID                    *string       `parquet:"requestid,optional"`
	EventID                      *string       `parquet:"eventid,optional"`
	ReadOnly                     *string       `parquet:"readonly,optional,dict"`
	Resources                    []Resource    `parquet:"resources,optional,list"`
	EventType                    *string       `parquet:"eventtype,optional,dict"`
	APIVersion                   *string       `parquet:"apiversion,optional,dict"`
	ManagementEvent              *string       `parquet:"managementevent,optional,dict"`
	RecipientAccountID           *string       `parquet:"recipientaccountid,optional,dict"`
	ServiceEventDetails          *string       `parquet:"serviceeventdetails,optional"`
	SharedEventID                *string       `parquet:"sharedeventid,optional"`
	VPCEndpointID                *string       `parquet:"vpcendpointid,optional,dict"`
	VPCEndpointAccountID         *string       `parquet:"vpcendpointaccountid,optional,dict"`
	EventCategory                *string       `parquet:"eventcategory,optional,dict"`
	Addendum                     *Addendum     `parquet:"addendum,optional"`
	SessionCredentialFromConsole *string       `parquet:"sessioncredentialfromconsole,optional,dict"`
	EdgeDeviceDetails            *string       `parquet:"edgedevicedetails,optional"`
	TLSDetails                   *TLSDetails   `parquet:"tlsdetails,optional"`
	InsightDetails               *string       `parquet:"insightdetails,optional"`

	// EventTimestamp is eventTime parsed, in UTC microseconds.
	EventTimestamp *int64 `parquet:"eventtimestamp,optional,timestamp(microsecond:utc)"`
	// Extra holds, as one JSON object, every top-level key of the source
	// record that has no column of its own, with its value as in the source.
	Extra *string `parquet:"_extra,optional"`
	// Nulls lists (comma separated) the top-level keys that were null in the
	// source, so that null and absent can be told apart.
	Nulls *string `parquet:"_nulls,optional,dict"`
	// Raw is the source record byte for byte, kept only when the columns
	// cannot rebuild it exactly (odd key casing, unexpected value types,
	// unknown nested keys, duplicate keys).
	Raw *string `parquet:"_raw,optional"`
	// Object is the source object (file or S3 key) the record came from.
	Object *string `parquet:"_object,optional,dict"`
	// FP is the record's identity fingerprint, used to store a record that is
	// delivered more than once only once.
	FP int64 `parquet:"_fp"`
	// Hash is a hash of the record's source text: a record whose identity
	// (FP) is already stored is a duplicate delivery when its Hash is the
	// same, and a conflicting record (kept in quarantine) when it is not.
	Hash int64 `parquet:"_hash"`
}

// UserIdentity is the userIdentity element of a record.
type UserIdentity struct {
	Type             *string         `parquet:"type,optional,dict"`
	PrincipalID      *string         `parquet:"principalid,optional"`
	ARN              *string         `parquet:"arn,optional,dict"`
	AccountID        *string         `parquet:"accountid,optional,dict"`
	InvokedBy        *string         `parquet:"invokedby,optional,dict"`
	AccessKeyID      *string         `parquet:"accesskeyid,optional"`
	UserName         *string         `parquet:"username,optional,dict"`
	OnBehalfOf       *OnBehalfOf     `parquet:"onbehalfof,optional"`
	SessionContext   *SessionContext `parquet:"sessioncontext,optional"`
	CredentialID     *string         `parquet:"credentialid,optional"`
	IdentityProvider *string         `parquet:"identityprovider,optional,dict"`
}

// OnBehalfOf names the IAM Identity Center user behind a session.
type OnBehalfOf struct {
	UserID           *string `parquet:"userid,optional"`
	IdentityStoreARN *string `parquet:"identitystorearn,optional,dict"`
}

// SessionContext is userIdentity.sessionContext.
type SessionContext struct {
	Attributes          *SessionAttributes   `parquet:"attributes,optional"`
	SessionIssuer       *SessionIssuer       `parquet:"sessionissuer,optional"`
	EC2RoleDelivery     *string              `parquet:"ec2roledelivery,optional,dict"`
	WebIDFederationData *WebIDFederationData `parquet:"webidfederationdata,optional"`
	SourceIdentity      *string              `parquet:"sourceidentity,optional,dict"`
}

// SessionAttributes is userIdentity.sessionContext.attributes.
type SessionAttributes struct {
	MFAAuthenticated *string `parquet:"mfaauthenticated,optional,dict"`
	CreationDate     *string `parquet:"creationdate,optional"`
}

// SessionIssuer is userIdentity.sessionContext.sessionIssuer.
type SessionIssuer struct {
	Type        *string `parquet:"type,optional,dict"`
	PrincipalID *string `parquet:"principalid,optional"`
	ARN         *string `parquet:"arn,optional,dict"`
	AccountID   *string `parquet:"accountid,optional,dict"`
	UserName    *string `parquet:"username,optional,dict"`
}

// WebIDFederationData is userIdentity.sessionContext.webIdFederationData.
type WebIDFederationData struct {
	FederatedProvider *string `parquet:"federatedprovider,optional,dict"`
	// Attributes is the attributes object as JSON text.
	Attributes *string `parquet:"attributes,optional"`
}

// Resource is one element of resources.
type Resource struct {
	ARN       *string `parquet:"arn,optional,dict"`
	AccountID *string `parquet:"accountid,optional,dict"`
	Type      *string `parquet:"type,optional,dict"`
}

// Addendum is the addendum element of a record delivered late or updated.
type Addendum struct {
	Reason            *string `parquet:"reason,optional,dict"`
	UpdatedFields     *string `parquet:"updatedfields,optional"`
	OriginalRequestID *string `parquet:"originalrequestid,optional"`
	OriginalEventID   *string `parquet:"originaleventid,optional"`
}

// TLSDetails is the tlsDetails element of a record.
type TLSDetails struct {
	TLSVersion               *string `parquet:"tlsversion,optional,dict"`
	CipherSuite              *string `parquet:"ciphersuite,optional,dict"`
	ClientProvidedHostHeader *string `parquet:"clientprovidedhostheader,optional,dict"`
}
