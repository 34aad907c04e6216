package sts

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/authmsg"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/rpc"
)

// DecodeAuthorizationMessage needs sts:DecodeAuthorizationMessage, an
// action without a resource type (Service Authorization Reference, AWS
// Security Token Service), so the request's resource is "*".
const (
	actionDecodeAuthorizationMessage = "sts:DecodeAuthorizationMessage"
	decodeMessageResource            = "*"
)

// InvalidAuthorizationMessageException: the code and HTTP status (400) are
// the STS model's. AWS's wire text is recorded nowhere at hand (neither the
// parity snapshots nor any public report quotes it), so the message is
// stsd's, after the model's description of the error ("the message passed
// to DecodeAuthorizationMessage was invalid").
const (
	codeInvalidAuthorizationMessage = "InvalidAuthorizationMessageException"
	msgInvalidAuthorizationMessage  = "The encoded authorization message is invalid or has expired."
)

// DecodeAuthorizationMessage returns the JSON document an encoded
// authorization message carries (STS API reference,
// DecodeAuthorizationMessage). The caller's own policies must allow
// sts:DecodeAuthorizationMessage ("a user must be granted permissions
// through an IAM policy to request the DecodeAuthorizationMessage
// (sts:DecodeAuthorizationMessage) action"); the root is always allowed.
// A message that is malformed, altered, sealed by another stsd or expired
// is InvalidAuthorizationMessageException.
func (s *Service) DecodeAuthorizationMessage(ctx context.Context, call *rpc.Call, in *stsapi.DecodeAuthorizationMessageRequest) (*stsapi.DecodeAuthorizationMessageResponse, error) {
	subject, err := s.authz.Subject(ctx, call.Principal)
	if err != nil {
		return nil, err
	}
	q := &authz.Query{Resource: decodeMessageResource, Facts: call.Facts()}
	if err := authorizeCaller(subject, q, actionDecodeAuthorizationMessage); err != nil {
		return nil, err
	}
	doc, err := s.messages.Decode(ctx, in.EncodedMessage, call.Time)
	if errors.Is(err, authmsg.ErrInvalid) {
		return nil, apierr.New(codeInvalidAuthorizationMessage, msgInvalidAuthorizationMessage)
	}
	if err != nil {
		return nil, err
	}
	return &stsapi.DecodeAuthorizationMessageResponse{DecodedMessage: doc}, nil
}
