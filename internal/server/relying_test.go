package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRelyingPartyRoute: the two /v1/ paths reach the handler with the
// body read within the limit; the server logs and counts them under
// service stsd with the code the handler names; its own refusals there are
// JSON; other paths keep the Query protocol.
func TestRelyingPartyRoute(t *testing.T) {
	var bodies []string
	s, logBuf, obs := watchedServer(t, Config{
		RelyingParty: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, r.URL.Path+" "+string(b))
			NoteCaller(r.Context(), "arn:aws:iam::123456789012:user/rp", "eu-west-1")
			if w.Header().Get("X-Amzn-Requestid") == "" {
				t.Error("no request id for the handler")
			}
			if strings.Contains(string(b), "deny") {
				w.Header()[ErrorTypeHeader] = []string{"AccessDenied"}
				w.WriteHeader(http.StatusForbidden)
			}
		}),
	})
	steps := []struct {
		method, target, body string
		status               int
		code, want           string
	}{
		{http.MethodPost, VerifyPath, "{}", 200, "", "stsd Verify OK"},
		{http.MethodPost, AuthorizePath, "deny", 403, "", "stsd Authorize AccessDenied"},
		{http.MethodGet, VerifyPath, "", 405, "MethodNotAllowed", "stsd Verify MethodNotAllowed"},
		{http.MethodPost, AuthorizePath, strings.Repeat("x", MaxBodyBytes+1), 413, "RequestEntityTooLarge", "stsd Authorize RequestEntityTooLarge"},
	}
	for i, st := range steps {
		w := do(s, st.method, st.target, st.body, true)
		if w.Code != st.status {
			t.Fatalf("step %d: status %d, want %d", i, w.Code, st.status)
		}
		if st.code != "" {
			var e struct{ Code, Message string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Code != st.code || w.Header().Get("Content-Type") != "application/json" || w.Header().Get(ErrorTypeHeader) != st.code {
				t.Fatalf("step %d: %q %v (%s)", i, w.Body.String(), err, w.Header().Get("Content-Type"))
			}
		}
		if obs.got[i] != st.want {
			t.Errorf("step %d observed as %q, want %q", i, obs.got[i], st.want)
		}
	}
	if len(bodies) != 2 || bodies[0] != VerifyPath+" {}" || bodies[1] != AuthorizePath+" deny" {
		t.Fatalf("handler saw %q", bodies)
	}
	if !strings.Contains(logBuf.String(), `"action":"Authorize","principal":"arn:aws:iam::123456789012:user/rp","region":"eu-west-1"`) || !strings.Contains(logBuf.String(), `"error":"AccessDenied"`) {
		t.Fatalf("log:\n%s", logBuf.String())
	}
	// Any other /v1/ path is not the relying party's.
	if w := do(s, http.MethodPost, "/v1/other", "Action=GetCallerIdentity&Version=2011-06-15", false); w.Code != 403 || !strings.Contains(w.Body.String(), "<ErrorResponse") {
		t.Fatalf("/v1/other: %d %s", w.Code, w.Body.String())
	}
}

// A relying-party call for a host the endpoint does not serve is refused
// as a Query call for one is.
func TestRelyingPartyAllowedHosts(t *testing.T) {
	served := 0
	s, err := New(Config{
		Auth:         fakeAuth{service: "sts", region: "us-east-1"},
		AllowedHosts: []string{"sts.example"},
		RelyingParty: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }),
	})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "http://other.example"+VerifyPath, strings.NewReader("{}"))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != 403 || w.Header().Get(ErrorTypeHeader) != "SignatureDoesNotMatch" || served != 0 {
		t.Fatalf("other host: %d %s, served %d", w.Code, w.Body.String(), served)
	}
	req = httptest.NewRequest(http.MethodPost, "http://STS.example"+VerifyPath, strings.NewReader("{}"))
	s.ServeHTTP(httptest.NewRecorder(), req)
	if served != 1 {
		t.Fatal("allowed host not served")
	}
}
