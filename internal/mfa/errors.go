package mfa

import "github.com/stsd/stsd/internal/apierr"

// Messages STS sends with AccessDenied when MFA verification fails, as
// real AWS words them. Sources: the CLI output quoted in aws/aws-cli#6325
// (the unknown-device text, with its two spaces after "code."; HTML pages
// such as AWS re:Post collapse them to one) and the stelligent/
// cloudformation_templates wiki page "Generating Temporary Credentials"
// (both texts, from GetSessionToken with a wrong code and a wrong serial).
const (
	// MsgInvalidCode answers a wrong, stale or already used code.
	MsgInvalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	// MsgUnknownDevice answers a serial number that does not exist, is in
	// another account, or is not enabled for the caller.
	MsgUnknownDevice = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
)

// Each call builds a fresh *apierr.Error so no caller can alter a shared one.
func errInvalidCode() error { return &apierr.Error{Code: apierr.AccessDenied, Message: MsgInvalidCode} }
func errUnknownDevice() error {
	return &apierr.Error{Code: apierr.AccessDenied, Message: MsgUnknownDevice}
}
