-- trailsql athena ddl --dialect athena: tables over the Parquet lake s3://lake-bucket/trailsql/,
-- with partition projection on account, year, month; then views.
-- Columns are generated from the lake's Parquet schema (lake.Row: cloudtrail.Event, then region, day).
-- Accounts: 111111111111, 222222222222. Years: 2023 to now.
-- Rerun this command when accounts appear, to add them to the projection.

-- (a) The Parquet lake that trailsql writes: one folder per account and month,
-- whose files hold the region and day of each event as columns (in SELECT *,
-- region and day come before the partition columns account, year and month).
-- Run 'trailsql compact' first on a lake written by an older trailsql: this
-- table does not read its account/region/year/month/day folders.
CREATE EXTERNAL TABLE IF NOT EXISTS cloudtrail (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<
      userid: STRING,
      identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<
        mfaauthenticated: STRING,
        creationdate: STRING>,
      sessionissuer: STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<
        federatedprovider: STRING,
        attributes: STRING>,
      sourceidentity: STRING>,
    credentialid: STRING,
    identityprovider: STRING>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<
    arn: STRING,
    accountid: STRING,
    type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  managementevent STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<
    reason: STRING,
    updatedfields: STRING,
    originalrequestid: STRING,
    originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<
    tlsversion: STRING,
    ciphersuite: STRING,
    clientprovidedhostheader: STRING>,
  insightdetails STRING,
  eventtimestamp TIMESTAMP,
  `_extra` STRING,
  `_nulls` STRING,
  `_raw` STRING,
  `_object` STRING,
  `_fp` BIGINT,
  `_hash` BIGINT,
  region STRING,
  day STRING
)
PARTITIONED BY (
  account STRING,
  year STRING,
  month STRING
)
STORED AS PARQUET
LOCATION 's3://lake-bucket/trailsql/cloudtrail/'
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.account.type'='enum',
  'projection.account.values'='111111111111,222222222222',
  'projection.year.type'='date',
  'projection.year.format'='yyyy',
  'projection.year.range'='2023,NOW',
  'projection.year.interval'='1',
  'projection.year.interval.unit'='YEARS',
  'projection.month.type'='integer',
  'projection.month.range'='1,12',
  'projection.month.digits'='2',
  'storage.location.template'='s3://lake-bucket/trailsql/cloudtrail/account=${account}/year=${year}/month=${month}'
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
