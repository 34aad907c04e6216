package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/store"
)

// msgExpiredToken is AWS's message for temporary credentials past their
// expiration (the invalid-token message lives in sigv4 beside the others).
const msgExpiredToken = "The security token included in the request is expired"

const msgInvalidToken = sigv4.MsgInvalidClientTokenID

// errUnknownKey is fromSession's refusal of a token sealed with a key the
// ring does not hold; Authenticate may reload the ring and try again, and
// otherwise answers it as any invalid token.
var errUnknownKey = apierr.New(apierr.InvalidClientTokenID, msgInvalidToken)

// Authenticator verifies signed requests. It is safe for concurrent use.
type Authenticator struct {
	store   store.Reader
	ring    func() *session.Ring
	keys    *sigv4.KeyCache
	options sigv4.Options
	keyUsed func(id, service, region string, at time.Time)
	reload  func(ctx context.Context) bool
	stale   func() bool
}

// WithStaleness consults stale on every request that depends on the
// shared IAM state: a long-term access key (looked up in the store) and
// any IAM call. While stale reports true, for a node that cannot confirm
// its cached view still matches the database, those requests are answered
// ServiceUnavailable (503, which SDKs retry, perhaps reaching a healthy
// node) rather than from a view that may still hold a deleted or
// deactivated key. Session tokens for STS carry everything they need and
// keep working.
func WithStaleness(stale func() bool) Option {
	return func(a *Authenticator) { a.stale = stale }
}

// WithRingReload calls reload when a session token names a key the ring
// does not hold; when it reports a reload, the token is opened once more
// (another node sharing the store may have rotated the key).
func WithRingReload(reload func(ctx context.Context) bool) Option {
	return func(a *Authenticator) { a.reload = reload }
}

// Option adjusts an Authenticator.
type Option func(*Authenticator)

// WithKeyUse calls fn after every request a long-term access key signed
// successfully (for GetAccessKeyLastUsed); fn must be cheap and not block.
func WithKeyUse(fn func(id, service, region string, at time.Time)) Option {
	return func(a *Authenticator) { a.keyUsed = fn }
}

// New returns an Authenticator that looks long-term keys up in st (normally
// the in-memory cache over the store) and opens session tokens with the
// ring that ring returns at the time (it changes when keys rotate).
func New(st store.Reader, ring func() *session.Ring, opts sigv4.Options, options ...Option) *Authenticator {
	a := &Authenticator{store: st, ring: ring, keys: sigv4.NewKeyCache(4096), options: opts}
	for _, o := range options {
		o(a)
	}
	return a
}

// ErrUnsigned is returned when a request carries no signature at all.
var ErrUnsigned = sigv4.ErrUnsigned

// Authenticate verifies r (whose body has already been read into body) and
// returns the caller and the parsed signature facts (region, service). It
// returns ErrUnsigned for a request with no signature; every other refusal
// is an *apierr.Error with AWS's code and message.
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request, body []byte, now time.Time) (*Principal, *sigv4.Request, error) {
	sr, err := sigv4.Parse(r, body, now, a.options)
	if err != nil {
		return nil, nil, err
	}
	return a.verify(ctx, sr, now)
}

// AuthenticateHashed is Authenticate for a request whose body is known only
// by payloadHash, the hex SHA-256 of the body or sigv4.UnsignedPayload (see
// sigv4.ParseHashed): a request a relying party or a proxy forwards for
// verification without its body.
func (a *Authenticator) AuthenticateHashed(ctx context.Context, r *http.Request, payloadHash string, now time.Time) (*Principal, *sigv4.Request, error) {
	sr, err := sigv4.ParseHashed(r, payloadHash, now, a.options)
	if err != nil {
		return nil, nil, err
	}
	return a.verify(ctx, sr, now)
}

// verify names the key's owner and checks the parsed signature with its
// secret.
func (a *Authenticator) verify(ctx context.Context, sr *sigv4.Request, now time.Time) (*Principal, *sigv4.Request, error) {
	var err error
	var (
		p      *Principal
		secret string
	)
	if a.stale != nil && (sr.SessionToken == "" || sr.Service == "iam") && a.stale() {
		// The node's view of the store may be out of date.
		return nil, nil, apierr.Unavailable()
	}
	if sr.SessionToken != "" {
		p, secret, err = a.fromSession(sr, now)
		if errors.Is(err, errUnknownKey) && a.reload != nil && a.reload(ctx) {
			p, secret, err = a.fromSession(sr, now)
		}
		if err == nil && sr.Service == "iam" && !mayCallIAM(p.Session) {
			err = apierr.New(apierr.InvalidClientTokenID, msgInvalidToken)
		}
	} else {
		p, secret, err = a.fromAccessKey(ctx, sr.AccessKeyID)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := sr.Verify(secret, a.keys); err != nil {
		return nil, nil, err
	}
	if a.keyUsed != nil && p.Session == nil {
		a.keyUsed(p.AccessKeyID, sr.Service, sr.Region, now)
	}
	return p, sr, nil
}

func (a *Authenticator) fromAccessKey(ctx context.Context, keyID string) (*Principal, string, error) {
	k, err := a.store.GetAccessKey(ctx, keyID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", apierr.New(apierr.InvalidClientTokenID, msgInvalidToken)
	}
	if err != nil {
		// Not a refusal: the server decides what the failure is (an
		// unreachable database is ServiceUnavailable, see
		// server.Config.Unavailable; anything else an internal failure,
		// logged with this cause).
		return nil, "", fmt.Errorf("auth: access key %s: %w", keyID, err)
	}
	// AWS answers an inactive key exactly as an unknown one.
	if k.Status != store.AccessKeyActive {
		return nil, "", apierr.New(apierr.InvalidClientTokenID, msgInvalidToken)
	}
	if k.UserName == "" {
		return &Principal{
			Type:        Root,
			AccountID:   k.AccountID,
			ARN:         arn.Root(k.AccountID),
			UserID:      k.AccountID,
			AccessKeyID: k.ID,
		}, k.Secret, nil
	}
	u, err := a.store.GetUser(ctx, k.AccountID, k.UserName)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", apierr.New(apierr.InvalidClientTokenID, msgInvalidToken)
	}
	if err != nil {
		return nil, "", fmt.Errorf("auth: user of access key %s: %w", keyID, err)
	}
	return &Principal{
		Type:        User,
		AccountID:   u.AccountID,
		ARN:         arn.User(u.AccountID, u.Path, u.Name),
		UserID:      u.ID,
		Name:        u.Name,
		AccessKeyID: k.ID,
	}, k.Secret, nil
}

// fromSession opens the session token. Everything needed to verify the
// request is inside the token: no store lookup happens here.
func (a *Authenticator) fromSession(sr *sigv4.Request, now time.Time) (*Principal, string, error) {
	c, err := a.ring().OpenFor(sr.SessionToken, sr.AccessKeyID)
	if errors.Is(err, session.ErrUnknownKey) {
		return nil, "", errUnknownKey
	}
	if err != nil {
		// Every way a token can be wrong (garbled, forged, from a retired
		// key, presented with another key id) looks the same to the caller.
		if errors.Is(err, session.ErrInvalidToken) {
			return nil, "", apierr.New(apierr.InvalidClientTokenID, msgInvalidToken)
		}
		return nil, "", err
	}
	if c.Expired(now) {
		return nil, "", apierr.New(apierr.ExpiredToken, msgExpiredToken)
	}
	p := &Principal{
		AccountID:   c.AccountID,
		ARN:         c.PrincipalARN,
		UserID:      c.PrincipalID,
		AccessKeyID: c.AccessKeyID,
		Session:     c,
	}
	switch c.PrincipalType {
	case session.AssumedRole:
		p.Type, p.Name = AssumedRole, c.RoleName
	case session.FederatedUser:
		p.Type, p.Name = FederatedUser, c.SessionName
	case session.IAMUserSession:
		p.Type, p.Name = User, c.UserName
	case session.RootSession:
		p.Type = Root
	default:
		return nil, "", apierr.New(apierr.InvalidClientTokenID, msgInvalidToken)
	}
	return p, string(c.SecretAccessKey), nil
}

// mayCallIAM says whether temporary credentials are accepted by IAM at all:
// GetSessionToken credentials are not unless MFA was proven ("You cannot
// call any IAM API operations unless MFA authentication information is
// included in the request", STS API reference, GetSessionToken), and IAM
// answers them as an invalid token (as SDK users report, e.g.
// aws/aws-sdk-js#460). GetFederationToken credentials never are: "You
// cannot call any IAM operations using the CLI or the Amazon Web Services
// API" (STS API reference, GetFederationToken); AWS's answer to them is not
// recorded, and stsd gives the same one.
func mayCallIAM(c *session.Claims) bool {
	switch c.PrincipalType {
	case session.IAMUserSession, session.RootSession:
		return c.MFAAuthenticated
	case session.FederatedUser:
		return false
	}
	return true
}
