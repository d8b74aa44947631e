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
//
// The ct tag of each field (here and in the structs below) is the key that
// CloudTrail gives the value in a record, and how the value is encoded: the
// one mapping between record keys and columns, which decoding, Rebuild and
// the query package's logs view read (see fields.go). "-" marks a helper.
type Event struct {
	EventVersion                 *string       `parquet:"eventversion,optional,dict" ct:"eventVersion"`
	UserIdentity                 *UserIdentity `parquet:"useridentity,optional" ct:"userIdentity"`
	EventTime                    *string       `parquet:"eventtime,optional" ct:"eventTime"`
	EventSource                  *string       `parquet:"eventsource,optional,dict" ct:"eventSource"`
	EventName                    *string       `parquet:"eventname,optional,dict" ct:"eventName"`
	AWSRegion                    *string       `parquet:"awsregion,optional,dict" ct:"awsRegion"`
	SourceIPAddress              *string       `parquet:"sourceipaddress,optional" ct:"sourceIPAddress"`
	UserAgent                    *string       `parquet:"useragent,optional,dict" ct:"userAgent"`
	ErrorCode                    *string       `parquet:"errorcode,optional,dict" ct:"errorCode"`
	ErrorMessage                 *string       `parquet:"errormessage,optional" ct:"errorMessage"`
	RequestParameters            *string       `parquet:"requestparameters,optional" ct:"requestParameters,json"`
	ResponseElements             *string       `parquet:"responseelements,optional" ct:"responseElements,json"`
	AdditionalEventData          *string       `parquet:"additionaleventdata,optional" ct:"additionalEventData,json"`
	RequestID                    *string       `parquet:"requestid,optional" ct:"requestID"`
	EventID                      *string       `parquet:"eventid,optional" ct:"eventID"`
	ReadOnly                     *string       `parquet:"readonly,optional,dict" ct:"readOnly,bool"`
	Resources                    []Resource    `parquet:"resources,optional,list" ct:"resources"`
	EventType                    *string       `parquet:"eventtype,optional,dict" ct:"eventType"`
	APIVersion                   *string       `parquet:"apiversion,optional,dict" ct:"apiVersion"`
	ManagementEvent              *string       `parquet:"managementevent,optional,dict" ct:"managementEvent,bool"`
	RecipientAccountID           *string       `parquet:"recipientaccountid,optional,dict" ct:"recipientAccountId"`
	ServiceEventDetails          *string       `parquet:"serviceeventdetails,optional" ct:"serviceEventDetails,json"`
	SharedEventID                *string       `parquet:"sharedeventid,optional" ct:"sharedEventID"`
	VPCEndpointID                *string       `parquet:"vpcendpointid,optional,dict" ct:"vpcEndpointId"`
	VPCEndpointAccountID         *string       `parquet:"vpcendpointaccountid,optional,dict" ct:"vpcEndpointAccountId"`
	EventCategory                *string       `parquet:"eventcategory,optional,dict" ct:"eventCategory"`
	Addendum                     *Addendum     `parquet:"addendum,optional" ct:"addendum"`
	SessionCredentialFromConsole *string       `parquet:"sessioncredentialfromconsole,optional,dict" ct:"sessionCredentialFromConsole"`
	EdgeDeviceDetails            *string       `parquet:"edgedevicedetails,optional" ct:"edgeDeviceDetails,json"`
	TLSDetails                   *TLSDetails   `parquet:"tlsdetails,optional" ct:"tlsDetails"`
	InsightDetails               *string       `parquet:"insightdetails,optional" ct:"insightDetails,json"`

	// EventTimestamp is eventTime parsed, in UTC microseconds.
	EventTimestamp *int64 `parquet:"eventtimestamp,optional,timestamp(microsecond:utc)" ct:"-"`
	// Extra holds, as one JSON object, every top-level key of the source
	// record that has no column of its own, with its value as in the source.
	Extra *string `parquet:"_extra,optional" ct:"-"`
	// Nulls lists (comma separated) the top-level keys that were null in the
	// source, so that null and absent can be told apart.
	Nulls *string `parquet:"_nulls,optional,dict" ct:"-"`
	// Raw is the source record byte for byte, kept only when the columns
	// cannot rebuild it exactly (odd key casing, unexpected value types,
	// unknown nested keys, duplicate keys).
	Raw *string `parquet:"_raw,optional" ct:"-"`
	// Object is the source object (file or S3 key) the record came from.
	Object *string `parquet:"_object,optional,dict" ct:"-"`
	// FP is the record's identity fingerprint, used to store a record that is
	// delivered more than once only once.
	FP int64 `parquet:"_fp" ct:"-"`
	// Hash is a hash of the record's source text: a record whose identity
	// (FP) is already stored is a duplicate delivery when its Hash is the
	// same, and a conflicting record (kept in quarantine) when it is not.
	Hash int64 `parquet:"_hash" ct:"-"`
}

// UserIdentity is the userIdentity element of a record.
type UserIdentity struct {
	Type             *string         `parquet:"type,optional,dict" ct:"type"`
	PrincipalID      *string         `parquet:"principalid,optional" ct:"principalId"`
	ARN              *string         `parquet:"arn,optional,dict" ct:"arn"`
	AccountID        *string         `parquet:"accountid,optional,dict" ct:"accountId"`
	InvokedBy        *string         `parquet:"invokedby,optional,dict" ct:"invokedBy"`
	AccessKeyID      *string         `parquet:"accesskeyid,optional" ct:"accessKeyId"`
	UserName         *string         `parquet:"username,optional,dict" ct:"userName"`
	OnBehalfOf       *OnBehalfOf     `parquet:"onbehalfof,optional" ct:"onBehalfOf"`
	SessionContext   *SessionContext `parquet:"sessioncontext,optional" ct:"sessionContext"`
	CredentialID     *string         `parquet:"credentialid,optional" ct:"credentialId"`
	IdentityProvider *string         `parquet:"identityprovider,optional,dict" ct:"identityProvider"`
}

// OnBehalfOf names the IAM Identity Center user behind a session.
type OnBehalfOf struct {
	UserID           *string `parquet:"userid,optional" ct:"userId"`
	IdentityStoreARN *string `parquet:"identitystorearn,optional,dict" ct:"identityStoreArn"`
}

// SessionContext is userIdentity.sessionContext.
type SessionContext struct {
	Attributes          *SessionAttributes   `parquet:"attributes,optional" ct:"attributes,order=2"`
	SessionIssuer       *SessionIssuer       `parquet:"sessionissuer,optional" ct:"sessionIssuer,order=0"`
	EC2RoleDelivery     *string              `parquet:"ec2roledelivery,optional,dict" ct:"ec2RoleDelivery,order=4"`
	WebIDFederationData *WebIDFederationData `parquet:"webidfederationdata,optional" ct:"webIdFederationData,order=1"`
	SourceIdentity      *string              `parquet:"sourceidentity,optional,dict" ct:"sourceIdentity,order=3"`
}

// SessionAttributes is userIdentity.sessionContext.attributes.
type SessionAttributes struct {
	MFAAuthenticated *string `parquet:"mfaauthenticated,optional,dict" ct:"mfaAuthenticated,order=1"`
	CreationDate     *string `parquet:"creationdate,optional" ct:"creationDate,order=0"`
}

// SessionIssuer is userIdentity.sessionContext.sessionIssuer.
type SessionIssuer struct {
	Type        *string `parquet:"type,optional,dict" ct:"type"`
	PrincipalID *string `parquet:"principalid,optional" ct:"principalId"`
	ARN         *string `parquet:"arn,optional,dict" ct:"arn"`
	AccountID   *string `parquet:"accountid,optional,dict" ct:"accountId"`
	UserName    *string `parquet:"username,optional,dict" ct:"userName"`
}

// WebIDFederationData is userIdentity.sessionContext.webIdFederationData.
type WebIDFederationData struct {
	FederatedProvider *string `parquet:"federatedprovider,optional,dict" ct:"federatedProvider"`
	// Attributes is the attributes object as JSON text.
	Attributes *string `parquet:"attributes,optional" ct:"attributes,object"`
}

// Resource is one element of resources.
type Resource struct {
	ARN       *string `parquet:"arn,optional,dict" ct:"ARN,order=2"`
	AccountID *string `parquet:"accountid,optional,dict" ct:"accountId,order=0"`
	Type      *string `parquet:"type,optional,dict" ct:"type,order=1"`
}

// Addendum is the addendum element of a record delivered late or updated.
type Addendum struct {
	Reason            *string `parquet:"reason,optional,dict" ct:"reason"`
	UpdatedFields     *string `parquet:"updatedfields,optional" ct:"updatedFields"`
	OriginalRequestID *string `parquet:"originalrequestid,optional" ct:"originalRequestID"`
	OriginalEventID   *string `parquet:"originaleventid,optional" ct:"originalEventID"`
}

// TLSDetails is the tlsDetails element of a record.
type TLSDetails struct {
	TLSVersion               *string `parquet:"tlsversion,optional,dict" ct:"tlsVersion"`
	CipherSuite              *string `parquet:"ciphersuite,optional,dict" ct:"cipherSuite"`
	ClientProvidedHostHeader *string `parquet:"clientprovidedhostheader,optional,dict" ct:"clientProvidedHostHeader"`
}
