-- title: Security groups opened to the world
-- question: Who changed a security group to allow traffic from anywhere (0.0.0.0/0 or ::/0), on which ports, and when?
-- description: The events of the built-in detection rule ec2-security-group-open-to-world (AuthorizeSecurityGroupIngress and ModifySecurityGroupRules with a /0 source; failed calls, which change nothing, are left out), one row per rule opened: the request is parsed (each permission's IPv4 and IPv6 ranges, as {items: [...]} or as plain lists, and the older top-level cidrIp form; each ModifySecurityGroupRules rule's CidrIpv4 and CidrIpv6, one rule or a list) and the ranges whose source is the whole internet (a /0) kept, on any port or protocol.
-- rule: ec2-security-group-open-to-world
-- param: group (string, default ''): only this security group id ('' for every group)
WITH sg AS (
  SELECT * FROM cloudtrail
  WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
),
authorize AS (
  SELECT sg.*, json_extract_scalar(requestparameters, '$.groupId') AS group_id,
         json_extract_scalar(p, '$.ipProtocol') AS protocol,
         json_extract_scalar(p, '$.fromPort') AS from_port,
         json_extract_scalar(p, '$.toPort') AS to_port,
         json_extract_scalar(r, '$.cidrIp') AS cidr
  FROM sg
  CROSS JOIN UNNEST(CAST(coalesce(json_extract(requestparameters, '$.ipPermissions.items'),
                                 CASE WHEN json_array_length(json_extract(requestparameters, '$.ipPermissions')) IS NOT NULL
                                      THEN json_extract(requestparameters, '$.ipPermissions') END) AS ARRAY(JSON))) AS t(p)
  CROSS JOIN UNNEST(CAST(coalesce(json_extract(p, '$.ipRanges.items'),
                                 CASE WHEN json_array_length(json_extract(p, '$.ipRanges')) IS NOT NULL
                                      THEN json_extract(p, '$.ipRanges') END) AS ARRAY(JSON))) AS u(r)
  WHERE eventname = 'AuthorizeSecurityGroupIngress'
  UNION ALL
  SELECT sg.*, json_extract_scalar(requestparameters, '$.groupId'),
         json_extract_scalar(p, '$.ipProtocol'), json_extract_scalar(p, '$.fromPort'),
         json_extract_scalar(p, '$.toPort'), json_extract_scalar(r, '$.cidrIpv6')
  FROM sg
  CROSS JOIN UNNEST(CAST(coalesce(json_extract(requestparameters, '$.ipPermissions.items'),
                                 CASE WHEN json_array_length(json_extract(requestparameters, '$.ipPermissions')) IS NOT NULL
                                      THEN json_extract(requestparameters, '$.ipPermissions') END) AS ARRAY(JSON))) AS t(p)
  CROSS JOIN UNNEST(CAST(coalesce(json_extract(p, '$.ipv6Ranges.items'),
                                 CASE WHEN json_array_length(json_extract(p, '$.ipv6Ranges')) IS NOT NULL
                                      THEN json_extract(p, '$.ipv6Ranges') END) AS ARRAY(JSON))) AS u(r)
  WHERE eventname = 'AuthorizeSecurityGroupIngress'
  UNION ALL
  SELECT sg.*, json_extract_scalar(requestparameters, '$.groupId'),
         json_extract_scalar(requestparameters, '$.ipProtocol'),
         json_extract_scalar(requestparameters, '$.fromPort'),
         json_extract_scalar(requestparameters, '$.toPort'),
         json_extract_scalar(requestparameters, '$.cidrIp')
  FROM sg
  WHERE eventname = 'AuthorizeSecurityGroupIngress'
    AND json_extract_scalar(requestparameters, '$.cidrIp') IS NOT NULL
),
modify AS (
  SELECT sg.*, json_extract_scalar(requestparameters, '$.ModifySecurityGroupRulesRequest.GroupId') AS group_id,
         json_extract_scalar(r, '$.SecurityGroupRule.IpProtocol') AS protocol,
         json_extract_scalar(r, '$.SecurityGroupRule.FromPort') AS from_port,
         json_extract_scalar(r, '$.SecurityGroupRule.ToPort') AS to_port,
         coalesce(json_extract_scalar(r, '$.SecurityGroupRule.CidrIpv4'), json_extract_scalar(r, '$.SecurityGroupRule.CidrIpv6')) AS cidr
  FROM sg
  CROSS JOIN UNNEST(CAST(CASE WHEN json_array_length(json_extract(requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule')) IS NOT NULL
                              THEN json_extract(requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule')
                              ELSE json_parse('[' || json_format(json_extract(requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule')) || ']') END AS ARRAY(JSON))) AS t(r)
  WHERE eventname = 'ModifySecurityGroupRules'
    AND json_extract(requestparameters, '$.ModifySecurityGroupRulesRequest.SecurityGroupRule') IS NOT NULL
)
SELECT eventtime, account, awsregion, coalesce(useridentity.arn, useridentity.username, useridentity.invokedby, useridentity.accountid) AS who, eventname, group_id, protocol,
       CASE WHEN protocol = '-1' THEN 'all' WHEN from_port = to_port THEN from_port ELSE from_port || '-' || to_port END AS ports,
       cidr, sourceipaddress
FROM (SELECT * FROM authorize UNION ALL SELECT * FROM modify)
WHERE cidr LIKE '%/0'
  AND (:group = '' OR group_id = :group)
ORDER BY eventtimestamp, eventid, cidr
