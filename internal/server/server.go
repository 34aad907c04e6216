// Package server is stsd's HTTP front: it reads each request within limits,
// authenticates it, routes it to the operation named by the SigV4 scope's
// service and the Action parameter, and writes the Query-protocol response.
// It also carries the cross-cutting concerns: request ids, one log line per
// request, request metrics, panic recovery, the health and metrics
// endpoints, and the route to the outbound federation issuers' public
// documents.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/sigv4"
)

// Codes of refusals the server itself makes beyond the common ones.
const (
	codeRegionDisabled   = "RegionDisabledException"
	codeNotImplemented   = "NotImplemented"
	codeMethodNotAllowed = "MethodNotAllowed"
)

// MaxBodyBytes is the largest request body stsd reads. The biggest legitimate
// Query requests (a 131,072-character policy document, URL-encoded) stay well
// under it.
const MaxBodyBytes = 1 << 20

// Authenticator verifies a request's signature and names the caller; it
// returns auth.ErrUnsigned for a request with no signature at all.
// *auth.Authenticator is the implementation.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, now time.Time) (*auth.Principal, *sigv4.Request, error)
}

// Config says what the server serves and how.
type Config struct {
	// Auth verifies signatures and names the caller.
	Auth Authenticator
	// Unavailable, when set, reports whether a handler's internal error
	// means the data store could not be reached (a database that is down
	// or cut off). Such a request is answered 503 ServiceUnavailable, which
	// SDKs retry, perhaps on a healthy node, instead of 500 InternalFailure.
	Unavailable func(error) bool
	// STS and IAM are the handlers of each service; operations of the model
	// without a handler are refused as not implemented.
	STS, IAM []rpc.Handler
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// DisabledRegions are regions in which STS refuses to issue credentials
	// (RegionDisabledException), as an account administrator can deactivate
	// STS regional endpoints in AWS.
	DisabledRegions []string
	// Probe, when set, tells /readyz what the store can do; without it
	// /readyz reports every capability ok.
	Probe Probe
	// MaxBodyBytesInFlight bounds the request-body bytes held in memory at
	// once across all requests; 0 means DefaultMaxBodyBytesInFlight. It
	// must be at least MaxBodyBytes+1 so that every legal body can fit.
	MaxBodyBytesInFlight int64
	// BodyBudgetWait is how long a request waits for room in that budget
	// before it is refused with 503 ServiceUnavailable; 0 means
	// DefaultBodyBudgetWait.
	BodyBudgetWait time.Duration
	// AllowedHosts, when not empty, are the only Host header values
	// (host or host:port, compared case-insensitively) a signed request
	// may have been signed for; others are refused as SignatureDoesNotMatch,
	// so that a request signed for another service cannot be replayed here.
	AllowedHosts []string
	// Metrics, when set, is told the outcome of every request, and
	// MetricsHandler, when set, answers GET /metrics.
	Metrics        Observer
	MetricsHandler http.Handler
	// Outbound, when set, answers every path under OutboundPrefix: the
	// public discovery documents and key sets of the accounts' outbound
	// identity federation issuers, which verifiers fetch unsigned.
	Outbound http.Handler
	// RelyingParty, when set, answers VerifyPath and AuthorizePath (the
	// relying-party JSON API). It authenticates its callers itself (and
	// names them to the log with NoteCaller); the server reads the body
	// within its limits and logs and counts the request under
	// RelyingPartyService, reading the refusal's code from the
	// ErrorTypeHeader of the answer.
	RelyingParty http.Handler
}

// OutboundPrefix is the path below which Config.Outbound serves.
const OutboundPrefix = "/outbound/"

// Labels the server gives an Observer besides the models' names and AWS
// error codes. They live here, not in the metrics package, so that the
// server does not depend on the Prometheus client.
const (
	// LabelOK is the outcome of a request that succeeded; refused requests
	// are labelled with their AWS error code.
	LabelOK = "OK"
	// LabelUnknown stands for a service or action the request did not name
	// validly, so that a client sending arbitrary Action values cannot grow
	// the label set.
	LabelUnknown = "unknown"
)

// Observer is told the outcome of each STS/IAM request. service and action
// are the SigV4 service name and the model's operation name, or LabelUnknown
// where the request named none validly (the label set stays bounded whatever
// clients send); code is LabelOK or the AWS error code. *metrics.Metrics is
// the implementation.
type Observer interface {
	ObserveRequest(service, action, code string, latency time.Duration)
}

// Server is an http.Handler serving STS and IAM on one endpoint.
type Server struct {
	auth        Authenticator
	unavailable func(error) bool
	services    map[string]*service // by SigV4 service name
	log         *slog.Logger
	now         func() time.Time
	disabled    map[string]bool
	probe       Probe
	budget      *budget
	wait        time.Duration
	hosts       map[string]bool
	metrics     Observer
	scrape      http.Handler
	outbound    http.Handler
	relying     http.Handler
}

type service struct {
	model    *apimodel.Service
	handlers map[string]*rpc.Handler
}

// New builds a Server from cfg.
func New(cfg Config) (*Server, error) {
	s := &Server{
		unavailable: cfg.Unavailable,
		auth:        cfg.Auth,
		log:         cfg.Logger,
		now:         cfg.Now,
		probe:       cfg.Probe,
		wait:        cfg.BodyBudgetWait,
		metrics:     cfg.Metrics,
		scrape:      cfg.MetricsHandler,
		outbound:    cfg.Outbound,
		relying:     cfg.RelyingParty,
		disabled:    map[string]bool{},
		services: map[string]*service{
			"sts": {model: apimodel.STS, handlers: map[string]*rpc.Handler{}},
			"iam": {model: apimodel.IAM, handlers: map[string]*rpc.Handler{}},
		},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	limit := cfg.MaxBodyBytesInFlight
	if limit == 0 {
		limit = DefaultMaxBodyBytesInFlight
	}
	if limit <= MaxBodyBytes {
		return nil, fmt.Errorf("server: a body budget of %d bytes cannot hold one request of the largest size (%d bytes)", limit, MaxBodyBytes+1)
	}
	s.budget = newBudget(limit)
	if s.wait == 0 {
		s.wait = DefaultBodyBudgetWait
	}
	if len(cfg.AllowedHosts) > 0 {
		s.hosts = map[string]bool{}
		for _, h := range cfg.AllowedHosts {
			s.hosts[strings.ToLower(h)] = true
		}
	}
	for name, hs := range map[string][]rpc.Handler{"sts": cfg.STS, "iam": cfg.IAM} {
		svc := s.services[name]
		for i := range hs {
			h := &hs[i]
			if h.Op == nil || svc.model.Operations[h.Op.Name] != h.Op {
				return nil, fmt.Errorf("server: handler for an operation not in the %s model", name)
			}
			svc.handlers[h.Op.Name] = h
		}
	}
	for _, r := range cfg.DisabledRegions {
		s.disabled[r] = true
	}
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/healthz":
		serveLive(w)
		return
	case r.URL.Path == "/readyz":
		s.serveReady(w, r)
		return
	case r.URL.Path == "/metrics" && s.scrape != nil && r.Method == http.MethodGet:
		s.scrape.ServeHTTP(w, r)
		return
	case s.outbound != nil && strings.HasPrefix(r.URL.Path, OutboundPrefix):
		// Plain JSON documents for anyone, not Query-protocol calls: they
		// are neither authenticated nor counted as STS/IAM requests.
		s.outbound.ServeHTTP(w, r)
		return
	}
	start := s.now()
	rec := &record{requestID: newRequestID(), status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // net/http's own way to abort a response
			}
			// A panic is a bug; the client sees an internal failure and the
			// log keeps what happened, never the request's secrets.
			s.log.Error("panic serving request", "request_id", rec.requestID, "panic", fmt.Sprint(v))
			rec.status = http.StatusInternalServerError
			rec.errCode = apierr.InternalFailure
			if rec.json {
				writeJSONError(w, rec, errors.New("panic"))
			} else {
				awsquery.WriteError(w, rec.model, rec.requestID, errors.New("panic"))
			}
		}
		latency := s.now().Sub(start)
		s.logRequest(r, rec, latency)
		if s.metrics != nil {
			s.metrics.ObserveRequest(rec.metricLabels(latency))
		}
	}()
	if err := s.serve(w, r, rec, start); err != nil {
		if clientGone(r, err) {
			// Nobody is left to answer, and it is not the server's
			// failure: logged and counted apart from errors.
			rec.status = StatusClientClosedRequest
			rec.errCode = LabelClientClosed
			return
		}
		if _, ok := apierr.As(err); !ok && s.unavailable != nil && s.unavailable(err) {
			s.log.Warn("store unavailable", "request_id", rec.requestID, "action", rec.action, "err", err)
			err = apierr.Unavailable()
		}
		if !rec.fail(err) {
			// The client sees only InternalFailure; the cause stays here.
			s.log.Error("internal failure", "request_id", rec.requestID, "action", rec.action, "err", err)
		}
		if rec.json {
			writeJSONError(w, rec, err)
			return
		}
		awsquery.WriteError(w, rec.model, rec.requestID, err)
	}
}

// record collects what the request log line reports.
type record struct {
	requestID string
	model     *apimodel.Service
	action    string
	principal string
	region    string
	status    int
	errCode   string
	// service and op are the routed SigV4 service name and the model's
	// operation, set once the request is known to name them.
	service string
	op      string
	// json marks a relying-party API call, whose refusals are JSON.
	json bool
}

// metricLabels returns the Observer's arguments for this request.
func (rec *record) metricLabels(latency time.Duration) (service, action, code string, _ time.Duration) {
	service, action, code = rec.service, rec.op, rec.errCode
	if action == "" && rec.model != nil && rec.model.Operations[rec.action] != nil {
		// Refused before routing (e.g. a bad signature) but naming a real
		// operation: still a bounded label, and the one operators look for.
		action = rec.action
	}
	if service == "" {
		service = LabelUnknown
	}
	if action == "" {
		action = LabelUnknown
	}
	if code == "" {
		code = LabelOK
	}
	return service, action, code, latency
}

// fail records the refusal err and reports whether it was an *apierr.Error
// (false means an internal failure).
func (rec *record) fail(err error) bool {
	if e, ok := apierr.As(err); ok {
		rec.errCode = e.Code
		rec.status = e.HTTPStatus
		if rec.status == 0 {
			rec.status, _ = awsquery.Status(rec.model, e.Code)
		}
		return true
	}
	rec.errCode = apierr.InternalFailure
	rec.status = http.StatusInternalServerError
	return false
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rec *record, now time.Time) error {
	if s.relying != nil && relyingPartyOp(r.URL.Path) != "" {
		return s.serveRelyingParty(w, r, rec)
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return &apierr.Error{Code: codeMethodNotAllowed, Message: "The requested method is not allowed for this resource.", HTTPStatus: http.StatusMethodNotAllowed}
	}
	body, release, err := s.readBody(r)
	if err != nil {
		return err
	}
	defer release()
	form, err := parseForm(r, body)
	if err != nil {
		return err
	}
	rec.action = form.Get("Action")

	call := &rpc.Call{
		RequestID:       rec.requestID,
		SourceIP:        SourceIP(r),
		UserAgent:       r.UserAgent(),
		SecureTransport: r.TLS != nil,
		Time:            now,
	}
	if s.hosts != nil && !s.hosts[strings.ToLower(r.Host)] && sigv4.Signed(r) {
		// The signature covers the Host header, so it is valid for the
		// host it names and for no other: refuse it as AWS refuses a
		// request whose signed host is not the endpoint's. Checked before
		// authentication, so that such a request costs no key lookup and
		// no HMAC. Unsigned requests (the federation calls) name no host.
		rec.model = s.guessModel(form)
		return apierr.New(apierr.SignatureDoesNotMatch, sigv4.MsgSignatureDoesNotMatch)
	}
	var svc *service
	principal, sr, err := s.auth.Authenticate(r.Context(), r, body, now)
	switch {
	case errors.Is(err, auth.ErrUnsigned):
		// Only the operations the model marks unsigned (the federation
		// calls, whose token or assertion is the credential) may come
		// without a signature; AWS routes them by Action alone.
		svc = s.services["sts"]
		rec.model = svc.model
		rec.service = "sts"
		if op := svc.model.Operations[rec.action]; op == nil || !op.Unsigned {
			return apierr.New(apierr.MissingAuthenticationToken, sigv4.MsgMissingAuthenticationToken)
		}
	case err != nil:
		rec.model = s.guessModel(form)
		return err
	default:
		svc = s.services[sr.Service]
		if svc == nil {
			// The authenticator admits only the services registered here;
			// this is a wiring mistake, not a client's.
			return fmt.Errorf("server: authenticated request for unserved service %q", sr.Service)
		}
		rec.model = svc.model
		rec.service = sr.Service
		rec.principal = principal.ARN
		rec.region = sr.Region
		call.Principal = principal
		call.Region = sr.Region
	}

	if rec.action == "" {
		return awsquery.MissingAction()
	}
	op, err := awsquery.Lookup(svc.model, rec.action, form.Get("Version"))
	if err != nil {
		return err
	}
	rec.op = op.Name
	h := svc.handlers[op.Name]
	// A signed call names its region; the unsigned federation calls are
	// checked by their handlers against the role's account.
	if call.Principal != nil && svc.model == apimodel.STS && s.disabled[call.Region] && declares(op, codeRegionDisabled) {
		return apierr.New(codeRegionDisabled, "STS is not activated in this region for account:%s. Your account administrator can activate STS in this region using the IAM Console.", call.Principal.AccountID)
	}
	if h == nil {
		return &apierr.Error{Code: codeNotImplemented, Message: fmt.Sprintf("stsd does not implement %s yet.", op.Name), HTTPStatus: http.StatusNotImplemented}
	}
	in := h.NewInput()
	if err := awsquery.Decode(form, op, in); err != nil {
		return err
	}
	out, err := h.Serve(r.Context(), call, in)
	if err != nil {
		return err
	}
	return awsquery.WriteResponse(w, svc.model, op, rec.requestID, out)
}

// guessModel picks the service whose namespace an error response should
// carry when the request could not be authenticated: the one whose model has
// the requested Action, STS by default.
func (s *Server) guessModel(form url.Values) *apimodel.Service {
	action := form.Get("Action")
	if _, ok := apimodel.STS.Operations[action]; !ok {
		if _, ok := apimodel.IAM.Operations[action]; ok {
			return apimodel.IAM
		}
	}
	return apimodel.STS
}

func declares(op *apimodel.Operation, code string) bool {
	for _, e := range op.Errors {
		if e == code {
			return true
		}
	}
	return false
}

// readBody reads the body within MaxBodyBytes, holding its size in the
// in-flight budget until release is called. A declared length over the
// limit is refused before reading a byte; an undeclared one is budgeted at
// the limit and read only up to one byte past it. When the budget has no
// room within the wait, the request is refused with 503 ServiceUnavailable
// before its body is read.
func (s *Server) readBody(r *http.Request) (body []byte, release func(), err error) {
	tooLarge := func() error {
		return &apierr.Error{Code: apierr.RequestEntityTooLarge, Message: fmt.Sprintf("Request body must be no larger than %d bytes.", MaxBodyBytes), HTTPStatus: http.StatusRequestEntityTooLarge}
	}
	unreadable := func(err error) error {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			// The connection ended inside the declared body.
			return errClientClosed
		}
		return apierr.New(apierr.InvalidQueryParameter, "The request body could not be read.")
	}
	nothing := func() {}
	var reserve int64
	switch {
	case r.ContentLength > MaxBodyBytes:
		return nil, nil, tooLarge()
	case r.Body == nil || r.ContentLength == 0:
		return nil, nothing, nil
	case r.ContentLength > 0:
		reserve = r.ContentLength
	default:
		reserve = MaxBodyBytes + 1
	}
	if !s.budget.acquire(r.Context(), reserve, s.wait) {
		if r.Context().Err() != nil {
			return nil, nil, errClientClosed
		}
		return nil, nil, apierr.Unavailable()
	}
	release = func() { s.budget.release(reserve) }
	if r.ContentLength > 0 {
		// The usual case: one allocation of exactly the declared size.
		body = make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			release()
			return nil, nil, unreadable(err)
		}
		return body, release, nil
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		release()
		return nil, nil, unreadable(err)
	}
	if len(body) > MaxBodyBytes {
		release()
		return nil, nil, tooLarge()
	}
	return body, release, nil
}

// parseForm merges the URL query and, for form-encoded POSTs, the body:
// the Query protocol allows parameters in either place.
func parseForm(r *http.Request, body []byte) (url.Values, error) {
	malformed := func() error {
		return apierr.New(apierr.MalformedQueryString, "The query string contains a syntax error.")
	}
	form := url.Values{}
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, malformed()
		}
		form = q
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		ct := r.Header.Get("Content-Type")
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		if strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded") || ct == "" {
			bodyForm, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, malformed()
			}
			if len(form) == 0 {
				return bodyForm, nil
			}
			for k, v := range bodyForm {
				form[k] = append(form[k], v...)
			}
		}
	}
	return form, nil
}

// SourceIP is the address a request came from, without its port: what
// aws:SourceIp states and the request log records.
func SourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) logRequest(r *http.Request, rec *record, latency time.Duration) {
	attrs := []slog.Attr{
		slog.String("request_id", rec.requestID),
		slog.String("method", r.Method),
		slog.String("action", rec.action),
		slog.String("principal", rec.principal),
		slog.String("region", rec.region),
		slog.Int("status", rec.status),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
		slog.String("remote", SourceIP(r)),
	}
	if rec.errCode != "" {
		attrs = append(attrs, slog.String("error", rec.errCode))
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}
