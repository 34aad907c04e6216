package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/app"
)

// clock is a settable clock so tests move time without sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is one running stsd behind a loopback HTTP server.
type harness struct {
	t     testing.TB
	dir   string
	app   *app.App
	srv   *httptest.Server
	clock *clock
	cfg   app.Config
}

const (
	rootKeyID  = "AKIAROOTEXAMPLE00001"
	rootSecret = "rootSecretKeyExampleAAAAAAAAAAAAAAAAAAAA"
)

func start(t testing.TB, mutate func(*app.Config)) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), clock: &clock{now: time.Now().UTC()}}
	h.cfg = app.Config{
		DataDir:             filepath.Join(h.dir, "data"),
		RootAccessKeyID:     rootKeyID,
		RootSecretAccessKey: rootSecret,
		Now:                 h.clock.Now,
	}
	if mutate != nil {
		mutate(&h.cfg)
	}
	h.open()
	return h
}

func (h *harness) open() {
	h.t.Helper()
	// The listener comes first: unless a test names a public URL, it is
	// the server's own, which outbound issuer URLs are built from.
	srv := httptest.NewUnstartedServer(nil)
	cfg := h.cfg
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + srv.Listener.Addr().String()
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		srv.Close()
		h.t.Fatalf("app.Open: %v", err)
	}
	h.app = a
	srv.Config.Handler = a.Handler
	srv.Start()
	h.srv = srv
	h.t.Cleanup(h.close)
}

func (h *harness) close() {
	if h.srv != nil {
		h.srv.Close()
		h.srv = nil
	}
	if h.app != nil {
		_ = h.app.Close()
		h.app = nil
	}
}

// restart stops the server and starts a new one on the same data directory.
func (h *harness) restart() {
	h.t.Helper()
	h.close()
	h.open()
}

// stsClient returns a real SDK STS client signing with the given keys.
func (h *harness) stsClient(keyID, secret, token string, opts ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(h.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, token),
		// No retries of server answers: tests must see the first one.
		Retryer:    transportRetryer(),
		HTTPClient: testHTTPClient(),
	}, opts...)
}

// iamClient returns a real SDK IAM client signing with the given keys.
func (h *harness) iamClient(keyID, secret, token string) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(h.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, token),
		Retryer:      transportRetryer(),
		HTTPClient:   testHTTPClient(),
	})
}

// testHTTPClient is the SDK's HTTP client without keep-alive: each request
// gets a connection of its own, so net/http never reads a response on a
// reused connection it is closing (aws/aws-sdk-go-v2#2737), which would
// make the client resend a request the server already carried out (a
// CreateRole sent twice answers EntityAlreadyExists).
func testHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) { t.DisableKeepAlives = true })
}

// keyIAM returns an IAM client signing with who's long-term key in keys
// (name → access key id and secret, as a test's bootstrap file gives them).
func (h *harness) keyIAM(keys map[string][2]string, who string) *iam.Client {
	k, ok := keys[who]
	if !ok {
		h.t.Fatalf("no keys for %s", who)
	}
	return h.iamClient(k[0], k[1], "")
}

// rootIAM is an IAM client of the default account's root.
func (h *harness) rootIAM() *iam.Client { return h.iamClient(rootKeyID, rootSecret, "") }

// apiError asserts err is an AWS API error with the given code, message
// (prefix) and HTTP status.
func apiError(t *testing.T, err error, code, msgPrefix string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("code = %q (%s), want %q", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if !strings.HasPrefix(ae.ErrorMessage(), msgPrefix) {
		t.Fatalf("message = %q, want prefix %q", ae.ErrorMessage(), msgPrefix)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("HTTP status = %d, want %d", re.HTTPStatusCode(), status)
	}
	if re.ServiceRequestID() == "" {
		t.Fatalf("no request id in %v", err)
	}
}

func writeFile(t testing.TB, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHealthz(t *testing.T) {
	h := start(t, nil)
	resp, err := http.Get(h.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz = %d", resp.StatusCode)
	}
}
