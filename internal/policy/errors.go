package policy

import (
	"fmt"

	"github.com/stsd/stsd/internal/apierr"
)

// MalformedPolicyDocument is the IAM error code for a rejected document.
const MalformedPolicyDocument = "MalformedPolicyDocument"

// The MalformedPolicyDocument messages IAM sends. "This policy contains
// invalid Json" is recorded from real AWS (aws-parity-snapshots
// test_iam.snapshot.json, "invalid-json"); the others are the texts IAM
// returns for each check, as reproduced by moto's policy validator, which
// was built against real IAM responses.
const (
	msgInvalidJSON        = "This policy contains invalid Json"
	msgSyntax             = "Syntax errors in policy."
	msgVersion            = "Policy document must be version 2012-10-17 or greater."
	msgLegacy             = "The policy failed legacy parsing"
	msgDuplicateSid       = "Statement IDs (SID) in a single policy must be unique."
	msgSidChars           = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgNoActions          = "Policy statement must contain actions."
	msgNoResources        = "Policy statement must contain resources."
	msgNoPrincipalAllowed = "Policy document should not specify a principal."
	msgMissingPrincipal   = "Missing required field Principal"
	msgProhibitedResource = "Has prohibited field Resource"
	msgVendorMissing      = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon           = "Actions/Condition can contain only one colon."
	msgResourceVendor     = "Resource vendor must be fully qualified and cannot contain regexes."
)

func malformed(msg string) *apierr.Error {
	return &apierr.Error{Code: MalformedPolicyDocument, Message: msg}
}

func malformedf(format string, args ...any) *apierr.Error {
	return malformed(fmt.Sprintf(format, args...))
}

// InvalidPrincipalError is the refusal IAM sends for a principal it cannot
// resolve (a malformed value, or — checked by the caller, which knows the
// store — an IAM user or role that does not exist), e.g.
// `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/ghost"`.
func InvalidPrincipalError(typ, value string) *apierr.Error {
	return malformedf("Invalid principal in policy: %q:%q", typ, value)
}
