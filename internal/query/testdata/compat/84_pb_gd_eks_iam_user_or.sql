-- aws-samples/aws-incident-response-playbooks playbooks/Amazon GuardDuty Playbooks/EKS Findings/IRP-GD-SuccessfulAnonymousAccess-Kubernetes.md, the same for an IAM user, as published with OR (which keeps every event: no name is both) (MIT-0); ExampleUser = mallory.
-- order: exact
select eventname, useridentity.username, sourceIPAddress, eventtime, requestparameters from cloudtrail_logs
where (useridentity.username like '%mallory%')
and eventtime > '2017-06-01T00:00:00Z'
and (eventname not like '%Describe%' OR eventname not like '%List%')
order by eventtime asc;
