// Package attrib answers "who is really behind this key": it follows
// temporary credentials back through the events that issued them to the
// principal that started the chain.
//
// Whois takes an access key id (AKIA... or ASIA...), an assumed-role or
// federated-user ARN, an IAM user ARN, or a role session name. A temporary
// key is traced to the STS call whose response carried it
// (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity,
// GetSessionToken, GetFederationToken); the caller of that call is the
// next hop, and a caller that itself used temporary credentials is traced
// in turn (role chaining, across accounts too). The chain ends at an IAM
// user or root, an AWS service (an EC2 instance role, a Lambda function),
// a SAML or IAM Identity Center user, or a web identity; or it breaks, and
// the Chain says plainly where and why (no issuing event in the lake, and
// whether the key was first used before the lake's first event).
package attrib
