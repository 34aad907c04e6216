// Package s3xml writes refusals in Amazon S3's REST error format: an XML
// <Error> document with Code, Message, Resource and RequestId, served as
// application/xml with the request id also in the x-amz-request-id header
// (Amazon S3 API Reference, "Error responses", REST error responses).
//
// S3 documents no element for an encoded authorization message: its
// AccessDenied answers carry only the common elements. So the writer has
// none either; a denial's encoded message, where the decision service
// offers one, is not sent over S3.
package s3xml

import (
	"encoding/xml"
	"net/http"

	"github.com/stsd/stsd/internal/apierr"
)

// The S3 error codes stsd answers with itself. Statuses are in Status.
const (
	AccessDenied              = "AccessDenied"
	BadDigest                 = "BadDigest"
	ExpiredToken              = "ExpiredToken"
	InternalError             = "InternalError"
	InvalidAccessKeyID        = "InvalidAccessKeyId"
	InvalidDigest             = "InvalidDigest"
	MalformedPolicy           = "MalformedPolicy"
	MissingContentLength      = "MissingContentLength"
	NoSuchBucketPolicy        = "NoSuchBucketPolicy"
	RequestTimeTooSkewed      = "RequestTimeTooSkewed"
	ServiceUnavailable        = "ServiceUnavailable"
	SignatureDoesNotMatch     = "SignatureDoesNotMatch"
	XAmzContentSHA256Mismatch = "XAmzContentSHA256Mismatch"
)

// Status returns the HTTP status S3 sends with code, from S3's list of
// error codes (Amazon S3 API Reference, ErrorResponses.html#ErrorCodeList).
// Note that S3's ExpiredToken is 400, unlike STS's and IAM's 403, which is
// why S3 has a table of its own. Codes not in the table are 400.
func Status(code string) int {
	switch code {
	case AccessDenied, InvalidAccessKeyID, RequestTimeTooSkewed, SignatureDoesNotMatch:
		return http.StatusForbidden
	case NoSuchBucketPolicy:
		return http.StatusNotFound
	case MissingContentLength:
		return http.StatusLengthRequired
	case InternalError:
		return http.StatusInternalServerError
	case ServiceUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// errorBody is S3's <Error> element.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource,omitempty"`
	RequestID string   `xml:"RequestId"`
}

// WriteError answers the request with e in S3's error format. The status is
// e.HTTPStatus when set, else Status(e.Code). resource is the bucket or
// object path the error is about ("/bucket/key"), or "" to leave the
// element out. A HEAD request gets the status and headers only: S3 sends
// no body to HEAD, and clients read the status alone.
func WriteError(w http.ResponseWriter, r *http.Request, e *apierr.Error, resource, requestID string) {
	status := e.HTTPStatus
	if status == 0 {
		status = Status(e.Code)
	}
	h := w.Header()
	h.Set("x-amz-request-id", requestID)
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	body, err := xml.Marshal(errorBody{Code: e.Code, Message: e.Message, Resource: resource, RequestID: requestID})
	if err != nil {
		// Plain string fields do not fail to marshal (invalid UTF-8 is
		// replaced); should that change, never send half a document.
		body, _ = xml.Marshal(errorBody{Code: InternalError, Message: "We encountered an internal error. Please try again.", RequestID: requestID})
		status = http.StatusInternalServerError
	}
	h.Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
}
