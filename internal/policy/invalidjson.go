package policy

import "github.com/stsd/stsd/internal/apierr"

// IsInvalidJSON reports whether err is Parse's refusal of a document that is
// not JSON at all, as opposed to JSON that breaks the policy grammar. STS
// words that case differently from IAM, so its callers need to tell.
func IsInvalidJSON(err error) bool {
	e, ok := apierr.As(err)
	return ok && e.Code == MalformedPolicyDocument && e.Message == msgInvalidJSON
}
