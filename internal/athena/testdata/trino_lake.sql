-- trailsql athena ddl --dialect trino: tables over the Parquet lake s3://lake-bucket/trailsql/,
-- with partition projection on account, year, month; then views.
-- Columns are generated from the lake's Parquet schema (lake.Row: cloudtrail.Event, then region, day).
-- Accounts: 111111111111, 222222222222. Years: 2023 to now.
-- Rerun this command when accounts appear, to add them to the projection.

-- (a) The Parquet lake that trailsql writes: one folder per account and month,
-- whose files hold the region and day of each event as columns (in SELECT *,
-- region and day come before the partition columns account, year and month).
-- Run 'trailsql compact' first on a lake written by an older trailsql: this
-- table does not read its account/region/year/month/day folders.
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
  region varchar,
  day varchar,
  account varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = ARRAY['111111111111', '222222222222']),
  year varchar WITH (partition_projection_type = 'DATE', partition_projection_format = 'yyyy', partition_projection_range = ARRAY['2023', 'NOW'], partition_projection_interval = 1, partition_projection_interval_unit = 'YEARS'),
  month varchar WITH (partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['1', '12'], partition_projection_digits = 2)
)
WITH (
  format = 'PARQUET',
  external_location = 's3://lake-bucket/trailsql/cloudtrail/',
  partitioned_by = ARRAY['account', 'year', 'month'],
  partition_projection_enabled = true,
  partition_projection_location_template = 's3://lake-bucket/trailsql/cloudtrail/account=${account}/year=${year}/month=${month}'
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
