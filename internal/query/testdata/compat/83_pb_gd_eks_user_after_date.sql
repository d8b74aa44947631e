-- aws-samples/aws-incident-response-playbooks playbooks/Amazon GuardDuty Playbooks/EKS Findings/IRP-GD-SuccessfulAnonymousAccess-Kubernetes.md, a user's events after a date without Describe/List calls (NOT LIKE under AND) (MIT-0); ExampleUser = mallory.
-- order: exact
select eventname, useridentity.username, sourceIPAddress, eventtime, requestparameters from cloudtrail_logs
where (useridentity.username like '%mallory%')
and eventtime > '2017-06-01T00:00:00Z'
and (eventname not like '%Describe%' AND eventname not like '%List%')
order by eventtime asc;
