// Package apierr defines the one error type that every layer of stsd returns
// when a request must be refused, and the single table that says which HTTP
// status and fault type (Sender or Receiver) each AWS error code carries.
//
// Domain packages (sigv4, sts, iam, store users) build *Error values with a
// code and a message; only the protocol layer (awsquery) turns them into bytes
// on the wire, using Status to pick the HTTP status. Any other error that
// reaches the protocol layer is an internal failure and is never shown to the
// client verbatim.
package apierr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is a refusal with an AWS error code and the message AWS would send.
type Error struct {
	// Code is the AWS error code, e.g. "SignatureDoesNotMatch".
	Code string
	// Message is the human-readable text, worded as AWS words it.
	Message string
	// HTTPStatus overrides the status when non-zero. When zero, the protocol
	// layer takes it from the service model's error shape of that code, then
	// from the common table (Common), then 400.
	HTTPStatus int
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New returns an *Error whose status and fault type come from the code table.
func New(code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg}
}

// As reports whether err is (or wraps) an *Error and returns it.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Common returns the HTTP status and fault type of a code from the table of
// common errors, and false when the code is not a common one (the protocol
// layer then consults the service model's error shapes).
func Common(code string) (status int, receiver bool, ok bool) {
	ci, ok := common[code]
	return ci.status, ci.receiver, ok
}

// Common error codes shared by every Query-protocol service. The statuses are
// those of the AWS "Common Errors" reference pages (e.g. the IAM and STS API
// references' CommonErrors section); codes declared in a service model carry
// their status in the generated model tables instead.
const (
	AccessDenied                = "AccessDenied"
	ExpiredToken                = "ExpiredToken"
	IncompleteSignature         = "IncompleteSignature"
	InternalFailure             = "InternalFailure"
	InvalidAction               = "InvalidAction"
	InvalidClientTokenID        = "InvalidClientTokenId"
	InvalidParameterCombination = "InvalidParameterCombination"
	InvalidParameterValue       = "InvalidParameterValue"
	InvalidQueryParameter       = "InvalidQueryParameter"
	MalformedQueryString        = "MalformedQueryString"
	MissingAction               = "MissingAction"
	MissingAuthenticationToken  = "MissingAuthenticationToken"
	MissingParameter            = "MissingParameter"
	OptInRequired               = "OptInRequired"
	RequestExpired              = "RequestExpired"
	RequestEntityTooLarge       = "RequestEntityTooLarge"
	ServiceUnavailable          = "ServiceUnavailable"
	SignatureDoesNotMatch       = "SignatureDoesNotMatch"
	Throttling                  = "Throttling"
	ValidationError             = "ValidationError"
)

// MsgInvalidClientTokenID is AWS's message for credentials it does not
// know, or a session token it cannot open: "The security token included in
// the request is invalid." (STS and IAM, as the SDKs report it).
const MsgInvalidClientTokenID = "The security token included in the request is invalid."

type codeInfo struct {
	status   int
	receiver bool
}

// common holds the status of every code that is not declared as an error
// shape in the service models. Codes absent from both tables are 400 Sender.
var common = map[string]codeInfo{
	AccessDenied:                {http.StatusForbidden, false},
	ExpiredToken:                {http.StatusForbidden, false},
	IncompleteSignature:         {http.StatusBadRequest, false},
	InternalFailure:             {http.StatusInternalServerError, true},
	InvalidAction:               {http.StatusBadRequest, false},
	InvalidClientTokenID:        {http.StatusForbidden, false},
	InvalidParameterCombination: {http.StatusBadRequest, false},
	InvalidParameterValue:       {http.StatusBadRequest, false},
	InvalidQueryParameter:       {http.StatusBadRequest, false},
	MalformedQueryString:        {http.StatusNotFound, false},
	MissingAction:               {http.StatusBadRequest, false},
	MissingAuthenticationToken:  {http.StatusForbidden, false},
	MissingParameter:            {http.StatusBadRequest, false},
	OptInRequired:               {http.StatusForbidden, false},
	RequestExpired:              {http.StatusBadRequest, false},
	RequestEntityTooLarge:       {http.StatusRequestEntityTooLarge, false},
	ServiceUnavailable:          {http.StatusServiceUnavailable, true},
	SignatureDoesNotMatch:       {http.StatusForbidden, false},
	Throttling:                  {http.StatusBadRequest, false},
	ValidationError:             {http.StatusBadRequest, false},
}

// MsgServiceUnavailable is AWS's message for ServiceUnavailable (503), "The
// request has failed due to a temporary failure of the server" (STS and IAM
// API references, Common Errors).
const MsgServiceUnavailable = "The request has failed due to a temporary failure of the server."

// Unavailable is the refusal of a request stsd cannot serve now but may
// soon: its view of the store may be out of date, the body budget is full,
// or the data disk is. ServiceUnavailable (503) is what AWS answers for a
// temporary failure, and the SDKs retry it (aws-sdk-go-v2 retries every
// 500, 502, 503 and 504), perhaps on a healthy node, where ServiceFailure
// (500, "an unknown error, exception, or failure") would not say it is
// worth retrying.
func Unavailable() *Error {
	return &Error{Code: ServiceUnavailable, Message: MsgServiceUnavailable, HTTPStatus: http.StatusServiceUnavailable}
}
