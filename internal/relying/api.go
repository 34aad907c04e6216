// Package relying is stsd's surface for relying parties: other services
// that accept requests signed with stsd's credentials and ask stsd who
// signed them and whether the signer may do what it asks. It serves the
// JSON API of the main endpoint (POST /v1/verify, POST /v1/authorize), whose
// callers sign with their own stsd credentials for service "stsd", and the
// Envoy ext_authz / nginx auth_request check of the separate authorization
// listener (/ext-authz/{api-id}/{stage}/...). It verifies signatures
// through the authenticator and leaves every decision to a Decider.
package relying

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/server"
	"github.com/stsd/stsd/internal/sigv4"
)

// The actions a relying party needs in its own policies (resource "*").
const (
	ActionVerifyRequest = "stsd:VerifyRequest"
	ActionAuthorize     = "stsd:Authorize"
)

// Values of an error's "about": whose request was refused.
const (
	AboutCaller  = "caller"
	AboutRequest = "request"
)

// Authenticator verifies a signed request from its body or from its
// body's hash; *auth.Authenticator is the implementation.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, now time.Time) (*auth.Principal, *sigv4.Request, error)
	AuthenticateHashed(ctx context.Context, r *http.Request, payloadHash string, now time.Time) (*auth.Principal, *sigv4.Request, error)
}

// Config is what the relying-party API needs.
type Config struct {
	// Callers authenticates relying parties' own calls; it should accept
	// only service "stsd". Requests verifies the requests they forward, for
	// any service.
	Callers, Requests Authenticator
	// Decider decides the callers' permissions and their questions.
	Decider Decider
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxBodyBytes bounds a call's body; 0 means server.MaxBodyBytes.
	MaxBodyBytes int64
	// Unavailable, when set, reports whether an internal error means the
	// store could not be reached, answered 503 ServiceUnavailable.
	Unavailable func(error) bool
	// Logger receives internal failures; nil discards.
	Logger *slog.Logger
}

// API serves POST /v1/verify and POST /v1/authorize. The server in front
// of it logs and counts the calls.
type API struct {
	cfg Config
}

// New returns the API of cfg.
func New(cfg Config) *API {
	setDefaults(&cfg.Now, &cfg.MaxBodyBytes, &cfg.Logger)
	return &API{cfg: cfg}
}

// setDefaults fills in the clock, body limit and logger both surfaces
// default alike.
func setDefaults(now *func() time.Time, maxBody *int64, log **slog.Logger) {
	if *now == nil {
		*now = time.Now
	}
	if *maxBody == 0 {
		*maxBody = server.MaxBodyBytes
	}
	if *log == nil {
		*log = slog.New(slog.DiscardHandler)
	}
}

// Principal is a principal as the API describes it.
type Principal struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	UserID  string `json:"user_id"`
	// Type is root, user, assumed-role or federated-user (role for a
	// what-if question about a role ARN).
	Type string `json:"type"`
}

// Session describes temporary credentials.
type Session struct {
	Expiration        string            `json:"expiration"`
	MFAAuthenticated  bool              `json:"mfa_authenticated"`
	SourceIdentity    string            `json:"source_identity,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
	TransitiveTagKeys []string          `json:"transitive_tag_keys,omitempty"`
	// RoleARN is the assumed role's ARN, for role sessions only.
	RoleARN string `json:"role_arn,omitempty"`
}

// VerifyResponse is the answer of /v1/verify.
type VerifyResponse struct {
	Principal   Principal `json:"principal"`
	AccessKeyID string    `json:"access_key_id"`
	Service     string    `json:"service"`
	Region      string    `json:"region"`
	Session     *Session  `json:"session,omitempty"`
}

// Result is the decision on one question.
type Result struct {
	Decision          string             `json:"decision"`
	MatchedStatements []MatchedStatement `json:"matched_statements"`
	EncodedMessage    string             `json:"encoded_message,omitempty"`
}

// AuthorizeResponse is the answer of /v1/authorize to one question.
type AuthorizeResponse struct {
	Principal Principal `json:"principal"`
	Result
}

// BatchResponse is the answer of /v1/authorize to a batch.
type BatchResponse struct {
	Principal Principal `json:"principal"`
	Results   []Result  `json:"results"`
}

// ErrorResponse is every refusal's body.
type ErrorResponse struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// About is "caller" for a refusal of the relying party's own call,
	// "request" for the request it asked about.
	About string `json:"about,omitempty"`
	// EncodedMessage accompanies the ext_authz check's AccessDenied.
	EncodedMessage *string `json:"encoded_message,omitempty"`
}

// refusal is an error answer: an *apierr.Error and whose request it is
// about.
type refusal struct {
	err   *apierr.Error
	about string
}

func (r *refusal) Error() string { return r.about + ": " + r.err.Error() }

// about marks err, when it is a refusal, as about whom.
func about(who string, err error) error {
	if e, ok := apierr.As(err); ok {
		return &refusal{err: e, about: who}
	}
	return err
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var err error
	switch r.URL.Path {
	case server.VerifyPath:
		err = a.serve(w, r, a.verify)
	case server.AuthorizePath:
		err = a.serve(w, r, a.authorize)
	default:
		err = errNotFound()
	}
	if err != nil {
		a.fail(w, r, err)
	}
}

// codeNotFound is the code of a path neither surface serves.
const codeNotFound = "NotFound"

func errNotFound() error {
	return &apierr.Error{Code: codeNotFound, Message: "No such path.", HTTPStatus: http.StatusNotFound}
}

// call is what both operations start from: the verified relying party and
// its body.
type call struct {
	caller *auth.Principal
	sr     *sigv4.Request
	body   []byte
	now    time.Time
	r      *http.Request
}

func (a *API) serve(w http.ResponseWriter, r *http.Request, op func(context.Context, *call) (any, error)) error {
	if r.Method != http.MethodPost {
		return &apierr.Error{Code: "MethodNotAllowed", Message: "The requested method is not allowed for this resource.", HTTPStatus: http.StatusMethodNotAllowed}
	}
	body, err := readAll(r.Body, a.cfg.MaxBodyBytes)
	if err != nil {
		return about(AboutCaller, err)
	}
	now := a.cfg.Now()
	caller, sr, err := a.cfg.Callers.Authenticate(r.Context(), r, body, now)
	if errors.Is(err, sigv4.ErrUnsigned) {
		err = apierr.New(apierr.MissingAuthenticationToken, sigv4.MsgMissingAuthenticationToken)
	}
	if err != nil {
		return about(AboutCaller, err)
	}
	server.NoteCaller(r.Context(), caller.ARN, sr.Region)
	out, err := op(r.Context(), &call{caller: caller, sr: sr, body: body, now: now, r: r})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// readAll reads a body within max bytes.
func readAll(body io.Reader, max int64) ([]byte, error) {
	if body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		return nil, invalid("The request body could not be read.")
	}
	if int64(len(b)) > max {
		return nil, &apierr.Error{Code: apierr.RequestEntityTooLarge, Message: "Request body must be no larger than " + strconv.FormatInt(max, 10) + " bytes.", HTTPStatus: http.StatusRequestEntityTooLarge}
	}
	return b, nil
}

// permit refuses the caller unless its policies allow action on "*".
func (a *API) permit(ctx context.Context, c *call, action string) error {
	ans, err := a.cfg.Decider.Decide(ctx, &Question{
		Principal: c.caller, Action: action, Resource: "*",
		SourceIP: server.SourceIP(c.r), SecureTransport: c.r.TLS != nil, UserAgent: c.r.UserAgent(),
		Region: c.sr.Region, Time: c.now, NoEncodedMessage: true,
	})
	if err != nil {
		return about(AboutCaller, err)
	}
	if ans.Decision != Allow {
		return &refusal{err: apierr.New(apierr.AccessDenied, "%s", ans.Message), about: AboutCaller}
	}
	return nil
}

func (a *API) verify(ctx context.Context, c *call) (any, error) {
	var in SignedRequest
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, about(AboutCaller, err)
	}
	p, err := in.validate()
	if err != nil {
		return nil, about(AboutCaller, err)
	}
	if err := a.permit(ctx, c, ActionVerifyRequest); err != nil {
		return nil, err
	}
	principal, sr, err := a.verifySigned(ctx, &in, p, c.now)
	if err != nil {
		return nil, err
	}
	return verifyResponse(principal, sr), nil
}

// verifySigned checks the signature of the request a relying party
// forwarded; its refusals are about the request.
func (a *API) verifySigned(ctx context.Context, in *SignedRequest, p payload, now time.Time) (*auth.Principal, *sigv4.Request, error) {
	r := in.httpRequest(p)
	var (
		principal *auth.Principal
		sr        *sigv4.Request
		err       error
	)
	if p.hash != "" {
		principal, sr, err = a.cfg.Requests.AuthenticateHashed(ctx, r, p.hash, now)
	} else {
		principal, sr, err = a.cfg.Requests.Authenticate(ctx, r, p.body, now)
	}
	if errors.Is(err, sigv4.ErrUnsigned) {
		err = apierr.New(apierr.MissingAuthenticationToken, sigv4.MsgMissingAuthenticationToken)
	}
	if err != nil {
		return nil, nil, about(AboutRequest, err)
	}
	return principal, sr, nil
}

func verifyResponse(p *auth.Principal, sr *sigv4.Request) *VerifyResponse {
	out := &VerifyResponse{Principal: describe(p), AccessKeyID: p.AccessKeyID, Service: sr.Service, Region: sr.Region}
	if c := p.Session; c != nil {
		s := &Session{
			Expiration:        c.Expiration.UTC().Format(time.RFC3339),
			MFAAuthenticated:  c.MFAAuthenticated,
			SourceIdentity:    c.SourceIdentity,
			TransitiveTagKeys: c.TransitiveTagKeys,
		}
		if len(c.Tags) > 0 {
			s.Tags = make(map[string]string, len(c.Tags))
			for _, t := range c.Tags {
				s.Tags[t.Key] = t.Value
			}
		}
		if p.Type == auth.AssumedRole {
			s.RoleARN = c.SourceARN
		}
		out.Session = s
	}
	return out
}

// describe is a principal in the API's terms.
func describe(p *auth.Principal) Principal {
	out := Principal{ARN: p.ARN, Account: p.AccountID, UserID: p.UserID}
	switch p.Type {
	case auth.Root:
		out.Type = "root"
	case auth.User:
		out.Type = "user"
	case auth.AssumedRole:
		out.Type = "assumed-role"
	case auth.FederatedUser:
		out.Type = "federated-user"
	}
	return out
}

func (a *API) authorize(ctx context.Context, c *call) (any, error) {
	var in AuthorizeRequest
	if err := decodeJSON(c.body, &in); err != nil {
		return nil, about(AboutCaller, err)
	}
	checks, batch, err := in.checks()
	if err != nil {
		return nil, about(AboutCaller, err)
	}
	signed := in.SignedRequest.given()
	var p payload
	switch {
	case signed && in.PrincipalARN != "":
		return nil, about(AboutCaller, invalid("Field 'principal_arn' excludes a signed request (method, url, headers, body): give one."))
	case !signed && in.PrincipalARN == "":
		return nil, about(AboutCaller, invalid("Give a signed request (method, url, headers) or 'principal_arn'."))
	case signed:
		if p, err = in.SignedRequest.validate(); err != nil {
			return nil, about(AboutCaller, err)
		}
	case len(in.PrincipalARN) > MaxResourceBytes:
		return nil, about(AboutCaller, invalid("Field 'principal_arn' must be no longer than %d bytes.", MaxResourceBytes))
	}
	if err := a.permit(ctx, c, ActionAuthorize); err != nil {
		return nil, err
	}
	base := Question{PrincipalARN: in.PrincipalARN, Time: c.now}
	if signed {
		principal, sr, err := a.verifySigned(ctx, &in.SignedRequest, p, c.now)
		if err != nil {
			return nil, err
		}
		base.Principal, base.Region = principal, sr.Region
		base.UserAgent = in.header("User-Agent")
	} else if !sameAccount(in.PrincipalARN, c.caller.AccountID) {
		// A what-if question needs no credentials of the principal, so
		// it is limited to the caller's own account, as IAM's
		// SimulatePrincipalPolicy is.
		return nil, &refusal{err: apierr.New(apierr.AccessDenied, "%s", "User: "+c.caller.ARN+" is not authorized to perform: "+ActionAuthorize+" on resource: "+in.PrincipalARN+" because the principal is in another account"), about: AboutCaller}
	}
	results := make([]Result, len(checks))
	var who Principal
	if base.Principal != nil {
		who = describe(base.Principal)
	}
	for i := range checks {
		q := base
		ch := &checks[i]
		q.Action, q.Resource, q.Context = ch.Action, ch.Resource, ch.Context
		q.ResourcePolicy, q.ResourceAccount = ch.ResourcePolicy, ch.ResourceAccount
		if q.ResourceAccount == "" {
			// The resource ARN's account owns it; an ARN without one
			// (arn:aws:s3:::bucket) leaves it to the Decider, which takes
			// the principal's.
			q.ResourceAccount = arnAccount(q.Resource)
		}
		ans, err := a.cfg.Decider.Decide(ctx, &q)
		if err != nil {
			return nil, about(AboutCaller, err)
		}
		if ans.Principal != nil {
			who = describe(ans.Principal)
			if ans.Principal.Type == auth.AssumedRole {
				// A what-if about a role ARN is about the role, not
				// about a session of it.
				who.Type = "role"
			}
		}
		results[i] = result(ans)
	}
	if batch {
		return &BatchResponse{Principal: who, Results: results}, nil
	}
	return &AuthorizeResponse{Principal: who, Result: results[0]}, nil
}

func result(ans *Answer) Result {
	r := Result{Decision: ans.Decision, MatchedStatements: ans.Matched}
	if r.MatchedStatements == nil {
		r.MatchedStatements = []MatchedStatement{}
	}
	if ans.Decision != Allow {
		r.EncodedMessage = ans.EncodedMessage
	}
	return r
}

// sameAccount reports whether arn (arn:aws:iam::ACCOUNT:...) is in
// account.
func sameAccount(arn, account string) bool {
	return arnAccount(arn) == account
}

// arnAccount is the account field of an ARN, "" when it has none.
func arnAccount(s string) string {
	a, err := arn.Split(s)
	if err != nil {
		return ""
	}
	return a.AccountID
}

// fail writes err: a refusal with its code and status, anything else as
// an internal failure (or ServiceUnavailable for an unreachable store),
// logged here with its cause.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, err, a.cfg.Unavailable, a.cfg.Logger, nil)
}

// writeError answers err as JSON and returns the status and code written;
// encoded, when not nil, is the encoded_message field.
func writeError(w http.ResponseWriter, r *http.Request, err error, unavailable func(error) bool, log *slog.Logger, encoded *string) (status int, code string) {
	body := ErrorResponse{EncodedMessage: encoded}
	var ae *apierr.Error
	var rf *refusal
	switch {
	case errors.As(err, &rf):
		ae, body.About = rf.err, rf.about
	default:
		ae, _ = apierr.As(err)
	}
	if ae == nil {
		if unavailable != nil && unavailable(err) {
			ae = &apierr.Error{Code: apierr.ServiceUnavailable, Message: "The request has failed due to a temporary failure of the server.", HTTPStatus: http.StatusServiceUnavailable}
		} else {
			log.LogAttrs(r.Context(), slog.LevelError, "internal failure", slog.String("request_id", w.Header().Get("X-Amzn-Requestid")), slog.String("path", r.URL.Path), slog.String("err", err.Error()))
			ae = &apierr.Error{Code: apierr.InternalFailure, Message: "We encountered an internal error. Please try again.", HTTPStatus: http.StatusInternalServerError}
		}
	}
	body.Code, body.Message = ae.Code, ae.Message
	w.Header()[server.ErrorTypeHeader] = []string{ae.Code}
	writeJSON(w, statusOf(ae), &body)
	return statusOf(ae), ae.Code
}

// statusOf is the HTTP status of a refusal: its own, else the common
// table's, else 400.
func statusOf(e *apierr.Error) int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	if s, _, ok := apierr.Common(e.Code); ok {
		return s
	}
	return http.StatusBadRequest
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain structs of strings reach here; this cannot happen.
		status, b = http.StatusInternalServerError, []byte(`{"code":"InternalFailure","message":"We encountered an internal error. Please try again."}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
