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
//
// # Bounded work
//
// Every string comparison the engine makes is a pattern match (see pattern
// for the matcher and its cost) or an exact comparison, so the work of one
// evaluation is at most the sum over the policies' patterns of
// m + n·min(m, max(64, ⌈m/64⌉)) steps, m being the pattern's length and n that of
// the request value it is compared with. Both are bounded for an ordinary
// authorization:
//
//   - the policies are bounded by IAM's quotas, which stsd enforces
//     (QuotaInlineUser and the others; 10 attached managed policies of
//     QuotaManaged characters per user, group or role; 10 groups per user;
//     one boundary; session policies of QuotaSession characters plus 10
//     managed ARNs). The most policy text one request can bring to bear is
//     a user's: 2,048 + 10·6,144 of its own, 10·(5,120 + 10·6,144) of its
//     groups' and a 6,144-character boundary, about 735,000 characters; a
//     role session's is about 141,000 (10,240 + 10·6,144 + 6,144 +
//     2,048 + 10·6,144) plus a 2,048-character trust policy;
//   - n is at most 128 for an action name (ActionNameType), 2,048 for a
//     resource ARN (ResourceNameType), and for a condition the length of
//     the context value, which the API that set it bounds (256 for a tag
//     value, the token size for a web identity claim).
//
// With C characters of policy text holding P patterns (P ≤ C/3: a JSON
// string and its separator take at least three characters), one evaluation
// takes at most C + n·min(C, 64·P + C/64) steps: linear in the request
// and in the policies. The backtracking matcher took up to n·C; the gain
// is on long patterns, such as 1,024 '?' after a star, which cost n·16
// steps instead of n·1,024.
// SimulateCustomPolicy and SimulatePrincipalPolicy evaluate caller-supplied
// policies for many actions and resources; they weigh a simulation up
// front with Patterns and refuse one above their budget (package iam).
package policy
