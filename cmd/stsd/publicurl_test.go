package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// serveForTest starts "stsd serve" with args on a fresh data directory and
// returns the bound address and the printed root key; the server stops when
// the test ends.
func serveForTest(t *testing.T, args ...string) (addr, keyID, secret string) {
	t.Helper()
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	env := envOf(map[string]string{"STSD_DATA": filepath.Join(t.TempDir(), "data")})
	go func() { done <- serve(ctx, nil, args, env, &stdout, &stderr, ready) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case addr = <-ready:
	case err := <-done:
		done <- err
		t.Fatalf("serve ended: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	m := regexp.MustCompile(`(?m)^  AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+) `).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no root key printed:\n%s", stdout.String())
	}
	return addr, m[1], m[2]
}

// enableIssuer enables outbound federation as the root and returns the
// issuer URL.
func enableIssuer(t *testing.T, addr, keyID, secret string) string {
	t.Helper()
	c := iam.New(iam.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String("http://" + addr),
		Credentials:      credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		RetryMaxAttempts: 1,
	})
	out, err := c.EnableOutboundWebIdentityFederation(context.Background(), &iam.EnableOutboundWebIdentityFederationInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.IssuerIdentifier)
}

// discoveryIssuer fetches the discovery document of the issuer with id
// from stsd at addr and returns its issuer.
func discoveryIssuer(t *testing.T, addr, id string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/outbound/" + id + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct {
		Issuer string `json:"issuer"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery: %d %v", resp.StatusCode, err)
	}
	return d.Issuer
}

// Without --public-url, issuer URLs use the address actually bound, so a
// random port (--listen 127.0.0.1:0) yields working issuer URLs.
func TestServePublicURLDefault(t *testing.T) {
	addr, keyID, secret := serveForTest(t, "--listen", "127.0.0.1:0")
	issuer := enableIssuer(t, addr, keyID, secret)
	id, ok := strings.CutPrefix(issuer, "http://"+addr+"/outbound/")
	if !ok || id == "" {
		t.Fatalf("issuer %q is not under http://%s/outbound/", issuer, addr)
	}
	if got := discoveryIssuer(t, addr, id); got != issuer {
		t.Fatalf("discovery issuer %q, want %q", got, issuer)
	}
}

// --public-url names the base of issuer URLs, trailing slash dropped.
func TestServePublicURLFlag(t *testing.T) {
	addr, keyID, secret := serveForTest(t, "--listen", "127.0.0.1:0", "--public-url", "https://sts.example.com/stsd/")
	issuer := enableIssuer(t, addr, keyID, secret)
	id, ok := strings.CutPrefix(issuer, "https://sts.example.com/stsd/outbound/")
	if !ok || id == "" {
		t.Fatalf("issuer %q is not under the public URL", issuer)
	}
	if got := discoveryIssuer(t, addr, id); got != issuer {
		t.Fatalf("discovery issuer %q, want %q", got, issuer)
	}
}

// A bad public URL stops start-up before anything listens or is created.
func TestServeRefusesBadPublicURL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	for _, u := range []string{"sts.example.com", "ftp://sts.example.com", "https://sts.example.com/?a=b", "https://user:pw@sts.example.com"} {
		var stdout, stderr syncBuffer
		env := envOf(map[string]string{"STSD_DATA": dir, "STSD_PUBLIC_URL": u})
		err := serve(context.Background(), nil, []string{"--listen", "127.0.0.1:0"}, env, &stdout, &stderr, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "--public-url: ") {
			t.Fatalf("%s: err = %v", u, err)
		}
		if stdout.String() != "" {
			t.Fatalf("%s: started anyway:\n%s", u, stdout.String())
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("%s: the data directory was created", u)
		}
	}
}
