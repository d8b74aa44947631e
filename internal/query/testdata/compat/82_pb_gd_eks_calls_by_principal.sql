-- aws-samples/aws-incident-response-playbooks playbooks/Amazon GuardDuty Playbooks/EKS Findings/IRP-GD-SuccessfulAnonymousAccess-Kubernetes.md, total calls of a principal and whether they succeeded (MIT-0); the example principal id 'AROA…' = AIDABOB00000000000002.
-- order: sorted:-2
select eventname, count(*) as total, eventsource, awsregion, errormessage
from cloudtrail_logs
where useridentity.principalid = 'AIDABOB00000000000002'
group by eventname, eventsource, awsregion, errormessage
order by total desc;
