package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Fetch limits. A discovery document is a few kilobytes and a key set of a
// few RSA keys a few kilobytes more; the bounds leave room for large
// providers and match the inline-JWKS bound of the bootstrap file.
const (
	maxDiscoveryBytes = 64 << 10
	maxJWKSBytes      = 256 << 10
	fetchTimeout      = 5 * time.Second
	clientTimeout     = 10 * time.Second
	maxRedirects      = 3
)

// IssuerHostPath checks an issuer URL and returns it without its scheme —
// HOST[:PORT][/PATH] — the text that names the provider in its ARN and in
// condition keys. Issuers must be https, except on loopback hosts
// (127.0.0.0/8, ::1, localhost), where plain http is allowed for a local
// IdP; a query, fragment or user info is refused (OIDC Discovery 1.0
// section 2: "a case-sensitive URL using the https scheme that contains
// scheme, host, and optionally, port number and path components and no
// query or fragment components").
func IssuerHostPath(issuer string) (string, bool) {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(issuer, "?#") {
		return "", false
	}
	if !allowedURL(u) || !strings.EqualFold(issuer[:len(u.Scheme)+3], u.Scheme+"://") {
		return "", false
	}
	return issuer[len(u.Scheme)+3:], true
}

// allowedFetch is the rule for jwks_uri and redirect targets reached from
// an issuer: the scheme rule of allowedURL, and a loopback host only for a
// loopback issuer. A discovery document or redirect from a remote IdP must
// not make stsd send requests to services listening on its own host.
func allowedFetch(u *url.URL, issuerLoopback bool) bool {
	return allowedURL(u) && (issuerLoopback || !isLocal(u.Hostname()))
}

// isLocal reports a host that reaches this machine: a loopback name or
// address, or the unspecified address (connecting to 0.0.0.0 or :: reaches
// the local host).
func isLocal(host string) bool {
	ip := net.ParseIP(host)
	return isLoopback(host) || ip != nil && ip.IsUnspecified()
}

// allowedURL is the scheme rule for issuers.
func allowedURL(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return u.Host != ""
	case "http":
		return isLoopback(u.Hostname())
	}
	return false
}

func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// defaultClient is used when the configuration gives none.
func defaultClient() *http.Client {
	return &http.Client{
		Timeout: clientTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return errors.New("too many redirects")
			}
			if !allowedFetch(req.URL, isLoopback(via[0].URL.Hostname())) {
				return fmt.Errorf("redirect to %s is not allowed", req.URL.Redacted())
			}
			return nil
		},
	}
}

// fetchKeys runs discovery on issuer and fetches its key set.
func (v *Verifier) fetchKeys(ctx context.Context, issuer string) (*keySet, error) {
	// One caller's disconnect must not fail a fetch others wait for.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	body, err := v.get(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", maxDiscoveryBytes)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &disc); err != nil {
		return nil, refuse(CodeInvalidIdentityToken, msgNoKey)
	}
	// "The issuer value returned MUST be identical to the Issuer URL that
	// was used as the prefix to /.well-known/openid-configuration" (OIDC
	// Discovery 1.0 section 4.3); a trailing slash is tolerated.
	if strings.TrimSuffix(disc.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return nil, refuse(CodeInvalidIdentityToken, msgNoKey)
	}
	ju, err := url.Parse(disc.JWKSURI)
	iu, err2 := url.Parse(issuer)
	if err != nil || err2 != nil || !ju.IsAbs() || !allowedFetch(ju, isLoopback(iu.Hostname())) {
		return nil, refuse(CodeInvalidIdentityToken, msgNoKey)
	}
	body, err = v.get(ctx, ju.String(), maxJWKSBytes)
	if err != nil {
		return nil, err
	}
	ks, err := parseKeySet(body)
	if err != nil {
		return nil, refuse(CodeInvalidIdentityToken, msgNoKey)
	}
	return ks, nil
}

// get fetches a JSON document of at most limit bytes. An unreachable or
// failing (5xx) provider is IDPCommunicationError; any other bad answer
// means the key cannot be retrieved (InvalidIdentityToken).
func (v *Verifier) get(ctx context.Context, target string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, refuse(CodeInvalidIdentityToken, msgNoKey)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, refuse(CodeIDPCommunicationError, msgIDPUnreachable)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return nil, refuse(CodeIDPCommunicationError, msgIDPUnreachable)
	case resp.StatusCode != http.StatusOK:
		return nil, refuse(CodeInvalidIdentityToken, msgNoKey)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, refuse(CodeIDPCommunicationError, msgIDPUnreachable)
	}
	if int64(len(body)) > limit {
		return nil, refuse(CodeInvalidIdentityToken, msgNoKey)
	}
	return body, nil
}
