package authmsg

// dictionary primes DEFLATE with the text every message repeats (AWS's
// field names and the common ARN and key prefixes), so even a short
// message compresses. It is part of format version 1.
const dictionary = `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"",` +
	`"effect":"DENY","effect":"ALLOW","principals":{"items":[{"value":""}]},"principalGroups":{"items":[]},` +
	`"actions":{"items":[{"value":"sts:AssumeRole"}]},"resources":{"items":[{"value":"*"}]},` +
	`"conditions":{"items":[]},"sourcePolicy":"","statementIndex":0}]},"failures":{"items":[]},` +
	`"context":{"principal":{"id":"AIDA","id":"AROA","arn":"arn:aws:iam::"},"action":"s3:GetObject",` +
	`"resource":"arn:aws:s3:::","conditions":{"items":[{"key":"aws:username","values":{"items":[{"value":"` +
	`aws:SourceIp","aws:CurrentTime","aws:EpochTime","aws:SecureTransport","aws:PrincipalArn",` +
	`"aws:PrincipalAccount","aws:userid","aws:PrincipalType","aws:RequestedRegion","aws:PrincipalTag/` +
	`arn:aws:sts::assumed-role/:role/:user/:root`
