package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// The newcomer's path: start with an empty data directory, read the printed
// key and command line, call GetCallerIdentity with them; then stop with a
// request in flight and see it finish.
func TestServeFirstStartAndGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	env := envOf(map[string]string{"STSD_DATA": filepath.Join(dir, "data")})
	go func() {
		done <- serve(ctx, nil, []string{"--listen", "127.0.0.1:0"}, env, &stdout, &stderr, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}

	out := stdout.String()
	m := regexp.MustCompile(`(?m)^  (AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+) AWS_DEFAULT_REGION=us-east-1 aws sts get-caller-identity --endpoint-url (\S+))$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no ready-to-paste line in:\n%s", out)
	}
	keyID, secret, endpoint := m[2], m[3], m[4]
	if endpoint != "http://"+addr {
		t.Fatalf("endpoint %s, listening on %s", endpoint, addr)
	}
	client := sts.New(sts.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		RetryMaxAttempts: 1,
	})
	id, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:iam::000000000000:root" {
		t.Fatalf("identity %s", aws.ToString(id.Arn))
	}
	if strings.Contains(stderr.String(), secret) {
		t.Fatal("the secret reached the log")
	}

	// A request whose body is still arriving when shutdown begins.
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/", pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	// Expect: 100-continue makes the client wait for the server to read the
	// body; Got100Continue then proves the handler is running.
	req.Header.Set("Expect", "100-continue")
	reading := make(chan struct{})
	req = req.WithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got100Continue: func() { close(reading) },
	}))
	respc := make(chan *http.Response, 1)
	errc := make(chan error, 1)
	go func() {
		tr := &http.Transport{ExpectContinueTimeout: time.Minute}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			errc <- err
			return
		}
		respc <- resp
	}()
	select {
	case <-reading:
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server never started reading the body")
	}
	cancel() // SIGTERM
	// Wait until the server has begun shutting down, then finish the body.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "shutting down") {
		if time.Now().After(deadline) {
			t.Fatal("no shutdown log line")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := pw.Write(body); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	select {
	case resp := <-respc:
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "<Arn>arn:aws:iam::000000000000:root</Arn>") {
			t.Fatalf("in-flight request: %d %s", resp.StatusCode, b)
		}
	case err := <-errc:
		t.Fatalf("in-flight request failed: %v\n%s", err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("in-flight request did not finish")
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	// One log line per request, naming the action and principal.
	if !strings.Contains(stderr.String(), `"action":"GetCallerIdentity","principal":"arn:aws:iam::000000000000:root"`) {
		t.Fatalf("request log line missing:\n%s", stderr.String())
	}
}

func TestServeFlagsAndEnvironment(t *testing.T) {
	env := envOf(map[string]string{
		"STSD_LISTEN":           "0.0.0.0:9000",
		"STSD_DATA":             "/var/lib/stsd",
		"STSD_STORE":            "postgres",
		"STSD_POSTGRES_DSN":     "postgres://x",
		"STSD_BOOTSTRAP":        "/etc/stsd.yaml",
		"STSD_DISABLED_REGIONS": "eu-south-1",
		"STSD_PUBLIC_URL":       "https://sts.example.com",
		"STSD_MAX_STALENESS":    "750ms",

		"STSD_MAX_BODY_BYTES_IN_FLIGHT": "16777216",
		"STSD_MAX_CONNECTIONS":          "300",
		"STSD_ALLOWED_HOSTS":            "auto,sts.internal",

		"STSD_AUTHZ_LISTEN":                 "127.0.0.1:7789",
		"STSD_AUTHZ_ALLOW_UNSIGNED_PAYLOAD": "true",
	})
	o, err := parseServeFlags(nil, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := serveOptions{listen: "0.0.0.0:9000", data: "/var/lib/stsd", store: "postgres", postgresDSN: "postgres://x", bootstrap: "/etc/stsd.yaml", disabledRegions: "eu-south-1", publicURL: "https://sts.example.com", maxStaleness: 750 * time.Millisecond,
		maxBodyBytesInFlight: 16 << 20, maxConnections: 300, allowedHosts: "auto,sts.internal",
		authzListen: "127.0.0.1:7789", authzAllowUnsignedPayload: true}
	if o != want {
		t.Fatalf("from env: %+v", o)
	}
	// A flag wins over the environment.
	o, err = parseServeFlags([]string{"--listen", "127.0.0.1:1", "--data", "d"}, env, io.Discard)
	if err != nil || o.listen != "127.0.0.1:1" || o.data != "d" || o.store != "postgres" {
		t.Fatalf("flag over env: %+v %v", o, err)
	}
	// Defaults of the design's contract.
	o, err = parseServeFlags(nil, envOf(nil), io.Discard)
	if err != nil || o.listen != "127.0.0.1:7788" || o.data != "./stsd-data" || o.store != "sqlite" || o.publicURL != "" || o.maxStaleness != 5*time.Second ||
		o.maxBodyBytesInFlight != 64<<20 || o.maxConnections != 1024 || o.allowedHosts != "" || o.authzListen != "" || o.authzAllowUnsignedPayload {
		t.Fatalf("defaults: %+v %v", o, err)
	}
	for _, bad := range [][]string{{"--max-body-bytes-in-flight", "1048576"}, {"--max-connections", "-1"}, {"--max-connections", "many"}} {
		if _, err := parseServeFlags(bad, envOf(nil), io.Discard); err == nil {
			t.Fatalf("%v accepted", bad)
		}
	}
	if _, err := parseServeFlags(nil, envOf(map[string]string{"STSD_MAX_CONNECTIONS": "x"}), io.Discard); err == nil {
		t.Fatal("malformed STSD_MAX_CONNECTIONS accepted")
	}
	// --max-staleness is refused here, like the other flags, whether given
	// as a flag or in the environment.
	for _, v := range []string{"5", "soon", "-1s", "0s", "99ms"} {
		_, err := parseServeFlags([]string{"--max-staleness", v}, envOf(nil), io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), "--max-staleness ") {
			t.Errorf("--max-staleness %s: err = %v", v, err)
		}
		_, err = parseServeFlags(nil, envOf(map[string]string{"STSD_MAX_STALENESS": v}), io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), "--max-staleness ") {
			t.Errorf("STSD_MAX_STALENESS=%s: err = %v", v, err)
		}
	}
	if o, err := parseServeFlags([]string{"--max-staleness", "100ms"}, envOf(nil), io.Discard); err != nil || o.maxStaleness != 100*time.Millisecond {
		t.Errorf("--max-staleness 100ms: %v, %v", o.maxStaleness, err)
	}
	if _, err := parseServeFlags(nil, envOf(map[string]string{"STSD_AUTHZ_ALLOW_UNSIGNED_PAYLOAD": "maybe"}), io.Discard); err == nil {
		t.Fatal("malformed STSD_AUTHZ_ALLOW_UNSIGNED_PAYLOAD accepted")
	}
	if _, err := parseServeFlags([]string{"--nope"}, envOf(nil), io.Discard); err == nil {
		t.Fatal("unknown flag accepted")
	}
	if _, err := parseServeFlags([]string{"extra"}, envOf(nil), io.Discard); err == nil {
		t.Fatal("stray argument accepted")
	}
}

func TestParseRegions(t *testing.T) {
	got, err := parseRegions(" eu-south-1, ap-east-1 ,,")
	if err != nil || len(got) != 2 || got[0] != "eu-south-1" || got[1] != "ap-east-1" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := parseRegions("us-east-1"); err == nil {
		t.Fatal("us-east-1 accepted: AWS cannot deactivate STS there")
	}
}

func TestRunCommands(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, envOf(nil), &out, &errb); code != 2 {
		t.Fatalf("no command: exit %d", code)
	}
	if code := run([]string{"bogus"}, envOf(nil), &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "bogus"`) {
		t.Fatalf("unknown command: exit %d, %s", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"help"}, envOf(nil), &out, &errb); code != 0 || !strings.Contains(out.String(), "serve") {
		t.Fatalf("help: exit %d, %s", code, out.String())
	}
}

// A malformed bootstrap file stops start-up with the file, line and field.
func TestServeRefusesMalformedBootstrap(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "boot.yaml")
	if err := writeTestFile(bad, "accounts:\n  - id: \"12\"\n"); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	err := serve(context.Background(), nil, []string{"--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--bootstrap", bad}, envOf(nil), &stdout, &stderr, nil)
	if err == nil || !strings.Contains(err.Error(), "boot.yaml:2:") || !strings.Contains(err.Error(), "accounts[0].id") {
		t.Fatalf("err = %v", err)
	}
}

func TestFirstStartDoesNotEchoSuppliedSecret(t *testing.T) {
	var out bytes.Buffer
	printFirstStart(&out, &app.RootKey{AccountID: "000000000000", AccessKeyID: "AKIAEXAMPLE000000001", SecretAccessKey: "supplied-secret", Supplied: true}, "http://127.0.0.1:7788")
	if strings.Contains(out.String(), "supplied-secret") || !strings.Contains(out.String(), `AWS_SECRET_ACCESS_KEY="$STSD_ROOT_SECRET_ACCESS_KEY"`) {
		t.Fatalf("output:\n%s", out.String())
	}
}

// A --max-staleness that is not a duration, or too short to poll within,
// stops start-up before anything listens or is created.
func TestServeRefusesBadMaxStaleness(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	for _, v := range []string{"5", "soon", "-1s", "0s", "99ms"} {
		var stdout, stderr bytes.Buffer
		env := envOf(map[string]string{"STSD_DATA": dir, "STSD_MAX_STALENESS": v})
		err := serve(context.Background(), nil, []string{"--listen", "127.0.0.1:0"}, env, &stdout, &stderr, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "--max-staleness ") {
			t.Fatalf("%s: err = %v", v, err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("%s: the data directory was created", v)
		}
	}
}

func TestParseAllowedHosts(t *testing.T) {
	got, err := parseAllowedHosts("auto, STS.internal:8443", "https://STS.example.com", "127.0.0.1:7788")
	want := []string{"sts.example.com", "127.0.0.1:7788", "sts.example.com", "sts.example.com:443", "sts.internal:8443"}
	if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %q %v, want %q", got, err, want)
	}
	got, _ = parseAllowedHosts("auto", "http://10.0.0.1:7788/stsd", "0.0.0.0:7788")
	if strings.Join(got, " ") != "10.0.0.1:7788 0.0.0.0:7788" {
		t.Fatalf("non-default port: %q", got)
	}
	if got, _ := parseAllowedHosts("", "http://x", "y"); got != nil {
		t.Fatalf("empty: %q", got)
	}
	if _, err := parseAllowedHosts("https://x/", "http://x", "y"); err == nil {
		t.Fatal("a URL accepted as a host")
	}
}

// --authz-listen starts the ext_authz check on a second listener: it
// answers there, and the main endpoint does not serve it.
func TestServeAuthzListen(t *testing.T) {
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 2)
	done := make(chan error, 1)
	env := envOf(map[string]string{"STSD_DATA": filepath.Join(t.TempDir(), "data")})
	go func() {
		done <- serve(ctx, nil, []string{"--listen", "127.0.0.1:0", "--authz-listen", "127.0.0.1:0"}, env, &stdout, &stderr, ready)
	}()
	var addrs []string
	for len(addrs) < 2 {
		select {
		case a := <-ready:
			addrs = append(addrs, a)
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, stderr.String())
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not start")
		}
	}
	get := func(url string) int {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("http://" + addrs[1] + "/healthz"); s != http.StatusOK {
		t.Fatalf("check listener /healthz: %d", s)
	}
	if s := get("http://" + addrs[1] + "/ext-authz/api/stage/x"); s != http.StatusUnauthorized {
		t.Fatalf("check listener, unsigned: %d, want 401", s)
	}
	if s := get("http://" + addrs[0] + "/ext-authz/api/stage/x"); s == http.StatusUnauthorized || s == http.StatusOK {
		t.Fatalf("main endpoint answered the check: %d", s)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
