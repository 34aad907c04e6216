package chunked

import (
	"net/http"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/sigv4"
)

// S3 error codes a Reader returns; see
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
const (
	codeIncompleteBody       = "IncompleteBody"
	codeInvalidArgument      = sigv4.CodeInvalidArgument
	codeInvalidRequest       = "InvalidRequest"
	codeMissingContentLength = "MissingContentLength"
	codeBadDigest            = "BadDigest"
	codeMalformedTrailer     = "MalformedTrailerError"
	codeEntityTooLarge       = "EntityTooLarge"
)

const (
	msgIncompleteBody       = "You did not provide the number of bytes specified by the Content-Length HTTP header."
	msgMissingDecodedLength = "You must provide the Content-Length HTTP header."
	msgMalformedTrailer     = "The request contained trailing data that was not well-formed or did not conform to our published schema."
	msgBadTrailerHeader     = "The value specified in the x-amz-trailer header is not supported"
	// msgMalformed and msgChunkTooLarge are stsd's wording: S3 documents
	// no message for a broken chunk frame.
	msgMalformed     = "The aws-chunked request body is malformed."
	msgChunkTooLarge = "An aws-chunked chunk exceeds the maximum chunk size."
)

func refuse(code, msg string) *apierr.Error {
	status := http.StatusBadRequest
	switch code {
	case apierr.SignatureDoesNotMatch:
		status = http.StatusForbidden
	case codeMissingContentLength:
		status = http.StatusLengthRequired
	}
	return &apierr.Error{Code: code, Message: msg, HTTPStatus: status}
}

func errMismatch() error { return refuse(apierr.SignatureDoesNotMatch, sigv4.MsgSignatureDoesNotMatch) }

// errLength is a body whose chunks do not add up to
// x-amz-decoded-content-length.
func errLength() error        { return refuse(codeIncompleteBody, msgIncompleteBody) }
func errTruncated() error     { return refuse(codeIncompleteBody, msgIncompleteBody) }
func errMalformed() error     { return refuse(codeInvalidRequest, msgMalformed) }
func errChunkTooLarge() error { return refuse(codeEntityTooLarge, msgChunkTooLarge) }
func errTrailer() error       { return refuse(codeMalformedTrailer, msgMalformedTrailer) }

// errBadDigest is S3's answer for a checksum that does not match the data.
func errBadDigest(label string) error {
	return refuse(codeBadDigest, "The "+label+" you specified did not match the calculated checksum.")
}
