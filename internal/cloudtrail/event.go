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
	EventVersion                 *string       `parquet:"eventversion,optional,dict,zstd"`
	UserIdentity                 *UserIdentity `parquet:"useridentity,optional"`
	EventTime                    *string       `parquet:"eventtime,optional,zstd"`
	EventSource                  *string       `parquet:"eventsource,optional,dict,zstd"`
	EventName                    *string       `parquet:"eventname,optional,dict,zstd"`
	AWSRegion                    *string       `parquet:"awsregion,optional,dict,zstd"`
	SourceIPAddress              *string       `parquet:"sourceipaddress,optional,dict,zstd"`
	UserAgent                    *string       `parquet:"useragent,optional,dict,zstd"`
	ErrorCode                    *string       `parquet:"errorcode,optional,dict,zstd"`
	ErrorMessage                 *string       `parquet:"errormessage,optional,zstd"`
	RequestParameters            *string       `parquet:"requestparameters,optional,zstd"`
	ResponseElements             *string       `parquet:"responseelements,optional,zstd"`
	AdditionalEventData          *string       `parquet:"additionaleventdata,optional,zstd"`
	RequestID                    *string       `parquet:"requestid,optional,zstd"`
	EventID                      *string       `parquet:"eventid,optional,zstd"`
	ReadOnly                     *string       `parquet:"readonly,optional,dict,zstd"`
	Resources                    []Resource    `parquet:"resources,optional,list"`
	EventType                    *string       `parquet:"eventtype,optional,dict,zstd"`
	APIVersion                   *string       `parquet:"apiversion,optional,dict,zstd"`
	ManagementEvent              *string       `parquet:"managementevent,optional,dict,zstd"`
	RecipientAccountID           *string       `parquet:"recipientaccountid,optional,dict,zstd"`
	ServiceEventDetails          *string       `parquet:"serviceeventdetails,optional,zstd"`
	SharedEventID                *string       `parquet:"sharedeventid,optional,zstd"`
	VPCEndpointID                *string       `parquet:"vpcendpointid,optional,dict,zstd"`
	VPCEndpointAccountID         *string       `parquet:"vpcendpointaccountid,optional,dict,zstd"`
	EventCategory                *string       `parquet:"eventcategory,optional,dict,zstd"`
	Addendum                     *Addendum     `parquet:"addendum,optional"`
	SessionCredentialFromConsole *string       `parquet:"sessioncredentialfromconsole,optional,dict,zstd"`
	EdgeDeviceDetails            *string       `parquet:"edgedevicedetails,optional,zstd"`
	TLSDetails                   *TLSDetails   `parquet:"tlsdetails,optional"`
	InsightDetails               *string       `parquet:"insightdetails,optional,zstd"`

	// EventTimestamp is eventTime parsed, in UTC microseconds.
	EventTimestamp *int64 `parquet:"eventtimestamp,optional,timestamp(microsecond:utc),zstd"`
	// Extra holds, as one JSON object, every top-level key of the source
	// record that has no column of its own, with its value as in the source.
	Extra *string `parquet:"_extra,optional,zstd"`
	// Nulls lists (comma separated) the top-level keys that were null in the
	// source, so that null and absent can be told apart.
	Nulls *string `parquet:"_nulls,optional,dict,zstd"`
	// Raw is the source record byte for byte, kept only when the columns
	// cannot rebuild it exactly (odd key casing, unexpected value types,
	// unknown nested keys, duplicate keys).
	Raw *string `parquet:"_raw,optional,zstd"`
	// Object is the source object (file or S3 key) the record came from.
	Object *string `parquet:"_object,optional,dict,zstd"`
	// FP is the record's identity fingerprint, used to store a record that is
	// delivered more than once only once.
	FP int64 `parquet:"_fp,zstd"`
	// Hash is a hash of the record's source text: a record whose identity
	// (FP) is already stored is a duplicate delivery when its Hash is the
	// same, and a conflicting record (kept in quarantine) when it is not.
	Hash int64 `parquet:"_hash,zstd"`
}

// UserIdentity is the userIdentity element of a record.
type UserIdentity struct {
	Type             *string         `parquet:"type,optional,dict,zstd"`
	PrincipalID      *string         `parquet:"principalid,optional,dict,zstd"`
	ARN              *string         `parquet:"arn,optional,dict,zstd"`
	AccountID        *string         `parquet:"accountid,optional,dict,zstd"`
	InvokedBy        *string         `parquet:"invokedby,optional,dict,zstd"`
	AccessKeyID      *string         `parquet:"accesskeyid,optional,dict,zstd"`
	UserName         *string         `parquet:"username,optional,dict,zstd"`
	OnBehalfOf       *OnBehalfOf     `parquet:"onbehalfof,optional"`
	SessionContext   *SessionContext `parquet:"sessioncontext,optional"`
	CredentialID     *string         `parquet:"credentialid,optional,zstd"`
	IdentityProvider *string         `parquet:"identityprovider,optional,dict,zstd"`
}

// OnBehalfOf names the IAM Identity Center user behind a session.
type OnBehalfOf struct {
	UserID           *string `parquet:"userid,optional,dict,zstd"`
	IdentityStoreARN *string `parquet:"identitystorearn,optional,dict,zstd"`
}

// SessionContext is userIdentity.sessionContext.
type SessionContext struct {
	Attributes          *SessionAttributes   `parquet:"attributes,optional"`
	SessionIssuer       *SessionIssuer       `parquet:"sessionissuer,optional"`
	EC2RoleDelivery     *string              `parquet:"ec2roledelivery,optional,dict,zstd"`
	WebIDFederationData *WebIDFederationData `parquet:"webidfederationdata,optional"`
	SourceIdentity      *string              `parquet:"sourceidentity,optional,dict,zstd"`
}

// SessionAttributes is userIdentity.sessionContext.attributes.
type SessionAttributes struct {
	MFAAuthenticated *string `parquet:"mfaauthenticated,optional,dict,zstd"`
	CreationDate     *string `parquet:"creationdate,optional,zstd"`
}

// SessionIssuer is userIdentity.sessionContext.sessionIssuer.
type SessionIssuer struct {
	Type        *string `parquet:"type,optional,dict,zstd"`
	PrincipalID *string `parquet:"principalid,optional,dict,zstd"`
	ARN         *string `parquet:"arn,optional,dict,zstd"`
	AccountID   *string `parquet:"accountid,optional,dict,zstd"`
	UserName    *string `parquet:"username,optional,dict,zstd"`
}

// WebIDFederationData is userIdentity.sessionContext.webIdFederationData.
type WebIDFederationData struct {
	FederatedProvider *string `parquet:"federatedprovider,optional,dict,zstd"`
	// Attributes is the attributes object as JSON text.
	Attributes *string `parquet:"attributes,optional,zstd"`
}

// Resource is one element of resources.
type Resource struct {
	ARN       *string `parquet:"arn,optional,dict,zstd"`
	AccountID *string `parquet:"accountid,optional,dict,zstd"`
	Type      *string `parquet:"type,optional,dict,zstd"`
}

// Addendum is the addendum element of a record delivered late or updated.
type Addendum struct {
	Reason            *string `parquet:"reason,optional,dict,zstd"`
	UpdatedFields     *string `parquet:"updatedfields,optional,zstd"`
	OriginalRequestID *string `parquet:"originalrequestid,optional,zstd"`
	OriginalEventID   *string `parquet:"originaleventid,optional,zstd"`
}

// TLSDetails is the tlsDetails element of a record.
type TLSDetails struct {
	TLSVersion               *string `parquet:"tlsversion,optional,dict,zstd"`
	CipherSuite              *string `parquet:"ciphersuite,optional,dict,zstd"`
	ClientProvidedHostHeader *string `parquet:"clientprovidedhostheader,optional,dict,zstd"`
}
