-- trailsql athena ddl --dialect trino: tables over the Parquet lake s3://lake-bucket/trailsql/,
-- with partition projection on account, region, year, month, day; then views.
-- Columns are generated from the lake's Parquet schema (cloudtrail.Event).
-- Accounts: 111111111111, 222222222222. Regions: eu-west-1, us-east-1. Years: 2023 to now.
-- Rerun this command when accounts or regions appear, to add them to the projection.

-- (a) The Parquet lake that trailsql writes.
CREATE TABLE IF NOT EXISTS cloudtrail (
  eventversion varchar,
  useridentity ROW(
    type varchar,
    principalid varchar,
    arn varchar,
    accountid varchar,
    invokedby varchar,
    accesskeyid varchar,
    username varchar,
    onbehalfof ROW(
      userid varchar,
      identitystorearn varchar
    ),
    sessioncontext ROW(
      attributes ROW(
        mfaauthenticated varchar,
        creationdate varchar
      ),
      sessionissuer ROW(
        type varchar,
        principalid varchar,
        arn varchar,
        accountid varchar,
        username varchar
      ),
      ec2roledelivery varchar,
      webidfederationdata ROW(
        federatedprovider varchar,
        attributes varchar
      ),
      sourceidentity varchar
    ),
    credentialid varchar,
    identityprovider varchar
  ),
  eventtime varchar,
  eventsource varchar,
  eventname varchar,
  awsregion varchar,
  sourceipaddress varchar,
  useragent varchar,
  errorcode varchar,
  errormessage varchar,
  requestparameters varchar,
  responseelements varchar,
  additionaleventdata varchar,
  requestid varchar,
  eventid varchar,
  readonly varchar,
  resources ARRAY(ROW(
    arn varchar,
    accountid varchar,
    type varchar
  )),
  eventtype varchar,
  apiversion varchar,
  managementevent varchar,
  recipientaccountid varchar,
  serviceeventdetails varchar,
  sharedeventid varchar,
  vpcendpointid varchar,
  vpcendpointaccountid varchar,
  eventcategory varchar,
  addendum ROW(
    reason varchar,
    updatedfields varchar,
    originalrequestid varchar,
    originaleventid varchar
  ),
  sessioncredentialfromconsole varchar,
  edgedevicedetails varchar,
  tlsdetails ROW(
    tlsversion varchar,
    ciphersuite varchar,
    clientprovidedhostheader varchar
  ),
  insightdetails varchar,
  eventtimestamp timestamp(3),
  "_extra" varchar,
  "_nulls" varchar,
  "_raw" varchar,
  "_object" varchar,
  "_fp" bigint,
  "_hash" bigint,
  account varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = ARRAY['111111111111', '222222222222']),
  region varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = ARRAY['eu-west-1', 'us-east-1']),
  year varchar WITH (partition_projection_type = 'DATE', partition_projection_format = 'yyyy', partition_projection_range = ARRAY['2023', 'NOW'], partition_projection_interval = 1, partition_projection_interval_unit = 'YEARS'),
  month varchar WITH (partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['1', '12'], partition_projection_digits = 2),
  day varchar WITH (partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['1', '31'], partition_projection_digits = 2)
)
WITH (
  format = 'PARQUET',
  external_location = 's3://lake-bucket/trailsql/cloudtrail/',
  partitioned_by = ARRAY['account', 'region', 'year', 'month', 'day'],
  partition_projection_enabled = true,
  partition_projection_location_template = 's3://lake-bucket/trailsql/cloudtrail/account=${account}/region=${region}/year=${year}/month=${month}/day=${day}'
);

-- (c) The union view of every account, one view per account, and the view
-- of records lists for SELECT ... FROM logs CROSS JOIN UNNEST(records) AS t(record).
CREATE OR REPLACE VIEW cloudtrail_logs AS
SELECT * FROM cloudtrail;

CREATE OR REPLACE VIEW cloudtrail_111111111111 AS
SELECT * FROM cloudtrail WHERE account = '111111111111';

CREATE OR REPLACE VIEW cloudtrail_222222222222 AS
SELECT * FROM cloudtrail WHERE account = '222222222222';

CREATE OR REPLACE VIEW logs AS
SELECT
  account, region, year, month, day,
  ARRAY[CAST(ROW(
    eventversion,
    useridentity,
    eventtime,
    eventsource,
    eventname,
    awsregion,
    sourceipaddress,
    useragent,
    errorcode,
    errormessage,
    requestparameters,
    responseelements,
    additionaleventdata,
    requestid,
    eventid,
    readonly,
    resources,
    eventtype,
    apiversion,
    managementevent,
    recipientaccountid,
    serviceeventdetails,
    sharedeventid,
    vpcendpointid,
    vpcendpointaccountid,
    eventcategory,
    addendum,
    sessioncredentialfromconsole,
    edgedevicedetails,
    tlsdetails,
    insightdetails
  ) AS ROW(
      eventversion varchar,
      useridentity ROW(
        type varchar,
        principalid varchar,
        arn varchar,
        accountid varchar,
        invokedby varchar,
        accesskeyid varchar,
        username varchar,
        onbehalfof ROW(
          userid varchar,
          identitystorearn varchar
        ),
        sessioncontext ROW(
          attributes ROW(
            mfaauthenticated varchar,
            creationdate varchar
          ),
          sessionissuer ROW(
            type varchar,
            principalid varchar,
            arn varchar,
            accountid varchar,
            username varchar
          ),
          ec2roledelivery varchar,
          webidfederationdata ROW(
            federatedprovider varchar,
            attributes varchar
          ),
          sourceidentity varchar
        ),
        credentialid varchar,
        identityprovider varchar
      ),
      eventtime varchar,
      eventsource varchar,
      eventname varchar,
      awsregion varchar,
      sourceipaddress varchar,
      useragent varchar,
      errorcode varchar,
      errormessage varchar,
      requestparameters varchar,
      responseelements varchar,
      additionaleventdata varchar,
      requestid varchar,
      eventid varchar,
      readonly varchar,
      resources ARRAY(ROW(
        arn varchar,
        accountid varchar,
        type varchar
      )),
      eventtype varchar,
      apiversion varchar,
      managementevent varchar,
      recipientaccountid varchar,
      serviceeventdetails varchar,
      sharedeventid varchar,
      vpcendpointid varchar,
      vpcendpointaccountid varchar,
      eventcategory varchar,
      addendum ROW(
        reason varchar,
        updatedfields varchar,
        originalrequestid varchar,
        originaleventid varchar
      ),
      sessioncredentialfromconsole varchar,
      edgedevicedetails varchar,
      tlsdetails ROW(
        tlsversion varchar,
        ciphersuite varchar,
        clientprovidedhostheader varchar
      ),
      insightdetails varchar
    ))] AS records
FROM cloudtrail;
