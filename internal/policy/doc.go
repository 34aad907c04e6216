// Package policy implements the IAM JSON policy language: it parses and
// validates policy documents the way IAM does (with IAM's
// MalformedPolicyDocument messages and size quotas), compiles them into
// matchers, and evaluates a request against the set of policies AWS combines
// for one call (identity-based, resource-based or trust, permissions boundary,
// session policies) following "Policy evaluation logic" in the IAM User Guide.
//
// The package knows nothing of HTTP or storage. Compiled policies are
// immutable and safe for concurrent use; evaluation of a compiled set does not
// allocate in the common case.
package policy
