package relying

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/server"
	"github.com/stsd/stsd/internal/sigv4"
)

// ExtAuthzPrefix is the path below which the check answers:
// /ext-authz/{api-id}/{stage}/<original path>.
const ExtAuthzPrefix = "/ext-authz/"

// The check's answer headers, naming the principal of an allowed request.
const (
	HeaderPrincipalARN = "x-stsd-principal-arn"
	HeaderAccount      = "x-stsd-account"
	HeaderUserID       = "x-stsd-user-id"
	// HeaderContentLength, sent by the proxy, is the original request's
	// Content-Length, which a check request without the body cannot carry
	// as its own (nginx: proxy_set_header x-stsd-content-length
	// $content_length).
	HeaderContentLength = "X-Stsd-Content-Length"
)

// The API Gateway convention the check applies: requests signed for
// ExecuteAPIService are authorized for ActionInvoke on the method's ARN.
const (
	ExecuteAPIService = "execute-api"
	ActionInvoke      = "execute-api:Invoke"
)

// maxIDBytes bounds an api id or stage name.
const maxIDBytes = 128

// Observer is told the outcome of each check, as server.Observer is told
// of the main endpoint's requests; *metrics.Metrics is the implementation.
type Observer interface {
	ObserveRequest(service, action, code string, latency time.Duration)
}

// ExtAuthzConfig is what the check needs.
type ExtAuthzConfig struct {
	// Requests verifies the checked requests; it should accept only
	// service ExecuteAPIService.
	Requests Authenticator
	// Decider decides execute-api:Invoke.
	Decider Decider
	// AllowUnsignedPayload accepts requests whose body the signature does
	// not cover (no x-amz-content-sha256 with the body's hash, or
	// UNSIGNED-PAYLOAD); the proxy forwards headers, not always the body.
	AllowUnsignedPayload bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxBodyBytes bounds a check request's body (a proxy may forward the
	// original body); 0 means server.MaxBodyBytes.
	MaxBodyBytes int64
	// Unavailable, when set, reports whether an internal error means the
	// store could not be reached.
	Unavailable func(error) bool
	// Logger receives one line per check; Metrics, when set, is told the
	// outcome under service "stsd", action "ExtAuthz".
	Logger  *slog.Logger
	Metrics Observer
}

// ExtAuthz is the Envoy ext_authz (HTTP service) and nginx auth_request
// compatible check. It belongs on a listener of its own, reachable only by
// the proxy: anyone who can reach it can learn who signed a request.
type ExtAuthz struct {
	cfg ExtAuthzConfig
}

// NewExtAuthz returns the check of cfg.
func NewExtAuthz(cfg ExtAuthzConfig) *ExtAuthz {
	setDefaults(&cfg.Now, &cfg.MaxBodyBytes, &cfg.Logger)
	return &ExtAuthz{cfg: cfg}
}

// checkLog is what the log line and metrics report of one check.
type checkLog struct {
	principal, region, code string
	status                  int
}

// ServeHTTP implements http.Handler.
func (x *ExtAuthz) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
		return
	}
	start := x.cfg.Now()
	var rec checkLog
	defer func() { x.record(r, &rec, x.cfg.Now().Sub(start)) }()
	p, encoded, err := x.check(r, &rec, start)
	if err != nil {
		ae, _ := apierr.As(err)
		status := http.StatusUnauthorized
		switch {
		case ae == nil || ae.HTTPStatus >= http.StatusInternalServerError || ae.Code == apierr.ServiceUnavailable || ae.Code == codeNotFound || ae.Code == apierr.RequestEntityTooLarge:
			// An internal failure, an unreachable store or a path the
			// check does not serve: neither the signer's fault nor a
			// deny, answered as it is.
			status = 0
		case ae.Code == apierr.AccessDenied && encoded != nil:
			status = http.StatusForbidden
		case ae.Code == CodeInvalidRequest:
			status = http.StatusBadRequest
		}
		if status != 0 {
			err = &apierr.Error{Code: ae.Code, Message: ae.Message, HTTPStatus: status}
		}
		rec.status, rec.code = writeError(w, r, err, x.cfg.Unavailable, x.cfg.Logger, encoded)
		return
	}
	h := w.Header()
	h[http.CanonicalHeaderKey(HeaderPrincipalARN)] = []string{p.ARN}
	h[http.CanonicalHeaderKey(HeaderAccount)] = []string{p.AccountID}
	h[http.CanonicalHeaderKey(HeaderUserID)] = []string{p.UserID}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	rec.status = http.StatusOK
}

// check verifies and authorizes the request the proxy forwarded. A deny
// returns AccessDenied with the encoded message (possibly empty).
func (x *ExtAuthz) check(r *http.Request, rec *checkLog, now time.Time) (*auth.Principal, *string, error) {
	if !strings.HasPrefix(r.URL.Path, ExtAuthzPrefix) {
		return nil, nil, errNotFound()
	}
	apiID, stage, rawPath, ok := splitCheckPath(r)
	if !ok {
		return nil, nil, invalid("The check path must be %s{api-id}/{stage}/<original path>, with api-id and stage of letters, digits, '.', '_' and '-'.", ExtAuthzPrefix)
	}
	if hasEncodedSeparator(rawPath) {
		// Decoded, "/admin%2F..%2Fpublic" resolves to "public"; a proxy or
		// service that routes on the raw path sends it under "admin". No
		// one reading of it is safe, so it is decided by none.
		return nil, nil, invalid("The original path must not hold an encoded '/' or '\\' (%%2F, %%5C).")
	}
	orig := *r
	orig.RequestURI = rawPath
	if r.URL.RawQuery != "" {
		orig.RequestURI += "?" + r.URL.RawQuery
	}
	u := *r.URL
	u.Path, u.RawPath = "", ""
	if dec, err := url.PathUnescape(rawPath); err == nil {
		u.Path = dec
	}
	orig.URL = &u
	p, sr, err := x.verify(r.Context(), &orig, now)
	if err != nil {
		return nil, nil, err
	}
	rec.principal, rec.region = p.ARN, sr.Region
	resource := invokeResource(sr.Region, p.AccountID, apiID, stage, r.Method, rawPath)
	q := &Question{
		Principal: p, Action: ActionInvoke, Resource: resource, ResourceAccount: p.AccountID,
		SourceIP: forwardedFor(r), SecureTransport: strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"),
		UserAgent: r.UserAgent(), Region: sr.Region, Time: now,
	}
	ans, err := x.cfg.Decider.Decide(r.Context(), q)
	if err != nil {
		return nil, nil, err
	}
	if ans.Decision != Allow {
		encoded := ans.EncodedMessage
		return nil, &encoded, apierr.New(apierr.AccessDenied, "%s", ans.Message)
	}
	return p, nil, nil
}

// invokeResource is the execute-api ARN of a call: the method upper case,
// the path decoded and without its leading slash. Dot segments and
// repeated slashes are resolved first, as the signature's canonical path
// resolves them and as the service behind the proxy will, so that
// "/public/../admin" is decided as "admin", not under "public/*".
func invokeResource(region, account, apiID, stage, method, rawPath string) string {
	p := rawPath
	if dec, err := url.PathUnescape(rawPath); err == nil {
		p = dec
	}
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	return "arn:aws:execute-api:" + region + ":" + account + ":" + apiID + "/" + stage + "/" + strings.ToUpper(method) + "/" + p
}

// verify checks the signature over what the proxy forwarded. The body is
// covered by the x-amz-content-sha256 header's hash, and checked against it
// when the proxy forwards the whole body (the only case in which the body
// is read); without the header (or with UNSIGNED-PAYLOAD) the request is
// refused unless unsigned payloads are allowed, and then the check
// request's own body, if any, stands for the original.
func (x *ExtAuthz) verify(ctx context.Context, r *http.Request, now time.Time) (*auth.Principal, *sigv4.Request, error) {
	var (
		p   *auth.Principal
		sr  *sigv4.Request
		err error
	)
	if r.Header.Get("Authorization") == "" && !strings.Contains(r.URL.RawQuery, "X-Amz-Signature=") {
		// Not signed at all: say so before anything about its body.
		return nil, nil, apierr.New(apierr.MissingAuthenticationToken, sigv4.MsgMissingAuthenticationToken)
	}
	if n := r.Header.Get(HeaderContentLength); n != "" {
		// The proxy could not forward the original Content-Length (its
		// check request has no body); the signature may cover it.
		r.Header = r.Header.Clone()
		r.Header.Del(HeaderContentLength)
		r.Header["Content-Length"] = []string{n}
	}
	hash := r.Header.Get("X-Amz-Content-Sha256")
	hexHash := sigv4.IsPayloadHash(hash)
	switch {
	case !hexHash && hash != sigv4.UnsignedPayload && !x.cfg.AllowUnsignedPayload:
		return nil, nil, errNotCovered
	case hash == sigv4.UnsignedPayload && !x.cfg.AllowUnsignedPayload:
		return nil, nil, errNotCovered
	case hash == sigv4.UnsignedPayload:
		p, sr, err = x.cfg.Requests.AuthenticateHashed(ctx, r, sigv4.UnsignedPayload, now)
	case hexHash && r.Header.Get("X-Envoy-Auth-Partial-Body") == "true":
		// Envoy cut the body short: only the hash can be checked.
		p, sr, err = x.cfg.Requests.AuthenticateHashed(ctx, r, hash, now)
	default:
		// The body is read only here, where it is checked: Envoy's
		// with_request_body forwards it, and it must hash to what the
		// signature covers; without one, the hash stands for it.
		body, rerr := readAll(r.Body, x.cfg.MaxBodyBytes)
		switch {
		case rerr != nil:
			return nil, nil, rerr
		case hexHash && len(body) == 0:
			p, sr, err = x.cfg.Requests.AuthenticateHashed(ctx, r, hash, now)
		default:
			p, sr, err = x.cfg.Requests.Authenticate(ctx, r, body, now)
		}
	}
	if errors.Is(err, sigv4.ErrUnsigned) {
		err = apierr.New(apierr.MissingAuthenticationToken, sigv4.MsgMissingAuthenticationToken)
	}
	return p, sr, err
}

// errNotCovered refuses a request whose body its signature does not cover
// when unsigned payloads are not allowed.
var errNotCovered = apierr.New(apierr.IncompleteSignature, "The request body is not covered by the signature: sign an x-amz-content-sha256 header holding the hex SHA-256 of the body.")

// splitCheckPath reads /ext-authz/{api-id}/{stage}/<rest> from the raw
// request target and returns the original path ("/" + rest, as received).
func splitCheckPath(r *http.Request) (apiID, stage, rawPath string, ok bool) {
	raw := r.RequestURI
	if !strings.HasPrefix(raw, "/") {
		raw = r.URL.EscapedPath()
	}
	raw, _, _ = strings.Cut(raw, "?")
	rest, ok := strings.CutPrefix(raw, ExtAuthzPrefix)
	if !ok {
		return "", "", "", false
	}
	apiID, rest, _ = strings.Cut(rest, "/")
	stage, rest, _ = strings.Cut(rest, "/")
	if !isID(apiID) || !isID(stage) {
		return "", "", "", false
	}
	return apiID, stage, "/" + rest, true
}

// hasEncodedSeparator reports whether a raw path holds a percent-encoded
// '/' or '\', which decoding would turn into a segment separator.
func hasEncodedSeparator(rawPath string) bool {
	for i := 0; i+2 < len(rawPath); i++ {
		if rawPath[i] != '%' {
			continue
		}
		switch rawPath[i+1 : i+3] {
		case "2F", "2f", "5C", "5c":
			return true
		}
	}
	return false
}

// isID accepts an api id or stage name: it goes into an ARN, so no ':',
// '/', '*' or '?'.
func isID(s string) bool {
	if s == "" || len(s) > maxIDBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// forwardedFor is the client address the proxy reports: the last
// X-Forwarded-For entry (the one the proxy itself appended; earlier ones
// come from the client), else the proxy's own address.
func forwardedFor(r *http.Request) string {
	xff := r.Header.Values("X-Forwarded-For")
	if len(xff) > 0 {
		last := xff[len(xff)-1]
		if i := strings.LastIndexByte(last, ','); i >= 0 {
			last = last[i+1:]
		}
		if last = strings.TrimSpace(last); last != "" {
			return last
		}
	}
	return server.SourceIP(r)
}

// record writes the check's log line and metrics.
func (x *ExtAuthz) record(r *http.Request, rec *checkLog, latency time.Duration) {
	code := rec.code
	if code == "" {
		code = server.LabelOK
	}
	if x.cfg.Metrics != nil {
		x.cfg.Metrics.ObserveRequest(server.RelyingPartyService, "ExtAuthz", code, latency)
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("action", "ExtAuthz"),
		slog.String("principal", rec.principal),
		slog.String("region", rec.region),
		slog.Int("status", rec.status),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
		slog.String("remote", server.SourceIP(r)),
	}
	if rec.code != "" {
		attrs = append(attrs, slog.String("error", rec.code))
	}
	x.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}
