package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/sigv4"
)

func TestBudget(t *testing.T) {
	b := newBudget(10)
	ctx := context.Background()
	if !b.acquire(ctx, 6, 0) || !b.acquire(ctx, 4, 0) {
		t.Fatal("room refused")
	}
	if b.acquire(ctx, 1, 0) {
		t.Fatal("over the limit without waiting")
	}
	if b.acquire(ctx, 11, time.Hour) {
		t.Fatal("more than the limit can ever hold")
	}
	// A waiter gets the room a release frees.
	got := make(chan bool)
	go func() { got <- b.acquire(ctx, 5, time.Hour) }()
	b.release(6)
	if !<-got {
		t.Fatal("waiter not admitted after a release")
	}
	if b.inUse() != 9 {
		t.Fatalf("in use %d, want 9", b.inUse())
	}
	// A cancelled request stops waiting.
	cctx, cancel := context.WithCancel(ctx)
	go func() { got <- b.acquire(cctx, 5, time.Hour) }()
	cancel()
	if <-got {
		t.Fatal("cancelled waiter admitted")
	}
	if b.inUse() != 9 {
		t.Fatalf("in use %d after a refused wait", b.inUse())
	}
}

func TestBudgetTooSmall(t *testing.T) {
	if _, err := New(Config{Auth: fakeAuth{}, MaxBodyBytesInFlight: MaxBodyBytes}); err == nil {
		t.Fatal("a budget that cannot hold one largest body was accepted")
	}
}

// TestBodyBudgetRefusal fills the budget with a held request and checks
// that the next one is refused with 503 ServiceUnavailable after the wait,
// then admitted once the first is done.
func TestBodyBudgetRefusal(t *testing.T) {
	hold := make(chan struct{})
	entered := make(chan struct{}, 1)
	s, err := New(Config{
		Auth: fakeAuth{service: "sts", region: "us-east-1"},
		STS: []rpc.Handler{callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
			select {
			case entered <- struct{}{}:
				<-hold
			default:
			}
			return &stsapi.GetCallerIdentityResponse{Account: "123456789012"}, nil
		})},
		MaxBodyBytesInFlight: MaxBodyBytes + 1,
		BodyBudgetWait:       10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The largest legal body leaves one byte of the budget free.
	body := "Action=GetCallerIdentity&Version=2011-06-15&Pad="
	body += strings.Repeat("x", MaxBodyBytes-len(body))
	first := make(chan int)
	go func() { first <- do(s, http.MethodPost, "/", body, true).Code }()
	<-entered
	w := do(s, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true)
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "<Code>ServiceUnavailable</Code>") {
		t.Fatalf("over budget: %d %s", w.Code, w.Body.String())
	}
	close(hold)
	if code := <-first; code != 200 {
		t.Fatalf("held request: %d", code)
	}
	if w := do(s, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true); w.Code != 200 {
		t.Fatalf("after release: %d %s", w.Code, w.Body.String())
	}
	if s.budget.inUse() != 0 {
		t.Fatalf("%d bytes still reserved", s.budget.inUse())
	}
}

// TestClientGone checks that a request whose client left is logged with
// status 499 and counted as ClientClosedRequest, not as an internal
// failure, whether it left during the body or while being served.
func TestClientGone(t *testing.T) {
	var logBuf bytes.Buffer
	obs := &observed{}
	s, err := New(Config{
		Auth: fakeAuth{service: "sts", region: "us-east-1"},
		STS: []rpc.Handler{callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
			// What a store query returns once its context is cancelled.
			return nil, context.Canceled
		})},
		Logger:  slog.New(slog.NewJSONHandler(&logBuf, nil)),
		Metrics: obs,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15")).WithContext(ctx)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 fake")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)

	// A body cut short by the connection's end.
	req = httptest.NewRequest(http.MethodPost, "/", io.LimitReader(strings.NewReader("Action=GetCallerIdentity"), 5))
	req.ContentLength = 24
	s.ServeHTTP(httptest.NewRecorder(), req)

	want := "sts GetCallerIdentity " + LabelClientClosed
	if len(obs.got) != 2 || obs.got[0] != want || obs.got[1] != "unknown unknown "+LabelClientClosed {
		t.Fatalf("observed %q", obs.got)
	}
	if w.Body.Len() != 0 {
		t.Fatalf("answered a client that left: %q", w.Body.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(logBuf.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatal(err)
		}
		if entry["level"] != "INFO" || entry["status"] != float64(StatusClientClosedRequest) || entry["error"] != LabelClientClosed {
			t.Fatalf("log line %s", line)
		}
	}
	// A server failure while the client is still there stays a 500.
	if w := do(s, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", true); w.Code != 500 {
		t.Fatalf("internal failure with the client present: %d", w.Code)
	}
}

// countingAuth is fakeAuth counting the requests it is asked to verify.
type countingAuth struct {
	fakeAuth
	calls *int
}

func (c countingAuth) Authenticate(ctx context.Context, r *http.Request, body []byte, now time.Time) (*auth.Principal, *sigv4.Request, error) {
	*c.calls++
	return c.fakeAuth.Authenticate(ctx, r, body, now)
}

// TestAllowedHosts: a request signed for a host stsd does not serve is
// refused with SignatureDoesNotMatch before authentication (no key lookup,
// no HMAC); an unsigned one still reaches the authenticator, which tells
// the server it is unsigned.
func TestAllowedHosts(t *testing.T) {
	var calls int
	s, err := New(Config{
		Auth: countingAuth{fakeAuth{service: "sts", region: "us-east-1"}, &calls},
		STS: []rpc.Handler{callerIdentity(func() (*stsapi.GetCallerIdentityResponse, error) {
			return &stsapi.GetCallerIdentityResponse{Account: "123456789012"}, nil
		})},
		AllowedHosts: []string{"sts.example.com", "127.0.0.1:7788"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{"STS.example.com": 200, "127.0.0.1:7788": 200, "sts.amazonaws.com": 403, "127.0.0.1:7789": 403} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		req.Host = host
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 fake")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != want || (want == 403 && !strings.Contains(w.Body.String(), "<Code>SignatureDoesNotMatch</Code>")) {
			t.Errorf("Host %s: %d %s", host, w.Code, w.Body.String())
		}
	}
	for _, tc := range []struct {
		name, query string
		header      bool
		wantCalls   int
	}{
		{"header", "", true, 0},
		{"presigned", "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00", false, 0},
		{"unsigned", "", false, 1},
	} {
		calls = 0
		req := httptest.NewRequest(http.MethodPost, "/"+tc.query, strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		req.Host = "sts.amazonaws.com"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.header {
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 fake")
		}
		s.ServeHTTP(httptest.NewRecorder(), req)
		if calls != tc.wantCalls {
			t.Errorf("%s request for another host: authenticator called %d times, want %d", tc.name, calls, tc.wantCalls)
		}
	}
}

func TestLimitListener(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := LimitListener(inner, 1)
	defer ln.Close()
	accepted := make(chan net.Conn, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	first := <-accepted
	select {
	case <-accepted:
		t.Fatal("second connection accepted while the first is open")
	case <-time.After(50 * time.Millisecond):
	}
	first.Close()
	second := <-accepted
	second.Close()
	ln.Close()
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v", err)
	}
}

// BenchmarkBodyBudget is the budget's cost on every request with a body:
// a reservation that fits and its release.
func BenchmarkBodyBudget(b *testing.B) {
	bud := newBudget(DefaultMaxBodyBytesInFlight)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !bud.acquire(ctx, 512, time.Second) {
				b.Fatal("refused")
			}
			bud.release(512)
		}
	})
}
