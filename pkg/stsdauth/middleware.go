package stsdauth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Defaults of Config's zero values.
const (
	DefaultCacheTTL     = 60 * time.Second
	DefaultCacheSize    = 10000
	DefaultTimeout      = 5 * time.Second
	DefaultMaxBodyBytes = 1 << 20
)

// emptySHA256 is the hex SHA-256 of an empty payload.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// ErrPayloadHashMismatch is the error a protected handler reads at the end
// of a body whose bytes do not hash to the request's signed
// x-amz-content-sha256 header: the body is not the one that was signed,
// and the handler must not act on it.
var ErrPayloadHashMismatch = errors.New("stsdauth: request body does not match its x-amz-content-sha256")

// Mode selects what the middleware asks stsd.
type Mode int

const (
	// ModeAuthorize verifies each request and asks stsd whether its
	// principal may do the request's Target (POST /v1/authorize).
	ModeAuthorize Mode = iota
	// ModeVerify only asks stsd who signed the request (POST /v1/verify):
	// every principal stsd verifies passes, and the protected handler
	// decides with PrincipalFrom.
	ModeVerify
)

// Target is what a request asks to do, in IAM terms.
type Target struct {
	// Action and Resource are the IAM action and resource ARN.
	Action, Resource string
	// Context holds condition keys and their values for the decision;
	// the middleware adds aws:SourceIp and aws:SecureTransport.
	Context map[string][]string
	// ResourcePolicy, when set, is a resource-based policy (JSON text)
	// stsd evaluates beside the principal's; ResourceAccount owns it
	// (default: the resource ARN's account, else the principal's).
	ResourcePolicy, ResourceAccount string
}

// TargetFunc computes the Target of a request. caller is the principal
// stsd verified for the request's access key: Account is reliable, and
// Region and Service are the scope this request is signed for. In
// ModeAuthorize the middleware therefore verifies an access key once
// (then remembers its principal for at most the cache TTL) before it
// computes targets and asks for decisions; stsd verifies the signature
// again in every authorize call.
type TargetFunc func(r *http.Request, caller *Principal) (Target, error)

// ExecuteAPI is API Gateway's IAM authorization: action
// execute-api:Invoke on
// arn:aws:execute-api:{region}:{account}:{apiID}/{stage}/{METHOD}/{path},
// where region is the request's signature region, account the caller's,
// and path r.URL.Path without its leading "/" (the path as the protected
// handler sees it, e.g. after http.StripPrefix). Policies are written as
// for API Gateway:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html
func ExecuteAPI(apiID, stage string) TargetFunc {
	return func(r *http.Request, caller *Principal) (Target, error) {
		return Target{
			Action: "execute-api:Invoke",
			Resource: "arn:aws:execute-api:" + caller.Region + ":" + caller.Account + ":" +
				apiID + "/" + stage + "/" + r.Method + "/" + strings.TrimPrefix(r.URL.Path, "/"),
		}, nil
	}
}

// Config configures New.
type Config struct {
	// Client calls stsd; required.
	Client *Client
	// Mode is ModeAuthorize (the zero value) or ModeVerify.
	Mode Mode
	// APIID and Stage configure the default Target, ExecuteAPI(APIID,
	// Stage); both are required in ModeAuthorize unless Target is set.
	APIID, Stage string
	// Target computes each request's action and resource; nil means
	// ExecuteAPI(APIID, Stage).
	Target TargetFunc
	// Context, when set, adds condition keys to every decision; its
	// keys replace the Target's and the middleware's (for instance
	// aws:SourceIp taken from a trusted proxy's header).
	Context func(r *http.Request) map[string][]string
	// MaxBodyBytes bounds the body the middleware reads to hash it when
	// the request has no x-amz-content-sha256 header; larger bodies are
	// refused 413. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// AllowUnsignedPayload lets requests signed with x-amz-content-sha256:
	// UNSIGNED-PAYLOAD through; their body is not covered by the
	// signature. Off by default: they are refused 401 UnsignedPayload.
	AllowUnsignedPayload bool
	// CacheTTL is how long an allowed (or verified) signed request, and
	// the principal of an access key, are remembered; an entry never
	// outlives its session. Zero means DefaultCacheTTL; negative disables
	// both (every request then costs a verify and an authorize call).
	CacheTTL time.Duration
	// CacheSize bounds the cache's entries (least recently used go
	// first). Zero means DefaultCacheSize.
	CacheSize int
	// Timeout bounds each call to stsd. Zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the clock of cache expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives failures to get an answer from stsd (without
	// secrets); nil discards them.
	Logger *slog.Logger
}

// Auth protects http.Handlers with stsd's decisions. It is safe for
// concurrent use; one Auth (and its cache) may wrap many handlers.
type Auth struct {
	client    *Client
	mode      Mode
	target    TargetFunc
	extra     func(*http.Request) map[string][]string
	maxBody   int64
	unsigned  bool
	ttl       time.Duration
	timeout   time.Duration
	now       func() time.Time
	log       *slog.Logger
	decisions *lru.Cache[[sha256.Size]byte, entry]
	// keys remembers, per access key id, the principal stsd verified,
	// so that ModeAuthorize needs one stsd call per request.
	keys *lru.Cache[string, entry]
	bufs sync.Pool
}

// entry is a remembered principal and when it must be forgotten.
type entry struct {
	p       *Principal
	expires time.Time
}

// New returns an Auth for cfg.
func New(cfg Config) (*Auth, error) {
	if cfg.Client == nil {
		return nil, errors.New("stsdauth: Config.Client is nil")
	}
	a := &Auth{
		client: cfg.Client, mode: cfg.Mode, target: cfg.Target, extra: cfg.Context,
		maxBody: cfg.MaxBodyBytes, unsigned: cfg.AllowUnsignedPayload,
		ttl: cfg.CacheTTL, timeout: cfg.Timeout, now: cfg.Now, log: cfg.Logger,
	}
	switch a.mode {
	case ModeAuthorize:
		if a.target == nil {
			if cfg.APIID == "" || cfg.Stage == "" {
				return nil, errors.New("stsdauth: ModeAuthorize needs Config.Target or both APIID and Stage")
			}
			a.target = ExecuteAPI(cfg.APIID, cfg.Stage)
		}
	case ModeVerify:
	default:
		return nil, fmt.Errorf("stsdauth: unknown Mode %d", cfg.Mode)
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodyBytes
	}
	if a.ttl == 0 {
		a.ttl = DefaultCacheTTL
	}
	if a.timeout <= 0 {
		a.timeout = DefaultTimeout
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	size := cfg.CacheSize
	if size <= 0 {
		size = DefaultCacheSize
	}
	if a.ttl > 0 {
		var err error
		if a.decisions, err = lru.New[[sha256.Size]byte, entry](size); err != nil {
			return nil, err
		}
		if a.keys, err = lru.New[string, entry](size); err != nil {
			return nil, err
		}
	}
	a.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	return a, nil
}

// principalKey is the request-context key of the verified principal.
type principalKey struct{}

// PrincipalFrom returns the principal the middleware verified for the
// request whose context is ctx.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// Middleware returns next protected: each request reaches next only once
// stsd verified its signature (and, in ModeAuthorize, allowed its
// Target), with the principal in its context (PrincipalFrom). Refusals
// are JSON {"code","message"}: stsd's status and code for a bad
// signature, 403 AccessDenied with "encoded_message" for a deny, 413 for
// a body over MaxBodyBytes, 503 ServiceUnavailable when stsd gives no
// answer (the middleware fails closed), 500 InternalFailure when stsd
// refuses the middleware's own credentials.
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.check(r)
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// denial is a deny decision, answered 403 AccessDenied.
type denial struct {
	d      *Decision
	target Target
}

func (e *denial) Error() string { return "stsdauth: " + e.d.Decision }

// check decides r, returning the principal to pass on or why not.
func (a *Auth) check(r *http.Request) (*Principal, error) {
	sp, signed := readSignature(r)
	bodyHash, forward, err := a.payload(r)
	if err != nil {
		return nil, err
	}
	cache := signed && a.decisions != nil
	if a.mode == ModeVerify {
		var key [sha256.Size]byte
		if cache {
			key = a.key(r, sp, bodyHash, nil)
			if p := lookup(a, a.decisions, key); p != nil {
				return p, nil
			}
		}
		p, err := a.verify(r, forward)
		if err != nil {
			return nil, err
		}
		if cache {
			remember(a, a.decisions, key, p)
		}
		return p, nil
	}

	// The second round runs only when stsd's decision names a principal
	// other than the one remembered for the access key.
	for round := 0; ; round++ {
		var caller *Principal
		if cache {
			caller = lookup(a, a.keys, sp.accessKeyID)
		}
		fresh := caller == nil
		if fresh {
			if caller, err = a.verify(r, forward); err != nil {
				return nil, err
			}
			if cache {
				remember(a, a.keys, sp.accessKeyID, caller)
			}
		}
		if signed {
			caller = withScope(caller, sp)
		}
		t, err := a.target(r, caller)
		if err != nil {
			return nil, err
		}
		t.Context = a.context(r, t.Context)
		var key [sha256.Size]byte
		if cache {
			key = a.key(r, sp, bodyHash, &t)
			if p := lookup(a, a.decisions, key); p != nil {
				return p, nil
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), a.timeout)
		d, err := a.client.Authorize(ctx, &AuthorizeInput{Request: a.signedRequest(r, forward), Target: t})
		cancel()
		if err != nil {
			return nil, err
		}
		if d.Principal.ARN != caller.ARN || d.Principal.Account != caller.Account {
			if cache {
				a.keys.Remove(sp.accessKeyID)
			}
			if fresh || round > 0 {
				return nil, fmt.Errorf("%w: verify and authorize name different principals for one request", ErrUnavailable)
			}
			continue
		}
		if !d.Allowed() {
			return nil, &denial{d: d, target: t}
		}
		p := merge(d.Principal, caller)
		if cache {
			remember(a, a.decisions, key, p)
		}
		return p, nil
	}
}

// verify asks stsd who signed r.
func (a *Auth) verify(r *http.Request, forward string) (*Principal, error) {
	ctx, cancel := context.WithTimeout(r.Context(), a.timeout)
	defer cancel()
	return a.client.Verify(ctx, a.signedRequest(r, forward))
}

// signedRequest is r as stsd verifies it: every header is forwarded
// (stsd picks the signed ones), with Host, which net/http keeps apart.
func (a *Auth) signedRequest(r *http.Request, bodySHA256 string) *SignedRequest {
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h["Host"] = []string{r.Host}
	return &SignedRequest{Method: r.Method, URL: requestURI(r), Headers: h, BodySHA256: bodySHA256}
}

// requestURI is the path and query exactly as the client sent (and
// signed) them, whatever routing did to r.URL since.
func requestURI(r *http.Request) string {
	if r.RequestURI != "" && r.RequestURI[0] == '/' {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// withScope is caller as seen by a request signed for sp's region and
// service (one access key may sign for any).
func withScope(caller *Principal, sp signedParts) *Principal {
	if caller.Region == sp.region && caller.Service == sp.service && caller.AccessKeyID == sp.accessKeyID {
		return caller
	}
	c := *caller
	c.Region, c.Service, c.AccessKeyID = sp.region, sp.service, sp.accessKeyID
	return &c
}

// merge completes the principal of an authorize answer with what the
// verify answer told about the key (an authorize answer need not repeat
// the session).
func merge(decided, caller *Principal) *Principal {
	p := *decided
	if p.AccessKeyID == "" {
		p.AccessKeyID = caller.AccessKeyID
	}
	if p.Service == "" || p.Region == "" {
		p.Service, p.Region = caller.Service, caller.Region
	}
	if p.Session == nil {
		p.Session = caller.Session
	}
	return &p
}

// context is the condition context of a decision: the facts the
// middleware knows about the connection, then the Target's, then
// Config.Context's.
func (a *Auth) context(r *http.Request, fromTarget map[string][]string) map[string][]string {
	c := make(map[string][]string, 2+len(fromTarget))
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil && net.ParseIP(host) != nil {
		c["aws:SourceIp"] = []string{host}
	}
	c["aws:SecureTransport"] = []string{strconv.FormatBool(r.TLS != nil)}
	maps.Copy(c, fromTarget)
	if a.extra != nil {
		maps.Copy(c, a.extra(r))
	}
	return c
}

// key is the cache key of a decision: a hash of the signature and of
// everything it covers (method, URL, signed headers, payload hash) and of
// the question asked. Covering what the signature covers matters: a
// request that reuses a seen signature on other content must reach stsd,
// which refuses it, instead of matching a cached allow.
func (a *Auth) key(r *http.Request, sp signedParts, bodyHash string, t *Target) [sha256.Size]byte {
	bp := a.bufs.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, byte(a.mode))
	b = field(b, sp.sig)
	b = field(b, r.Method)
	b = field(b, requestURI(r))
	b = field(b, bodyHash)
	for name := range strings.SplitSeq(sp.signedHeaders, ";") {
		b = field(b, name)
		if strings.EqualFold(name, "host") {
			b = field(b, r.Host)
			continue
		}
		for k, vs := range r.Header {
			if strings.EqualFold(k, name) {
				for _, v := range vs {
					b = field(b, v)
				}
			}
		}
	}
	if t != nil {
		b = field(b, t.Action)
		b = field(b, t.Resource)
		b = field(b, t.ResourcePolicy)
		b = field(b, t.ResourceAccount)
		for _, k := range slices.Sorted(maps.Keys(t.Context)) {
			b = field(b, k)
			b = binary.BigEndian.AppendUint32(b, uint32(len(t.Context[k])))
			for _, v := range t.Context[k] {
				b = field(b, v)
			}
		}
	}
	sum := sha256.Sum256(b)
	*bp = b
	a.bufs.Put(bp)
	return sum
}

// field appends s length-prefixed, so that no two field lists share an
// encoding.
func field(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// lookup returns the principal remembered under k in c, if still fresh.
func lookup[K comparable](a *Auth, c *lru.Cache[K, entry], k K) *Principal {
	e, ok := c.Get(k)
	if !ok {
		return nil
	}
	if !a.now().Before(e.expires) {
		c.Remove(k)
		return nil
	}
	return e.p
}

// remember keeps p under k in c for the TTL, and never past p's session.
func remember[K comparable](a *Auth, c *lru.Cache[K, entry], k K, p *Principal) {
	now := a.now()
	exp := now.Add(a.ttl)
	if p.Session != nil && !p.Session.Expiration.IsZero() && p.Session.Expiration.Before(exp) {
		exp = p.Session.Expiration
	}
	if now.Before(exp) {
		c.Add(k, entry{p: p, expires: exp})
	}
}

// payload finds r's payload hash: keyHash identifies the payload in the
// cache key, forward is the body_sha256 to send stsd ("" when the
// x-amz-content-sha256 header carries it or the body is empty).
func (a *Auth) payload(r *http.Request) (keyHash, forward string, err error) {
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		switch {
		case isHexSHA256(h):
			if r.Body != nil && r.Body != http.NoBody {
				want, _ := hex.DecodeString(h)
				r.Body = &checkedBody{rc: r.Body, h: sha256.New(), want: want}
			}
			return h, "", nil
		case h == "UNSIGNED-PAYLOAD" && a.unsigned:
			return h, "", nil
		}
		return "", "", &Error{StatusCode: http.StatusUnauthorized, Code: "UnsignedPayload", About: "request",
			Message: fmt.Sprintf("The request body is not covered by its signature (x-amz-content-sha256: %.80q); sign the payload.", h)}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return emptySHA256, "", nil
	}
	tooLarge := &Error{StatusCode: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge", About: "request",
		Message: fmt.Sprintf("The request body is larger than %d bytes; sign it with an x-amz-content-sha256 header to send it.", a.maxBody)}
	if r.ContentLength > a.maxBody {
		return "", "", tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, a.maxBody+1))
	if err != nil {
		return "", "", &Error{StatusCode: http.StatusBadRequest, Code: "IncompleteBody", About: "request",
			Message: "The request body could not be read."}
	}
	if int64(len(body)) > a.maxBody {
		return "", "", tooLarge
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) == 0 {
		return emptySHA256, "", nil
	}
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	return h, h, nil
}

func isHexSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// checkedBody hashes a body as the handler reads it and, at its end,
// answers ErrPayloadHashMismatch instead of io.EOF when the bytes are
// not those the signature's x-amz-content-sha256 names, as S3 does with
// XAmzContentSHA256Mismatch. Streaming keeps large signed bodies out of
// memory.
type checkedBody struct {
	rc   io.ReadCloser
	h    hash.Hash
	want []byte
	bad  bool
}

// Read implements io.Reader.
func (c *checkedBody) Read(p []byte) (int, error) {
	if c.bad {
		return 0, ErrPayloadHashMismatch
	}
	n, err := c.rc.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(c.h.Sum(nil), c.want) {
		c.bad = true
		return n, ErrPayloadHashMismatch
	}
	return n, err
}

// Close implements io.Closer.
func (c *checkedBody) Close() error { return c.rc.Close() }

// refusal is the JSON body of a refused request.
type refusal struct {
	Code           string `json:"code"`
	Message        string `json:"message"`
	EncodedMessage string `json:"encoded_message,omitempty"`
}

// refuse answers a request that may not pass.
func (a *Auth) refuse(w http.ResponseWriter, r *http.Request, err error) {
	var (
		den    *denial
		apiErr *Error
	)
	status, body := http.StatusServiceUnavailable, refusal{Code: "ServiceUnavailable", Message: "The authorization service is unavailable."}
	switch {
	case errors.As(err, &den):
		status = http.StatusForbidden
		body = refusal{Code: "AccessDenied", Message: denyMessage(den), EncodedMessage: den.d.EncodedMessage}
	case errors.As(err, &apiErr) && apiErr.About == "caller":
		// stsd refused the middleware's own call: a configuration
		// problem of this service, not of the client, and not worth
		// retrying.
		a.log.ErrorContext(r.Context(), "stsd refused the relying party's call", "code", apiErr.Code, "status", apiErr.StatusCode, "message", apiErr.Message)
		status, body = http.StatusInternalServerError, refusal{Code: "InternalFailure", Message: "The authorization service refused this service's credentials."}
	case errors.As(err, &apiErr):
		status, body = apiErr.StatusCode, refusal{Code: apiErr.Code, Message: apiErr.Message}
	case errors.Is(err, ErrUnavailable):
		a.log.WarnContext(r.Context(), "no answer from stsd", "error", err)
	default:
		a.log.ErrorContext(r.Context(), "computing the request's target", "error", err)
		status, body = http.StatusInternalServerError, refusal{Code: "InternalFailure", Message: "The request's authorization target could not be computed."}
	}
	raw, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// denyMessage words a deny as AWS words AccessDenied.
func denyMessage(den *denial) string {
	msg := "User: " + den.d.Principal.ARN + " is not authorized to perform: " + den.target.Action + " on resource: " + den.target.Resource
	if den.d.Decision == ExplicitDeny {
		msg += " with an explicit deny"
	}
	return msg
}
