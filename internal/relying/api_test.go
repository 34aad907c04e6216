package relying

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/sigv4"
)

// fakeAuth names every request's signer p, or fails with err.
type fakeAuth struct {
	p   *auth.Principal
	err error
}

func (f fakeAuth) Authenticate(context.Context, *http.Request, []byte, time.Time) (*auth.Principal, *sigv4.Request, error) {
	return f.p, &sigv4.Request{Service: "execute-api", Region: "eu-west-1"}, f.err
}

func (f fakeAuth) AuthenticateHashed(ctx context.Context, r *http.Request, _ string, now time.Time) (*auth.Principal, *sigv4.Request, error) {
	return f.Authenticate(ctx, r, nil, now)
}

// fakeDecider answers decision to everything, or fails with err.
type fakeDecider struct {
	decision string
	err      error
}

func (d fakeDecider) Decide(_ context.Context, q *Question) (*Answer, error) {
	if d.err != nil {
		return nil, d.err
	}
	return &Answer{Decision: d.decision, Message: "User: " + q.Principal.ARN + " is not authorized to perform: " + q.Action + " on resource: " + q.Resource + " because no identity-based policy allows the " + q.Action + " action"}, nil
}

var rpPrincipal = &auth.Principal{Type: auth.User, AccountID: "111111111111", ARN: "arn:aws:iam::111111111111:user/rp", UserID: "AIDARP"}

const okVerify = `{"method":"GET","url":"/","headers":{"Host":["h"]}}`

func serveAPI(t *testing.T, cfg Config, path, body string) (int, ErrorResponse, http.Header) {
	t.Helper()
	w := httptest.NewRecorder()
	New(cfg).ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
	var out ErrorResponse
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out, w.Header()
}

// TestAPIFailures: what goes wrong inside is answered, never leaked; the
// code is always in X-Amzn-ErrorType for the request log.
func TestAPIFailures(t *testing.T) {
	var logBuf bytes.Buffer
	ok := fakeAuth{p: rpPrincipal}
	storeDown := errors.New("dial tcp: connection refused")
	for _, tc := range []struct {
		name   string
		cfg    Config
		path   string
		status int
		code   string
		about  string
	}{
		{"decider fails", Config{Callers: ok, Requests: ok, Decider: fakeDecider{err: errors.New("secret detail")}}, "/v1/verify", 500, apierr.InternalFailure, ""},
		{"store unreachable", Config{Callers: ok, Requests: ok, Decider: fakeDecider{err: storeDown}, Unavailable: func(err error) bool { return err == storeDown }}, "/v1/verify", 503, apierr.ServiceUnavailable, ""},
		{"caller store failure", Config{Callers: fakeAuth{err: errors.New("disk")}, Requests: ok, Decider: fakeDecider{decision: Allow}}, "/v1/verify", 500, apierr.InternalFailure, ""},
		{"caller denied", Config{Callers: ok, Requests: ok, Decider: fakeDecider{decision: ImplicitDeny}}, "/v1/verify", 403, apierr.AccessDenied, AboutCaller},
		{"request refused", Config{Callers: ok, Requests: fakeAuth{err: apierr.New(apierr.ExpiredToken, "expired")}, Decider: fakeDecider{decision: Allow}}, "/v1/verify", 403, apierr.ExpiredToken, AboutRequest},
		{"request unsigned", Config{Callers: ok, Requests: fakeAuth{err: sigv4.ErrUnsigned}, Decider: fakeDecider{decision: Allow}}, "/v1/verify", 403, apierr.MissingAuthenticationToken, AboutRequest},
		{"unknown path", Config{Callers: ok, Requests: ok, Decider: fakeDecider{decision: Allow}}, "/v1/nope", 404, "NotFound", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Logger = slog.New(slog.NewJSONHandler(&logBuf, nil))
			status, out, h := serveAPI(t, tc.cfg, tc.path, okVerify)
			if status != tc.status || out.Code != tc.code || out.About != tc.about || h.Get("X-Amzn-Errortype") != tc.code {
				t.Fatalf("got %d %+v, want %d %s about %q", status, out, tc.status, tc.code, tc.about)
			}
			if strings.Contains(out.Message, "secret detail") || strings.Contains(out.Message, "disk") {
				t.Fatalf("internal detail leaked: %q", out.Message)
			}
		})
	}
	if !strings.Contains(logBuf.String(), "secret detail") {
		t.Fatalf("the internal failure was not logged:\n%s", logBuf.String())
	}
	// Oversize bodies are refused before anything is decoded.
	status, out, _ := serveAPI(t, Config{Callers: ok, Requests: ok, Decider: fakeDecider{decision: Allow}, MaxBodyBytes: 10}, "/v1/verify", okVerify)
	if status != 413 || out.Code != apierr.RequestEntityTooLarge || out.About != AboutCaller {
		t.Fatalf("oversize: %d %+v", status, out)
	}
}
