package sts

// Codes and messages of STS refusals that are not common errors.
//
// Recorded from AWS (LocalStack's snapshots of real AWS responses in
// ../shared/reference/aws-parity-snapshots, and SDK/CLI output quoted in
// public issue reports): the duration, tag, transitive-tag and
// PackedPolicyTooLarge texts and the session-policy JSON text.
//
// Not found recorded anywhere, so derived from the documentation's own
// sentence and marked here: msgPolicyARNNotFound (IAM's wording for a
// policy that cannot be attached), msgTagPrefix, msgSourceIdentityChange
// ("After you set the source identity value, it cannot be changed", IAM
// User Guide) and msgTooManyPolicyARNs (the documented limit of 10 in the
// model's constraint wording).
const (
	codePackedPolicyTooLarge = "PackedPolicyTooLarge"

	msgMaxSessionDuration   = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	msgChainingDuration     = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	msgPackedPolicyTooLarge = "Packed policy consumes %d%% of allotted space, please use smaller policy."
	msgPackedTagsTooLarge   = "Packed size of session tags consumes %d%% of allotted space."
	msgSessionPolicyNotJSON = "The policy is not in the valid JSON format."
	msgDuplicateTagKeys     = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
	msgTransitiveNotTag     = "The specified transitive tag key must be included in the requested tags."
	msgTransitiveOverride   = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."

	msgPolicyARNNotFound    = "Policy %s does not exist or is not attachable."
	msgTagPrefix            = "Tag keys cannot start with aws:"
	msgSourceIdentityChange = "The source identity cannot be changed once set."
	msgTooManyPolicyARNs    = "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10"
)

// GetWebIdentityToken's refusals (outbound identity federation). The codes
// are the STS model's, which keep the Exception suffix on the wire. AWS's
// wire texts are recorded nowhere, so each message is the first sentence of
// the exception's description in the STS API reference and model ("stsd
// wording from the AWS API reference; AWS's wire text not recorded").
// msgSigningAlgorithm is stsd's own: the model constrains
// SigningAlgorithm only to five characters, and AWS's refusal of another
// five-character value is undocumented, so it is worded as the generated
// enum violations are. msgOwnIssuer (AssumeRoleWithWebIdentity given such a
// token) is stsd's too: AWS documents that these tokens "cannot be used for
// OpenID Connect (OIDC) federation into AWS", not how it refuses them.
const (
	codeOutboundDisabled          = "OutboundWebIdentityFederationDisabledException"
	codeJWTPayloadSizeExceeded    = "JWTPayloadSizeExceededException"
	codeSessionDurationEscalation = "SessionDurationEscalationException"
	msgOutboundDisabled           = "The outbound web identity federation feature is not enabled for this account."
	msgJWTPayloadSizeExceeded     = "The requested token payload size exceeds the maximum allowed size."
	msgSessionDurationEscalation  = "The requested token duration would extend the session beyond its original expiration time."
	msgSigningAlgorithm           = "1 validation error detected: Value '%s' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]"
	msgOwnIssuer                  = "Tokens issued by GetWebIdentityToken (issuer %s) cannot be used for OpenID Connect federation with AssumeRoleWithWebIdentity."
)
