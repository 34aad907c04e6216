// Package sts implements the AWS Security Token Service operations. Each
// operation validates its (already constraint-checked) input, decides, and
// answers with the generated output type; refusals are *apierr.Error values
// with AWS's codes and messages.
package sts

import (
	"compress/flate"
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/authmsg"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/federation/outbound"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// MFA checks a one-time code from a principal's MFA device and consumes it
// (a code is accepted once). *mfa.Verifier is the implementation.
type MFA interface {
	// Verify checks a code from a device enabled for an IAM user.
	Verify(ctx context.Context, accountID, userName, serialNumber, code string) error
	// VerifyRoot checks a code from the account root's device.
	VerifyRoot(ctx context.Context, accountID, serialNumber, code string) error
}

// Config is what the STS service needs.
type Config struct {
	// Store holds the IAM entities (normally the in-memory cache over the
	// store).
	Store store.Reader
	// Ring returns the current session-token key ring.
	Ring func() *session.Ring
	// Messages decodes encoded authorization messages
	// (DecodeAuthorizationMessage); nil means a codec over Ring that does
	// not reload the ring for unknown keys.
	Messages *authmsg.Codec
	// MFA verifies TokenCode values.
	MFA MFA
	// Authz loads callers' policies and evaluates requests.
	Authz *authz.Authorizer
	// Policies compiles policy documents (trust and session policies).
	Policies *policy.Cache
	// HTTPClient fetches OIDC discovery documents and JWKS; nil means a
	// client with conservative timeouts.
	HTTPClient *http.Client
	// Now is the clock for token and assertion validity; nil means
	// time.Now. (Requests carry their own time in rpc.Call.)
	Now func() time.Time
	// SAMLAudiences are the Audience values AssumeRoleWithSAML accepts;
	// empty means AWS's (https://signin.aws.amazon.com/saml and
	// urn:amazon:webservices).
	SAMLAudiences []string
	// SAMLRecipient is the SubjectConfirmationData Recipient (and Response
	// Destination) AssumeRoleWithSAML requires; "" means AWS's,
	// https://signin.aws.amazon.com/saml.
	SAMLRecipient string
	// RoleUsed, when set, is told of every role session created, by any
	// of the three AssumeRole operations (for IAM's RoleLastUsed); unsigned
	// calls report region us-east-1. It must be cheap and not block.
	RoleUsed func(account, name, region string, at time.Time)
	// PublicURL is the base URL of the outbound issuer URLs
	// (outbound.IssuerURL): the iss of GetWebIdentityToken's tokens, and
	// what AssumeRoleWithWebIdentity recognises as stsd's own issuers.
	PublicURL string
	// Issuers caches the accounts' parsed outbound signing keys; nil means
	// a cache of the service's own.
	Issuers *outbound.Issuers
}

// Service serves the STS operations.
type Service struct {
	store    store.Reader
	ring     func() *session.Ring
	messages *authmsg.Codec
	mfa      MFA
	authz    *authz.Authorizer
	policies *policy.Cache
	// packers reuse flate writers for PackedPolicySize: each allocates
	// hundreds of kilobytes.
	packers sync.Pool
	// webIdentity and saml hold the federation calls' caches.
	webIdentity *webIdentity
	saml        *samlState
	roleUsed    func(account, name, region string, at time.Time)
	// publicURL and issuers serve GetWebIdentityToken (outbound identity
	// federation).
	publicURL string
	issuers   *outbound.Issuers
}

// New returns the STS service.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, ring: cfg.Ring, mfa: cfg.MFA, authz: cfg.Authz, policies: cfg.Policies}
	s.roleUsed = cfg.RoleUsed
	s.messages = cfg.Messages
	if s.messages == nil {
		s.messages = authmsg.New(cfg.Ring, nil)
	}
	s.publicURL, s.issuers = cfg.PublicURL, cfg.Issuers
	if s.issuers == nil {
		s.issuers = outbound.NewIssuers()
	}
	if s.roleUsed == nil {
		s.roleUsed = func(string, string, string, time.Time) {}
	}
	s.webIdentity = newWebIdentity(cfg)
	s.saml = newSAMLState(cfg)
	s.packers.New = func() any {
		w, _ := flate.NewWriter(nil, flate.BestCompression) // the level is valid
		return w
	}
	return s
}

// Handlers lists the operations this service implements, each behind the
// rules on what temporary credentials may call.
func (s *Service) Handlers() []rpc.Handler {
	ops := apimodel.STS.Operations
	hs := []rpc.Handler{
		rpc.Typed(ops["GetCallerIdentity"], s.GetCallerIdentity),
		rpc.Typed(ops["GetAccessKeyInfo"], s.GetAccessKeyInfo),
		rpc.Typed(ops["GetSessionToken"], s.GetSessionToken),
		rpc.Typed(ops["AssumeRole"], s.AssumeRole),
		rpc.Typed(ops["GetFederationToken"], s.GetFederationToken),
		rpc.Typed(ops["AssumeRoleWithWebIdentity"], s.AssumeRoleWithWebIdentity),
		rpc.Typed(ops["AssumeRoleWithSAML"], s.AssumeRoleWithSAML),
		rpc.Typed(ops["GetWebIdentityToken"], s.GetWebIdentityToken),
		rpc.Typed(ops["DecodeAuthorizationMessage"], s.DecodeAuthorizationMessage),
	}
	for i := range hs {
		hs[i] = guard(hs[i])
	}
	return hs
}

// GetCallerIdentity returns who signed the request. AWS answers it for every
// authenticated caller, without any permission check ("No permissions are
// required to perform this operation", STS API reference).
func (s *Service) GetCallerIdentity(_ context.Context, call *rpc.Call, _ *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
	p := call.Principal
	return &stsapi.GetCallerIdentityResponse{
		Account: p.AccountID,
		Arn:     p.ARN,
		UserId:  p.UserID,
	}, nil
}

// GetAccessKeyInfo returns the account an access key id belongs to. Keys in
// the store answer from the store (they may have been supplied by an
// operator and so not encode their account); any other well-formed key id is
// decoded, as AWS decodes it without looking at the key's state ("This
// operation does not indicate the state of the access key", STS API
// reference).
func (s *Service) GetAccessKeyInfo(ctx context.Context, _ *rpc.Call, in *stsapi.GetAccessKeyInfoRequest) (*stsapi.GetAccessKeyInfoResponse, error) {
	k, err := s.store.GetAccessKey(ctx, in.AccessKeyId)
	switch {
	case err == nil:
		return &stsapi.GetAccessKeyInfoResponse{Account: k.AccountID}, nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	acct, err := ids.AccountFromAccessKeyID(in.AccessKeyId)
	if err != nil {
		return nil, apierr.New(apierr.InvalidClientTokenID, apierr.MsgInvalidClientTokenID)
	}
	return &stsapi.GetAccessKeyInfoResponse{Account: acct}, nil
}
