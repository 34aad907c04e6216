// Package sigv4 authenticates requests signed with AWS Signature Version 4,
// the way the AWS Query-protocol services (STS, IAM) do on the server side.
//
// Verification happens in two phases because the secret is unknown until the
// access key has been looked up (and, for temporary credentials, until the
// session token has been decoded): Parse reads everything the request says
// about its signature, checks the parts that need no secret (shape, clock
// skew, credential scope) and prepares the string to sign; Request.Verify
// then computes the signature with the caller's secret and compares it in
// constant time.
//
// Every refusal is an *apierr.Error carrying the code and message AWS sends
// for the same fault, except ErrUnsigned, which tells the server that the
// request carries no signature at all so it can route unsigned operations
// (AssumeRoleWithSAML, AssumeRoleWithWebIdentity) itself.
package sigv4
