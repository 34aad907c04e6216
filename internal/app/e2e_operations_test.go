package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/server"
	"github.com/stsd/stsd/internal/tokenkeys"
)

// TestStalledUploadsStayWithinBudget opens 500 loopback connections that
// each declare a 1 MiB body, send all of it but the last byte and stall.
// Without a budget each would hold a 1 MiB buffer (500 MiB); with it the
// heap grows by at most the documented ceiling: the budget plus a bounded
// cost per connection. While the stalled uploads hold the budget, other
// requests get 503 ServiceUnavailable ("The request has failed due to a
// temporary failure of the server.", AWS Common Errors); once they are
// gone, requests succeed again.
func TestStalledUploadsStayWithinBudget(t *testing.T) {
	const (
		budget = 16 << 20
		conns  = 500
		// perConn is the README's bound of what a connection costs before
		// its body is budgeted (header buffers up to the 64 KiB header
		// limit, net/http's reader and writer).
		perConn = 80 << 10
	)
	h := start(t, func(c *app.Config) { c.MaxBodyBytesInFlight = budget })
	addr := h.srv.Listener.Addr().String()
	header := fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", addr, server.MaxBodyBytes)
	payload := bytes.Repeat([]byte("x"), server.MaxBodyBytes-1) // shared: the client side allocates once

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		open    []net.Conn
		refused atomic.Int64
		other   atomic.Int64
	)
	for i := 0; i < conns; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		open = append(open, c)
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Writes block once the socket buffers are full; they end when
			// the server answers and closes, or the test closes c.
			go func() { _, _ = c.Write([]byte(header)); _, _ = c.Write(payload) }()
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				return // closed by the test while stalled
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				refused.Add(1)
			} else {
				other.Add(1)
			}
		}()
	}
	// Every connection the budget cannot hold is refused after the wait;
	// the rest hold it, stalled on their last byte.
	held := int64(budget / server.MaxBodyBytes)
	deadline := time.Now().Add(60 * time.Second)
	for refused.Load() < conns-held {
		if time.Now().After(deadline) || other.Load() != 0 {
			t.Fatalf("refused %d of %d, other answers %d", refused.Load(), conns-held, other.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}

	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	growth := int64(during.HeapInuse) - int64(before.HeapInuse)
	ceiling := int64(budget + conns*perConn)
	t.Logf("heap in use grew by %.1f MiB with %d stalled uploads (ceiling %.1f MiB)", float64(growth)/(1<<20), conns, float64(ceiling)/(1<<20))
	if growth > ceiling {
		t.Fatalf("heap in use grew by %d bytes, over the ceiling of %d", growth, ceiling)
	}

	client := h.stsClient(rootKeyID, rootSecret, "")
	_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	apiError(t, err, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", http.StatusServiceUnavailable)

	mu.Lock()
	for _, c := range open {
		c.Close()
	}
	mu.Unlock()
	wg.Wait()
	// The server notices the closed connections as it reads them; poll
	// for the budget to come back rather than guess a delay.
	for {
		_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still refused after the stalled uploads closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stsClientAt returns an SDK client whose endpoint names host but whose
// connections all go to h's listener, as a request signed for another
// service and replayed to stsd would arrive.
func (h *harness) stsClientAt(host string) *sts.Client {
	addr := h.srv.Listener.Addr().String()
	dialer := &net.Dialer{}
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://" + host),
		Credentials:  credentials.NewStaticCredentialsProvider(rootKeyID, rootSecret, ""),
		Retryer:      transportRetryer(),
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.DisableKeepAlives = true
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			}
		}),
	})
}

// TestAllowedHosts checks that with --allowed-hosts a request signed for
// another host is refused as AWS refuses a signature that does not match,
// and one signed for an allowed host is served.
func TestAllowedHosts(t *testing.T) {
	h := start(t, func(c *app.Config) { c.AllowedHosts = []string{"stsd.test", "sts.internal:8443"} })
	for _, host := range []string{"stsd.test", "STSD.test", "sts.internal:8443"} {
		if _, err := h.stsClientAt(host).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("signed for %s: %v", host, err)
		}
	}
	for _, host := range []string{"sts.amazonaws.com", "sts.internal", h.srv.Listener.Addr().String()} {
		_, err := h.stsClientAt(host).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		apiError(t, err, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", http.StatusForbidden)
	}
	// Without the option every host is accepted, as before.
	h = start(t, nil)
	if _, err := h.stsClientAt("sts.amazonaws.com").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("no allowed hosts set: %v", err)
	}
}

// sqliteFull mimics modernc.org/sqlite's error for SQLITE_FULL (13).
type sqliteFull struct{}

func (sqliteFull) Error() string { return "database or disk is full (13)" }
func (sqliteFull) Code() int     { return 13 }

func readiness(t *testing.T, h *harness) (int, server.Readiness) {
	t.Helper()
	resp, err := http.Get(h.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rd server.Readiness
	if err := json.NewDecoder(resp.Body).Decode(&rd); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, rd
}

// TestDiskFull restarts stsd on a store whose writes fail as on a full
// disk, with the session-token key due for rotation and the root key
// supplied (both write at start): stsd starts read-only with one clear log
// line, serves STS and IAM reads, answers writes with 503
// ServiceUnavailable, reports writes degraded in /readyz, and takes writes
// again once space returns.
func TestDiskFull(t *testing.T) {
	var full atomic.Bool
	logs := &requestLog{}
	// The first start happens a rotation period ago, so that the restart
	// finds the session-token key due; the SDK signs with the real time,
	// which the restart's clock is back to.
	var past atomic.Bool
	past.Store(true)
	h := start(t, func(c *app.Config) {
		app.WithFailingWrites(c, &full, fmt.Errorf("sqlite store: commit: %w", sqliteFull{}))
		c.Logger = slog.New(slog.NewJSONHandler(logs, nil))
		now := c.Now
		c.Now = func() time.Time {
			if past.Load() {
				return now().Add(-tokenkeys.DefaultRotateAfter - time.Hour)
			}
			return now()
		}
	})
	if code, rd := readiness(t, h); code != 200 || rd.Capabilities.Writes != server.StateOK {
		t.Fatalf("before: %d %+v", code, rd)
	}
	// Back to the real time, which the SDK signs with.
	past.Store(false)
	ctx := context.Background()
	// bob may assume reader: a trust policy naming him is enough within
	// the account.
	if _, err := h.rootIAM().CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	bobKey, err := h.rootIAM().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.rootIAM().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("reader"), AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::000000000000:user/bob"))}); err != nil {
		t.Fatal(err)
	}
	h.close() // flushes last-used dates while the disk still has room
	full.Store(true)
	h.open()
	if n := strings.Count(logs.String(), "data disk full: serving read-only"); n != 1 {
		t.Fatalf("want one read-only log line, got %d:\n%s", n, logs.String())
	}
	stsc := h.stsClient(rootKeyID, rootSecret, "")
	bob := h.stsClient(*bobKey.AccessKey.AccessKeyId, *bobKey.AccessKey.SecretAccessKey, "")
	if _, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/reader"), RoleSessionName: aws.String("ops")}); err != nil {
		t.Fatalf("AssumeRole on a full disk: %v", err)
	}
	if _, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("STS on a full disk: %v", err)
	}
	tok, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatalf("GetSessionToken on a full disk: %v", err)
	}
	sess := h.stsClient(*tok.Credentials.AccessKeyId, *tok.Credentials.SecretAccessKey, *tok.Credentials.SessionToken)
	if _, err := sess.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("session credentials on a full disk: %v", err)
	}
	iamc := h.rootIAM()
	if _, err := iamc.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("IAM read on a full disk: %v", err)
	}
	_, err = iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	apiError(t, err, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", http.StatusServiceUnavailable)
	if strings.Contains(logs.String(), `"error":"InternalFailure"`) {
		t.Fatal("a disk-full write was answered as an internal failure")
	}
	code, rd := readiness(t, h)
	if code != 200 || !rd.Ready || rd.Capabilities != (server.Capabilities{STS: "ok", Reads: "ok", Writes: "degraded"}) ||
		strings.Join(rd.Reasons, ";") != "writes failing: data disk full" {
		t.Fatalf("readiness on a full disk: %d %+v", code, rd)
	}
	if resp, err := http.Get(h.srv.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("liveness on a full disk: %v %v", resp, err)
	}

	full.Store(false)
	if _, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatalf("write after space returned: %v", err)
	}
	if code, rd := readiness(t, h); code != 200 || rd.Capabilities.Writes != server.StateOK || len(rd.Reasons) != 0 {
		t.Fatalf("readiness after space returned: %d %+v", code, rd)
	}
	if !strings.Contains(logs.String(), "leaving read-only mode") {
		t.Fatal("no log line on leaving read-only mode")
	}
}

// TestStartFailsOnOtherWriteErrors: only a full disk is tolerated at
// start; any other write failure still stops stsd.
func TestStartFailsOnOtherWriteErrors(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	h := &harness{t: t, dir: t.TempDir()}
	cfg := app.Config{DataDir: h.dir, RootAccessKeyID: rootKeyID, RootSecretAccessKey: rootSecret}
	app.WithFailingWrites(&cfg, &fail, errors.New("disk I/O error"))
	if a, err := app.Open(context.Background(), cfg); err == nil {
		a.Close()
		t.Fatal("started although writes fail for another reason than space")
	}
}

// TestClientDisconnectInMetrics: a client that declares a body, sends
// part of it and hangs up is counted as ClientClosedRequest and logged
// with status 499, not as a server failure.
func TestClientDisconnectInMetrics(t *testing.T) {
	logs := &requestLog{}
	h := start(t, func(c *app.Config) { c.Logger = slog.New(slog.NewJSONHandler(logs, nil)) })
	addr := h.srv.Listener.Addr().String()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=GetCallerIdentity", addr)
	c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), `"status":499`) {
		if time.Now().After(deadline) {
			t.Fatalf("no 499 line in the request log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(h.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	if _, err := io.Copy(&body, resp.Body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body.String(), `stsd_requests_total{action="unknown",code="ClientClosedRequest",service="unknown"} 1`) ||
		strings.Contains(body.String(), `code="InternalFailure"`) {
		t.Fatalf("metrics:\n%s", body.String())
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Fatalf("a disconnect logged as an error:\n%s", logs.String())
	}
}
