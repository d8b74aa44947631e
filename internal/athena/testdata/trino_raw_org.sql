-- trailsql athena ddl --dialect trino: tables over the CloudTrail logs s3://trail-bucket/AWSLogs/o-abc123def4/,
-- with partition projection on account, region, year, month, day; then views.
-- Columns are generated from the lake's Parquet schema (cloudtrail.Event).
-- Accounts: 111111111111, 222222222222. Regions: eu-west-1, us-east-1. Years: 2023 to now.
-- Rerun this command when accounts or regions appear, to add them to the projection.

-- (b) The CloudTrail log files as CloudTrail writes them, in place (AWS's
-- partition projection for CloudTrail, with the date split into year, month
-- and day so that queries written for the lake run unchanged).
CREATE TABLE IF NOT EXISTS hive.security.cloudtrail_files (
  records ARRAY(ROW(
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
  )),
  account varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = ARRAY['111111111111', '222222222222']),
  region varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = ARRAY['eu-west-1', 'us-east-1']),
  year varchar WITH (partition_projection_type = 'DATE', partition_projection_format = 'yyyy', partition_projection_range = ARRAY['2023', 'NOW'], partition_projection_interval = 1, partition_projection_interval_unit = 'YEARS'),
  month varchar WITH (partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['1', '12'], partition_projection_digits = 2),
  day varchar WITH (partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['1', '31'], partition_projection_digits = 2)
)
WITH (
  format = 'JSON',
  external_location = 's3://trail-bucket/AWSLogs/o-abc123def4/',
  partitioned_by = ARRAY['account', 'region', 'year', 'month', 'day'],
  partition_projection_enabled = true,
  partition_projection_location_template = 's3://trail-bucket/AWSLogs/o-abc123def4/${account}/CloudTrail/${region}/${year}/${month}/${day}'
);

CREATE OR REPLACE VIEW hive.security.cloudtrail AS
SELECT
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
  insightdetails,
  account, region, year, month, day
FROM hive.security.cloudtrail_files
CROSS JOIN UNNEST(records) AS t (
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
);

-- (c) The union view of every account, one view per account, and the view
-- of records lists for SELECT ... FROM logs CROSS JOIN UNNEST(records) AS t(record).
CREATE OR REPLACE VIEW hive.security.cloudtrail_logs AS
SELECT * FROM hive.security.cloudtrail;

CREATE OR REPLACE VIEW hive.security.cloudtrail_111111111111 AS
SELECT * FROM hive.security.cloudtrail WHERE account = '111111111111';

CREATE OR REPLACE VIEW hive.security.cloudtrail_222222222222 AS
SELECT * FROM hive.security.cloudtrail WHERE account = '222222222222';

CREATE OR REPLACE VIEW hive.security.logs AS
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
FROM hive.security.cloudtrail;
