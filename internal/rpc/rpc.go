// Package rpc is the seam between the HTTP server and the services (sts,
// iam): a Call carries what the server learned about a request (who signed
// it, where it came from), and a Handler serves one modelled operation with
// typed input and output. Services build Handlers; the server routes to them.
// Neither side needs to know how the other works.
package rpc

import (
	"context"
	"time"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
)

// Call is one authenticated (or, for the federation calls, unsigned) request.
type Call struct {
	// RequestID is the id returned in x-amzn-RequestId and the response body.
	RequestID string
	// Principal is who signed the request; nil for unsigned requests.
	Principal *auth.Principal
	// Region is the region of the SigV4 credential scope ("" when unsigned).
	Region string
	// SourceIP is the client's address without port (aws:SourceIp).
	SourceIP string
	// UserAgent is the User-Agent header (aws:UserAgent).
	UserAgent string
	// SecureTransport is true when the request arrived over TLS.
	SecureTransport bool
	// Time is when the server received the request, from the injected clock.
	Time time.Time
}

// Facts are what the call states about itself for authorization: the
// sources of the aws:* keys that describe a request.
func (c *Call) Facts() authz.Facts {
	return authz.Facts{Time: c.Time, SourceIP: c.SourceIP, SecureTransport: c.SecureTransport, UserAgent: c.UserAgent, Region: c.Region}
}

// Handler serves one operation of a service model.
type Handler struct {
	// Op is the operation in the service model; it names the action,
	// carries the input constraints the server validates before Serve runs,
	// and says whether the operation is served unsigned (Op.Unsigned).
	Op *apimodel.Operation
	// NewInput returns a pointer to a zero input struct for the decoder.
	NewInput func() any
	// Serve runs the operation; it returns the output struct or an error
	// (an *apierr.Error for every refusal).
	Serve func(ctx context.Context, call *Call, in any) (any, error)
}

// Typed builds a Handler from a function over the generated input and output
// types, so services never deal with `any`.
func Typed[In, Out any](op *apimodel.Operation, fn func(ctx context.Context, call *Call, in *In) (*Out, error)) Handler {
	return Handler{
		Op:       op,
		NewInput: func() any { return new(In) },
		Serve: func(ctx context.Context, call *Call, in any) (any, error) {
			out, err := fn(ctx, call, in.(*In))
			if err != nil {
				return nil, err
			}
			return out, nil
		},
	}
}
