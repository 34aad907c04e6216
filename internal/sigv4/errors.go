package sigv4

import (
	"errors"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/apierr"
)

// ErrUnsigned is returned by Parse when the request carries neither an
// Authorization header nor X-Amz-Algorithm / X-Amz-Signature query
// parameters. It is deliberately not an *apierr.Error: an unsigned request is
// legitimate for some operations, and the server decides.
var ErrUnsigned = errors.New("sigv4: request is not signed")

// Messages AWS sends with the common authentication errors. The wording is
// AWS's own, including trailing punctuation; sources are cited in the tests.
const (
	// MsgMissingAuthenticationToken accompanies MissingAuthenticationToken.
	MsgMissingAuthenticationToken = "Request is missing Authentication Token"
	// MsgInvalidClientTokenID is what STS and IAM answer (code
	// InvalidClientTokenId) when the access key id or session token is not
	// known. Parse cannot tell; the caller returns it after its lookup fails.
	MsgInvalidClientTokenID = apierr.MsgInvalidClientTokenID
	// MsgSignatureDoesNotMatch accompanies SignatureDoesNotMatch when the
	// computed signature differs from the one provided.
	MsgSignatureDoesNotMatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	// MsgRequestHasExpired is S3's answer for a presigned URL past its
	// X-Amz-Expires; STS has no documented equivalent (see Options).
	MsgRequestHasExpired  = "Request has expired"
	msgFoundBoth          = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	msgHostNotSigned      = "'Host' must be a 'SignedHeader' in the AWS Authorization."
	msgReexamineQuery     = "Re-examine the query-string parameters."
	msgContentSHAMismatch = "The provided 'x-amz-content-sha256' header does not match what was computed."
	msgPayloadHashInvalid = "The payload hash must be the hex-encoded SHA-256 of the request body, or UNSIGNED-PAYLOAD."
	msgContentSHAInvalid  = "x-amz-content-sha256 must be the hex-encoded SHA-256 of the request body; unsigned and streaming payloads are not accepted by this service."
)

// Error codes this package returns that are not in apierr's common table.
const (
	// CodeContentSHA256Mismatch is S3's code for a body that does not hash to
	// the x-amz-content-sha256 header it came with.
	CodeContentSHA256Mismatch = "XAmzContentSHA256Mismatch"
	// CodeInvalidArgument is S3's code for a malformed x-amz-content-sha256.
	CodeInvalidArgument = "InvalidArgument"
)

// amzDateLayout is the ISO 8601 basic format of X-Amz-Date.
const amzDateLayout = "20060102T150405Z"

func errMissingToken() *apierr.Error {
	return refuse(apierr.MissingAuthenticationToken, MsgMissingAuthenticationToken)
}

func errMismatch() *apierr.Error {
	return refuse(apierr.SignatureDoesNotMatch, MsgSignatureDoesNotMatch)
}

func incomplete(msg string) *apierr.Error {
	return refuse(apierr.IncompleteSignature, msg)
}

func errBadDate(got string) *apierr.Error {
	return incomplete("Date must be in ISO-8601 'basic format'. Got '" + got + "'. See http://en.wikipedia.org/wiki/ISO_8601")
}

func errUnsupportedAlgorithm(alg string) *apierr.Error {
	return incomplete("Unsupported AWS 'algorithm': '" + alg + "' (only AWS4-HMAC-SHA256 for now). ")
}

func errCredentialParts(cred string) *apierr.Error {
	return incomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + cred + "'")
}

func errMissingEqual(part, header string) *apierr.Error {
	return incomplete("'" + part + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + header + "'.")
}

// skewText renders the window as AWS does ("15 min."), in whole minutes.
func skewText(skew time.Duration) string {
	return strconv.FormatInt(int64(skew/time.Minute), 10) + " min."
}

func errExpired(t, now time.Time, skew time.Duration) *apierr.Error {
	return refuse(apierr.SignatureDoesNotMatch, "Signature expired: "+t.UTC().Format(amzDateLayout)+
		" is now earlier than "+now.Add(-skew).UTC().Format(amzDateLayout)+
		" ("+now.UTC().Format(amzDateLayout)+" - "+skewText(skew)+")")
}

func errNotYetCurrent(t, now time.Time, skew time.Duration) *apierr.Error {
	return refuse(apierr.SignatureDoesNotMatch, "Signature not yet current: "+t.UTC().Format(amzDateLayout)+
		" is still later than "+now.Add(skew).UTC().Format(amzDateLayout)+
		" ("+now.UTC().Format(amzDateLayout)+" + "+skewText(skew)+")")
}

// refuse builds an *apierr.Error with a literal message (messages here may
// contain '%', so apierr.New's formatting is not wanted).
func refuse(code, msg string) *apierr.Error {
	return &apierr.Error{Code: code, Message: msg}
}
