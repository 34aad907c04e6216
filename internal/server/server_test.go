package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/sigv4"
)

// fakeAuth accepts every request that has an Authorization header as the
// root of 123456789012, scoped to service/region; the real verifier is
// tested in sigv4 and end to end in app.
type fakeAuth struct{ service, region string }

func (f fakeAuth) Authenticate(_ context.Context, r *http.Request, _ []byte, _ time.Time) (*auth.Principal, *sigv4.Request, error) {
	if r.Header.Get("Authorization") == "" {
		return nil, nil, auth.ErrUnsigned
	}
	return &auth.Principal{Type: auth.Root, AccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012"},
		&sigv4.Request{Service: f.service, Region: f.region}, nil
}

func newTestServer(t *testing.T, log *slog.Logger, handlers ...rpc.Handler) *Server {
	t.Helper()
	s, err := New(Config{
		Auth:            fakeAuth{service: "sts", region: "eu-south-1"},
		STS:             handlers,
		Logger:          log,
		DisabledRegions: []string{"eu-south-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func do(s http.Handler, method, target, body string, signed bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if signed {
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 fake")
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

func callerIdentity(fn func() (*stsapi.GetCallerIdentityResponse, error)) rpc.Handler {
	return rpc.Typed(apimodel.STS.Operations["GetCallerIdentity"], func(context.Context, *rpc.Call, *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
		return fn()
	})
}

func TestRefusals(t *testing.T) {
	s := newTestServer(t, nil)
	cases := []struct {
		name, method, target, body string
		signed                     bool
		status                     int
		code                       string
	}{
		{"method", http.MethodPut, "/", "", true, 405, "MethodNotAllowed"},
		{"malformed query", http.MethodGet, "/?Action=%zz", "", true, 404, "MalformedQueryString"},
		{"malformed body", http.MethodPost, "/", "Action=%zz", true, 404, "MalformedQueryString"},
		{"unsigned", http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", false, 403, "MissingAuthenticationToken"},
		// The federation calls are unsigned by the model: they reach routing
		// (here, where no handler is registered, 501) instead of an auth
		// refusal.
		{"unsigned federation call", http.MethodGet, "/?Action=AssumeRoleWithWebIdentity&Version=2011-06-15", "", false, 501, "NotImplemented"},
		{"unsigned call of a signed operation", http.MethodGet, "/?Action=AssumeRole&Version=2011-06-15", "", false, 403, "MissingAuthenticationToken"},
		{"missing action", http.MethodPost, "/", "Version=2011-06-15", true, 400, "MissingAction"},
		{"unknown action", http.MethodPost, "/", "Action=Nope&Version=2011-06-15", true, 400, "InvalidAction"},
		{"wrong version", http.MethodPost, "/", "Action=GetCallerIdentity&Version=2010-05-08", true, 400, "InvalidAction"},
		// Operations that issue credentials declare RegionDisabledException.
		{"region disabled", http.MethodPost, "/", "Action=AssumeRole&Version=2011-06-15", true, 403, "RegionDisabledException"},
		{"not implemented", http.MethodPost, "/", "Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=x", true, 501, "NotImplemented"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := do(s, c.method, c.target, c.body, c.signed)
			if w.Code != c.status || !strings.Contains(w.Body.String(), "<Code>"+c.code+"</Code>") {
				t.Fatalf("%d %s; want %d %s", w.Code, w.Body.String(), c.status, c.code)
			}
			if id := w.Header().Get("x-amzn-RequestId"); len(id) != 36 || !strings.Contains(w.Body.String(), "<RequestId>"+id+"</RequestId>") {
				t.Fatalf("request id header %q not in body %s", id, w.Body.String())
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, nil)
	// Declared too large: refused before reading.
	req := httptest.NewRequest(http.MethodPost, "/", errReader{})
	req.ContentLength = MaxBodyBytes + 1
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared: %d", w.Code)
	}
	// Undeclared (chunked) and too large: read up to the limit only.
	lr := &countingReader{r: bytes.NewReader(make([]byte, 4*MaxBodyBytes))}
	req = httptest.NewRequest(http.MethodPost, "/", lr)
	req.ContentLength = -1
	w = httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "RequestEntityTooLarge") {
		t.Fatalf("chunked: %d %s", w.Code, w.Body.String())
	}
	if lr.n > MaxBodyBytes+1 {
		t.Fatalf("read %d bytes of an oversized body", lr.n)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("must not be read") }

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestPanicBecomesInternalFailure(t *testing.T) {
	var logs bytes.Buffer
	s := newTestServer(t, slog.New(slog.NewJSONHandler(&logs, nil)), callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
		panic("boom with secret-ish detail")
	}))
	w := do(s, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true)
	if w.Code != 500 || !strings.Contains(w.Body.String(), "<Code>InternalFailure</Code>") || strings.Contains(w.Body.String(), "boom") {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), `"msg":"panic serving request"`) || !strings.Contains(logs.String(), `"status":500`) {
		t.Fatalf("log: %s", logs.String())
	}
}

func TestInternalErrorIsNotShownButLogged(t *testing.T) {
	var logs bytes.Buffer
	s := newTestServer(t, slog.New(slog.NewJSONHandler(&logs, nil)), callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
		return nil, errors.New("database password is hunter2")
	}))
	w := do(s, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true)
	if w.Code != 500 || strings.Contains(w.Body.String(), "hunter2") || !strings.Contains(w.Body.String(), "<Type>Receiver</Type>") {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), `"msg":"internal failure"`) || !strings.Contains(logs.String(), "hunter2") {
		t.Fatalf("cause not logged: %s", logs.String())
	}
}

func TestRequestLogLine(t *testing.T) {
	var logs bytes.Buffer
	s := newTestServer(t, slog.New(slog.NewJSONHandler(&logs, nil)), callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
		return &stsapi.GetCallerIdentityResponse{Account: "123456789012"}, nil
	}))
	w := do(s, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true)
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	line := logs.String()
	for _, want := range []string{`"request_id":"` + w.Header().Get("x-amzn-RequestId") + `"`, `"action":"GetCallerIdentity"`, `"principal":"arn:aws:iam::123456789012:root"`, `"status":200`, `"latency_ms":`} {
		if !strings.Contains(line, want) {
			t.Fatalf("log line %s lacks %s", line, want)
		}
	}
	if strings.Count(line, "\n") != 1 {
		t.Fatalf("want one line per request, got %q", line)
	}
}

// probe is a Probe with set answers.
type probe struct {
	readErr, writeErr error
	fresh             bool
}

func (p probe) CheckRead(context.Context) error { return p.readErr }
func (p probe) WriteErr() error                 { return p.writeErr }
func (p probe) Fresh(time.Time) bool            { return p.fresh }

type diskFull struct{}

func (diskFull) Error() string  { return "database or disk is full" }
func (diskFull) Reason() string { return "data disk full" }

func TestHealthAndReadiness(t *testing.T) {
	cases := []struct {
		name   string
		probe  Probe
		status int
		want   string
	}{
		{"no probe", nil, 200, `{"ready":true,"capabilities":{"sts":"ok","reads":"ok","writes":"ok"}}`},
		{"all well", probe{fresh: true}, 200, `{"ready":true,"capabilities":{"sts":"ok","reads":"ok","writes":"ok"}}`},
		// The database is down but what authenticates keys is still
		// within the staleness bound: STS serves, so stsd is ready.
		{"store down, fresh", probe{readErr: errors.New("dial tcp: refused"), fresh: true}, 200,
			`{"ready":true,"capabilities":{"sts":"ok","reads":"degraded","writes":"degraded"},"reasons":["store unreachable"]}`},
		{"store down, stale", probe{readErr: errors.New("dial tcp: refused")}, 503,
			`{"ready":false,"capabilities":{"sts":"degraded","reads":"degraded","writes":"degraded"},"reasons":["store unreachable","data older than the staleness bound"]}`},
		// Disk full: everything but writes is served.
		{"disk full", probe{writeErr: diskFull{}, fresh: true}, 200,
			`{"ready":true,"capabilities":{"sts":"ok","reads":"ok","writes":"degraded"},"reasons":["writes failing: data disk full"]}`},
		{"write error without a reason", probe{writeErr: errors.New("secret dsn in here"), fresh: true}, 200,
			`{"ready":true,"capabilities":{"sts":"ok","reads":"ok","writes":"degraded"},"reasons":["writes failing: store error"]}`},
	}
	for _, c := range cases {
		s, err := New(Config{Auth: fakeAuth{}, Probe: c.probe})
		if err != nil {
			t.Fatal(err)
		}
		// Liveness depends on nothing but the process.
		if w := do(s, http.MethodGet, "/healthz", "", false); w.Code != 200 || w.Body.String() != "ok\n" {
			t.Fatalf("%s: /healthz = %d %q", c.name, w.Code, w.Body.String())
		}
		w := do(s, http.MethodGet, "/readyz", "", false)
		if w.Code != c.status || strings.TrimSpace(w.Body.String()) != c.want || w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: /readyz = %d %s, want %d %s", c.name, w.Code, w.Body.String(), c.status, c.want)
		}
	}
}

func TestHandlerMustBeInModel(t *testing.T) {
	stray := rpc.Typed(apimodel.IAM.Operations["GetUser"], func(context.Context, *rpc.Call, *struct{}) (*struct{}, error) { return nil, nil })
	if _, err := New(Config{Auth: fakeAuth{}, STS: []rpc.Handler{stray}}); err == nil {
		t.Fatal("an IAM operation registered as STS")
	}
}

func TestRequestIDs(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := newRequestID()
		if len(id) != 36 || id[14] != '4' || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

// observed is an Observer that keeps the labels of each request.
type observed struct{ got []string }

func (o *observed) ObserveRequest(service, action, code string, _ time.Duration) {
	o.got = append(o.got, service+" "+action+" "+code)
}

func TestMetricsLabels(t *testing.T) {
	obs := &observed{}
	scrapes := 0
	s, err := New(Config{
		Auth: fakeAuth{service: "sts", region: "us-east-1"},
		STS: []rpc.Handler{callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
			return &stsapi.GetCallerIdentityResponse{Account: "123456789012"}, nil
		})},
		Metrics:        obs,
		MetricsHandler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { scrapes++ }),
	})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		method, target, body string
		signed               bool
		want                 string
	}{
		{http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true, "sts GetCallerIdentity OK"},
		// Refused before routing, but naming a real operation.
		{http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", false, "sts GetCallerIdentity MissingAuthenticationToken"},
		// A made-up Action never becomes a label of its own.
		{http.MethodPost, "/", "Action=Bogus" + strings.Repeat("x", 40) + "&Version=2011-06-15", true, "sts unknown InvalidAction"},
		{http.MethodPut, "/", "", true, "unknown unknown MethodNotAllowed"},
		{http.MethodPost, "/", "Action=AssumeRoot&Version=2011-06-15", true, "sts AssumeRoot NotImplemented"},
	}
	for _, st := range steps {
		do(s, st.method, st.target, st.body, st.signed)
	}
	if len(obs.got) != len(steps) {
		t.Fatalf("observed %d requests, want %d: %q", len(obs.got), len(steps), obs.got)
	}
	for i, st := range steps {
		if obs.got[i] != st.want {
			t.Errorf("request %d observed as %q, want %q", i, obs.got[i], st.want)
		}
	}
	// The scrape and health endpoints are not STS/IAM requests.
	do(s, http.MethodGet, "/metrics", "", false)
	do(s, http.MethodGet, "/healthz", "", false)
	do(s, http.MethodGet, "/readyz", "", false)
	if scrapes != 1 || len(obs.got) != len(steps) {
		t.Fatalf("scrapes = %d, observed = %d", scrapes, len(obs.got))
	}
}

// watchedServer is a server of cfg (its Auth, Logger and Metrics set
// here) whose request log and observed metrics the test reads.
func watchedServer(t *testing.T, cfg Config) (*Server, *bytes.Buffer, *observed) {
	t.Helper()
	logBuf, obs := &bytes.Buffer{}, &observed{}
	cfg.Auth = fakeAuth{service: "sts", region: "us-east-1"}
	cfg.Logger, cfg.Metrics = slog.New(slog.NewJSONHandler(logBuf, nil)), obs
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, logBuf, obs
}

// TestOutboundRoute checks that every path under /outbound/, whatever its
// method and even signed, goes to the outbound handler untouched, and that
// it is neither logged nor counted as an STS/IAM request; other paths keep
// their Query-protocol handling.
func TestOutboundRoute(t *testing.T) {
	var got []string
	s, logBuf, obs := watchedServer(t, Config{
		Outbound: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = append(got, r.Method+" "+r.URL.RequestURI())
			w.WriteHeader(http.StatusTeapot)
		}),
	})
	routed := []struct{ method, target string }{
		{http.MethodGet, "/outbound/7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a/.well-known/jwks.json"},
		{http.MethodHead, "/outbound/x/.well-known/openid-configuration?a=b"},
		{http.MethodPost, "/outbound/"},
		{http.MethodDelete, "/outbound/anything"},
	}
	for _, rt := range routed {
		if w := do(s, rt.method, rt.target, "", true); w.Code != http.StatusTeapot {
			t.Fatalf("%s %s: %d, not routed to the outbound handler", rt.method, rt.target, w.Code)
		}
	}
	want := []string{
		"GET /outbound/7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a/.well-known/jwks.json",
		"HEAD /outbound/x/.well-known/openid-configuration?a=b",
		"POST /outbound/",
		"DELETE /outbound/anything",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("outbound handler saw %q", got)
	}
	if logBuf.Len() != 0 || len(obs.got) != 0 {
		t.Fatalf("outbound requests logged (%q) or counted (%q)", logBuf.String(), obs.got)
	}

	// Not under the prefix: the Query protocol answers.
	for _, target := range []string{"/outbound", "/outboundx/", "/Outbound/x"} {
		if w := do(s, http.MethodGet, target, "", false); w.Code == http.StatusTeapot || !strings.Contains(w.Body.String(), "<Code>MissingAuthenticationToken</Code>") {
			t.Fatalf("GET %s: %d %s", target, w.Code, w.Body.String())
		}
	}
	if len(got) != len(want) {
		t.Fatal("a path outside /outbound/ reached the outbound handler")
	}

	// Without a handler the path is just another Query-protocol request.
	s, _ = New(Config{Auth: fakeAuth{}})
	if w := do(s, http.MethodGet, "/outbound/x/.well-known/jwks.json", "", false); !strings.Contains(w.Body.String(), "<Code>MissingAuthenticationToken</Code>") {
		t.Fatalf("no Outbound handler: %d %s", w.Code, w.Body.String())
	}
}

// A handler whose store could not be reached (the app's Unavailable says
// so) is answered 503 ServiceUnavailable, the AWS Common Errors code SDKs
// retry, not 500 InternalFailure; other internal errors stay 500. Found by
// the soak run: IAM writes and AssumeRole on a node cut off from
// PostgreSQL answered InternalFailure.
func TestUnreachableStoreIsUnavailable(t *testing.T) {
	errDown := errors.New("failed to connect to the database")
	var logs bytes.Buffer
	s, err := New(Config{
		Auth:        fakeAuth{service: "sts", region: "us-east-1"},
		Unavailable: func(err error) bool { return errors.Is(err, errDown) },
		Logger:      slog.New(slog.NewJSONHandler(&logs, nil)),
		STS: []rpc.Handler{callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
			return nil, fmt.Errorf("postgres store: role r: %w", errDown)
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	w := do(s, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true)
	if w.Code != 503 || !strings.Contains(w.Body.String(), "<Code>ServiceUnavailable</Code>") ||
		!strings.Contains(w.Body.String(), "The request has failed due to a temporary failure of the server.") ||
		strings.Contains(w.Body.String(), "postgres") {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), `"msg":"store unavailable"`) || !strings.Contains(logs.String(), "role r") {
		t.Fatalf("cause not logged: %s", logs.String())
	}
}
