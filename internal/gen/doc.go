// Package gen writes realistic AWS CloudTrail log sets: the files a trail
// delivers to its S3 bucket, for demos, tests and benchmarks of trailsql.
//
// Generate writes gzip {"Records":[...]} files under
//
//	AWSLogs/<org>/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<16 alphanumerics>.json.gz
//
// (AWSLogs/<account>/... when Options.Org is empty), one file per account
// and region for each five-minute delivery window that has events (more
// when a window has more than 250; Options.Window makes the window
// longer, and the files bigger), records in time order. Insights records
// go to CloudTrail-Insight/ in the same scheme.
//
// The output is a function of the Options alone: the same options write
// byte-identical files, whatever the number of workers. Every random
// choice comes from a PCG stream seeded from Options.Seed and the place of
// the choice (the file, the record), never from the clock or map order,
// and gzip headers carry no time. Memory stays bounded: files are planned
// in time order and written by a bounded pool of workers.
//
// # What the records look like
//
// Records follow CloudTrail's own shapes and key order: event versions
// 1.08 to 1.11; every userIdentity type (IAMUser, AssumedRole with
// sessionContext, sessionIssuer and attributes, Root, AWSService with
// invokedBy, AWSAccount, FederatedUser, SAMLUser, WebIdentityUser with
// webIdFederationData on its sessions, IdentityCenterUser with onBehalfOf
// and credentialId); management and data events (S3 object calls with
// their resources, Lambda Invoke, DynamoDB items), service events, console
// sign-ins, readOnly and managementEvent as JSON booleans,
// sessionCredentialFromConsole as the string "true", tlsDetails,
// sharedEventID and vpcEndpointId on some records, requestParameters and
// responseElements of many shapes and null, and errorCode/errorMessage on
// a few percent of calls. A few hundred source addresses and user agents
// recur.
//
// Role sessions are planned ahead: each temporary key (ASIA...) used by an
// AssumedRole or FederatedUser principal was issued by an earlier
// AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity or
// GetFederationToken record whose responseElements.credentials.accessKeyId
// is that key, so a key can be followed back to whoever obtained it. Some
// sessions assume further roles (role chaining), some in another account;
// a cross-account call is delivered to both accounts with one
// sharedEventID. About one record in a thousand is delivered a second time
// in a later file, as CloudTrail's at-least-once delivery does
// (Stats.Duplicates); Insights Start/End pairs appear at a low rate.
// Stats.Events counts every record written, duplicates included, and
// always equals Options.Events.
//
// # Planted scenarios
//
// When Options.Events >= ScenarioMinEvents, ScenarioEvents fixed records
// are planted, once each, in the first account (Stats.Accounts[0], the
// organization's management account), in ScenarioRegion (us-east-1), on
// ScenarioDay (2019-09-30) when the generated days cover it and on the
// first day otherwise:
//
//  1. The IAM user ScenarioMallory ("mallory") calls ec2
//     AuthorizeSecurityGroupIngress on ScenarioOpenedGroup
//     ("sg-0ecc76ac9b16d1e14") opening tcp port ScenarioOpenedPort (23) to
//     0.0.0.0/0 and ::/0 (requestParameters.ipPermissions.items[].ipRanges.items[].cidrIp
//     and .ipv6Ranges.items[].cidrIpv6), from ScenarioAttackerIP
//     ("1.2.3.4"); then ModifySecurityGroupRules on ScenarioModifiedGroup,
//     rule ScenarioModifiedRule, opening tcp ScenarioModifiedPort (3389) to
//     0.0.0.0/0. No other record opens a security group to the world.
//  2. The IAM user ScenarioAlice ("alice") calls iam CreateUser for
//     ScenarioGhostUser ("ghost-admin"), AttachUserPolicy with
//     ScenarioGhostPolicy (AdministratorAccess) and CreateAccessKey, whose
//     responseElements.accessKey.accessKeyId is ScenarioGhostAccessKey;
//     ghost-admin then calls GetCallerIdentity, ListBuckets,
//     DescribeInstances, ListUsers and GetSecretValue with that key, mostly
//     from ScenarioAttackerIP.
//  3. Anonymous S3 GetObject requests (userIdentity
//     {"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"},
//     no arn) read objects of ScenarioPublicBucket ("trailsql-demo-public").
//  4. Three failed console logins (errorMessage "Failed authentication",
//     responseElements {"ConsoleLogin":"Failure"}) from
//     ScenarioBruteForceIP, then a successful ConsoleLogin of
//     ScenarioNoMFAUser ("carol") without MFA (additionalEventData
//     MFAUsed "No"). Every other console login uses MFA.
//  5. mallory calls cloudtrail StopLogging on the trail ScenarioTrail; the
//     root user signs in to the console (with MFA) and makes a few calls.
//
// The detection scenarios (scenario_detect.go) add DetectionEvents more
// records when Events >= DetectionMinEvents, in the same account, region
// and day and in the five-minute windows that hold the records above:
// for each built-in detection rule (internal/detect/pack) one or more
// cases it must catch and a near miss it must not (a security group
// opened to 10.0.0.0/8, a key created for oneself, four failed logins in
// a row, a policy that is not admin, ...), most of them by the IAM user
// ScenarioTrudy and the role session ScenarioIntruderSession from
// ScenarioIntruderIP. One of them, a call in ScenarioUnusualRegion, is the
// only record of a file of that region. They take the place of regular
// records of the windows from their first on (at most half of each
// file's), so a set differs from one without them in those files only.
// Plants lists every planted record with its case, whether it is a near
// miss, its time and its eventID; Stats.Scenario is PlantedEvents.
//
// Below ScenarioMinEvents nothing is planted (Stats.Scenario is zero).
package gen
