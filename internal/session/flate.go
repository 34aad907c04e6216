package session

// dictionary primes DEFLATE with text common in claims (ARNs, policy JSON,
// tag-ish words) so even a few hundred bytes compress well. It is part of
// token format version 1: changing it requires a new version.
const dictionary = `arn:aws:iam::arn:aws:sts::assumed-role/federated-user/oidc-provider/saml-provider/` +
	`:policy/:role/:user/:root` +
	`{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Deny","Effect":"Allow",` +
	`"Action":["s3:GetObject","s3:PutObject","s3:ListBucket","sts:AssumeRole","sts:TagSession",` +
	`"Resource":["arn:aws:s3:::*"],"Condition":{"StringEquals":{"StringLike":{"aws:PrincipalTag/` +
	`"aws:RequestTag/"aws:ResourceTag/"aws:SourceIp":"aws:username}"}}]}` +
	`team:project:environment:production:staging:development:cost-center:department:owner:application:` +
	`AROAAIDAASIA`
