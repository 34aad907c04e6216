package stsdauth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// SigningService is the SigV4 service name stsd's relying-party API
// expects on the calls a Client makes.
const SigningService = "stsd"

// maxAnswerBytes bounds what a Client reads of one stsd answer: a verify or
// authorize answer is a few kilobytes even with many matched statements.
const maxAnswerBytes = 1 << 20

// ErrUnavailable is wrapped by every error that means stsd gave no usable
// answer: it could not be reached, it timed out, it answered 5xx or
// something that is not the API's JSON. Callers fail closed on it.
var ErrUnavailable = errors.New("stsdauth: stsd unavailable")

// Error is a refusal stsd answered as JSON {"code","message","about"}.
type Error struct {
	// StatusCode is the HTTP status stsd answered.
	StatusCode int
	// Code and Message are AWS's error code and message, e.g.
	// SignatureDoesNotMatch.
	Code, Message string
	// About is "request" when the refusal is about the request under
	// verification (what AWS would answer its signer) and "caller" when
	// it is about the Client's own call (its credentials or permissions).
	About string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("stsdauth: %d %s: %s (about %s)", e.StatusCode, e.Code, e.Message, e.About)
}

// ClientConfig configures NewClient.
type ClientConfig struct {
	// Endpoint is stsd's base URL, e.g. "https://sts.example.com"; the
	// API paths /v1/verify and /v1/authorize are appended to it.
	Endpoint string
	// Credentials are the relying party's own stsd credentials; the
	// principal needs stsd:VerifyRequest and/or stsd:Authorize. A provider
	// that is not already an *aws.CredentialsCache is wrapped in one.
	Credentials aws.CredentialsProvider
	// Region is the region the calls are signed for; empty means
	// "us-east-1" (stsd accepts any).
	Region string
	// HTTPClient carries the calls; nil means a client of its own.
	// Deadlines come from the context of each call.
	HTTPClient *http.Client
	// Now is the clock used as the signing time; nil means time.Now.
	Now func() time.Time
}

// Client calls stsd's relying-party API (POST /v1/verify and
// /v1/authorize), signing each call with SigV4 for service "stsd".
// It is safe for concurrent use.
type Client struct {
	endpoint string
	creds    aws.CredentialsProvider
	region   string
	http     *http.Client
	signer   *v4.Signer
	now      func() time.Time
}

// NewClient returns a Client for cfg.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("stsdauth: ClientConfig.Endpoint is empty")
	}
	if cfg.Credentials == nil {
		return nil, errors.New("stsdauth: ClientConfig.Credentials is nil")
	}
	c := &Client{
		endpoint: strings.TrimRight(cfg.Endpoint, "/"),
		creds:    cfg.Credentials,
		region:   cfg.Region,
		http:     cfg.HTTPClient,
		signer:   v4.NewSigner(),
		now:      cfg.Now,
	}
	if _, cached := c.creds.(*aws.CredentialsCache); !cached {
		c.creds = aws.NewCredentialsCache(c.creds)
	}
	if c.region == "" {
		c.region = "us-east-1"
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// SignedRequest is a request under verification as stsd receives it: the
// request's method, URL (path and query, exactly as signed), headers
// (including Host) and, when no x-amz-content-sha256 header carries it,
// the payload as Body or as its hex SHA-256 BodySHA256 (at most one;
// neither means an empty body).
type SignedRequest struct {
	Method     string      `json:"method,omitempty"`
	URL        string      `json:"url,omitempty"`
	Headers    http.Header `json:"headers,omitempty"`
	Body       []byte      `json:"body,omitempty"`
	BodySHA256 string      `json:"body_sha256,omitempty"`
}

// AuthorizeInput is the question of an authorize call: a signed request
// (verified first) or, for an administrator's what-if, a PrincipalARN,
// and the action, resource and condition context to decide.
type AuthorizeInput struct {
	Request      *SignedRequest
	PrincipalARN string
	Target
}

// Principal is who signed a request, as stsd verified it.
type Principal struct {
	// ARN, Account, UserID and Type ("root", "user", "assumed-role",
	// "federated-user") name the principal as GetCallerIdentity would.
	ARN, Account, UserID, Type string
	// AccessKeyID is the key the request was signed with; Service and
	// Region are the signature's scope.
	AccessKeyID, Service, Region string
	// Session is set for temporary credentials.
	Session *Session
}

// Session describes temporary credentials.
type Session struct {
	Expiration        time.Time
	MFAAuthenticated  bool
	SourceIdentity    string
	Tags              map[string]string
	TransitiveTagKeys []string
	// RoleARN is the assumed role, for assumed-role sessions.
	RoleARN string
}

// Decision values stsd answers.
const (
	Allow        = "Allow"
	ExplicitDeny = "ExplicitDeny"
	ImplicitDeny = "ImplicitDeny"
)

// Statement is a policy statement that took part in a decision.
type Statement struct {
	// Source is "identity", "resource", "boundary" or "session".
	Source string `json:"source"`
	// Policy names the policy (name or ARN) the statement is in.
	Policy         string `json:"policy"`
	StatementIndex int    `json:"statement_index"`
	Sid            string `json:"sid"`
	Effect         string `json:"effect"`
}

// Decision is stsd's answer to an authorize call.
type Decision struct {
	// Principal is who signed the request (or PrincipalARN's principal).
	Principal *Principal
	// Decision is Allow, ExplicitDeny or ImplicitDeny.
	Decision          string
	MatchedStatements []Statement
	// EncodedMessage, on a deny, explains it to whoever may call
	// sts:DecodeAuthorizationMessage.
	EncodedMessage string
}

// Allowed reports whether the decision is Allow.
func (d *Decision) Allowed() bool { return d.Decision == Allow }

// wirePrincipal, wireSession and wireIdentity are the JSON of the
// contract's answers; Principal flattens them for users.
type wirePrincipal struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	UserID  string `json:"user_id"`
	Type    string `json:"type"`
}

type wireSession struct {
	Expiration        time.Time         `json:"expiration"`
	MFAAuthenticated  bool              `json:"mfa_authenticated"`
	SourceIdentity    string            `json:"source_identity"`
	Tags              map[string]string `json:"tags"`
	TransitiveTagKeys []string          `json:"transitive_tag_keys"`
	RoleARN           string            `json:"role_arn"`
}

// wireIdentity is the verify answer; an authorize answer may carry the
// same fields beside its decision, and they are used when present.
type wireIdentity struct {
	Principal   *wirePrincipal `json:"principal"`
	AccessKeyID string         `json:"access_key_id"`
	Service     string         `json:"service"`
	Region      string         `json:"region"`
	Session     *wireSession   `json:"session"`
}

func (w *wireIdentity) principal() (*Principal, error) {
	if w.Principal == nil || w.Principal.ARN == "" {
		return nil, fmt.Errorf("%w: answer names no principal", ErrUnavailable)
	}
	p := &Principal{
		ARN: w.Principal.ARN, Account: w.Principal.Account, UserID: w.Principal.UserID, Type: w.Principal.Type,
		AccessKeyID: w.AccessKeyID, Service: w.Service, Region: w.Region,
	}
	if s := w.Session; s != nil {
		p.Session = &Session{
			Expiration: s.Expiration, MFAAuthenticated: s.MFAAuthenticated, SourceIdentity: s.SourceIdentity,
			Tags: s.Tags, TransitiveTagKeys: s.TransitiveTagKeys, RoleARN: s.RoleARN,
		}
	}
	return p, nil
}

type wireDecision struct {
	wireIdentity
	Decision          string      `json:"decision"`
	MatchedStatements []Statement `json:"matched_statements"`
	EncodedMessage    string      `json:"encoded_message"`
}

// wireAuthorize is the authorize request: the signed request's fields
// beside the question's.
type wireAuthorize struct {
	*SignedRequest
	PrincipalARN    string              `json:"principal_arn,omitempty"`
	Action          string              `json:"action"`
	Resource        string              `json:"resource"`
	Context         map[string][]string `json:"context,omitempty"`
	ResourcePolicy  string              `json:"resource_policy,omitempty"`
	ResourceAccount string              `json:"resource_account,omitempty"`
}

type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	About   string `json:"about"`
}

// Verify asks stsd who signed req. A refusal is an *Error; no answer is
// an error wrapping ErrUnavailable.
func (c *Client) Verify(ctx context.Context, req *SignedRequest) (*Principal, error) {
	var ans wireIdentity
	if err := c.call(ctx, "/v1/verify", req, &ans); err != nil {
		return nil, err
	}
	return ans.principal()
}

// Authorize asks stsd whether in's principal may do in's action on its
// resource. A deny is a Decision, not an error; refusals of the request
// or of the call are *Error, and no answer wraps ErrUnavailable.
func (c *Client) Authorize(ctx context.Context, in *AuthorizeInput) (*Decision, error) {
	body := wireAuthorize{
		SignedRequest: in.Request, PrincipalARN: in.PrincipalARN,
		Action: in.Action, Resource: in.Resource, Context: in.Context,
		ResourcePolicy: in.ResourcePolicy, ResourceAccount: in.ResourceAccount,
	}
	if body.SignedRequest == nil {
		body.SignedRequest = &SignedRequest{}
	}
	var ans wireDecision
	if err := c.call(ctx, "/v1/authorize", body, &ans); err != nil {
		return nil, err
	}
	p, err := ans.principal()
	if err != nil {
		return nil, err
	}
	switch ans.Decision {
	case Allow, ExplicitDeny, ImplicitDeny:
	default:
		return nil, fmt.Errorf("%w: unknown decision %q", ErrUnavailable, ans.Decision)
	}
	return &Decision{Principal: p, Decision: ans.Decision, MatchedStatements: ans.MatchedStatements, EncodedMessage: ans.EncodedMessage}, nil
}

// call POSTs in as JSON to path, signed, and decodes a 200 answer into out.
func (c *Client) call(ctx context.Context, path string, in, out any) error {
	payload, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("stsdauth: encoding the call: %w", err)
	}
	sum := sha256.Sum256(payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+path, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("stsdauth: building the call: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("%w: retrieving the relying party's credentials: %v", ErrUnavailable, err)
	}
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), SigningService, c.region, c.now()); err != nil {
		return fmt.Errorf("stsdauth: signing the call: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return fmt.Errorf("%w: reading the answer: %v", ErrUnavailable, err)
	}
	if len(raw) > maxAnswerBytes {
		return fmt.Errorf("%w: answer larger than %d bytes", ErrUnavailable, maxAnswerBytes)
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%w: undecodable answer: %v", ErrUnavailable, err)
		}
		return nil
	}
	var e wireError
	if resp.StatusCode >= 500 || json.Unmarshal(raw, &e) != nil || e.Code == "" {
		// A 5xx, a proxy's error page or an stsd without the API: no
		// answer to the question was given.
		return fmt.Errorf("%w: HTTP %d from %s", ErrUnavailable, resp.StatusCode, path)
	}
	return &Error{StatusCode: resp.StatusCode, Code: e.Code, Message: e.Message, About: e.About}
}
