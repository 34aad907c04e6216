package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkRelyingParty measures, in one run and on one stsd, what a
// relying party costs against what STS costs: GetCallerIdentity; POST
// /v1/verify and /v1/authorize (the relying party's signature verified and
// authorized, then the forwarded request's); and the ext_authz check
// (verify and execute-api:Invoke in one). Each serves one signed request
// b.N times in process, as BenchmarkGetCallerIdentity does.
func BenchmarkRelyingParty(b *testing.B) {
	h := start(b, withBootstrap(b, fmt.Sprintf(relyingBootstrap, "127.0.0.1:1")))
	rp, alice := rpKeys["rp"], rpKeys["alice"]
	now := h.clock.Now()
	sign := func(r *http.Request, keys [2]string, body []byte, svc string) {
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keys[0], SecretAccessKey: keys[1]}, r, hex.EncodeToString(sum[:]), svc, "us-east-1", now); err != nil {
			b.Fatal(err)
		}
	}
	// The request alice sends the protected service, as forwarded.
	orig, _ := http.NewRequest("GET", "https://api.example/pets/1", nil)
	orig.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	sign(orig, alice, nil, "execute-api")
	headers := map[string][]string{"Host": {"api.example"}}
	for k, v := range orig.Header {
		headers[k] = v
	}
	fields := map[string]any{"method": "GET", "url": "/pets/1", "headers": headers}
	verifyBody, _ := json.Marshal(fields)
	fields["action"], fields["resource"] = "execute-api:Invoke", "arn:aws:execute-api:us-east-1:111111111111:api1/prod/GET/pets/1"
	authorizeBody, _ := json.Marshal(fields)

	apiCall := func(path string, body []byte) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:7788"+path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		sign(r, rp, body, "stsd")
		return r
	}
	gci := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	gciReq, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:7788/", bytes.NewReader(gci))
	gciReq.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sign(gciReq, [2]string{rootKeyID, rootSecret}, gci, "sts")

	check, _ := http.NewRequest("GET", "http://127.0.0.1:7789/ext-authz/api1/prod/pets/1", nil)
	check.Header, check.Host = orig.Header, "api.example"

	for _, bc := range []struct {
		name    string
		handler http.Handler
		r       *http.Request
		body    []byte
	}{
		{"GetCallerIdentity", h.app.Handler, gciReq, gci},
		{"Verify", h.app.Handler, apiCall("/v1/verify", verifyBody), verifyBody},
		{"Authorize", h.app.Handler, apiCall("/v1/authorize", authorizeBody), authorizeBody},
		{"ExtAuthz", h.app.ExtAuthz, check, nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			serveRepeatedly(b, bc.handler, bc.r, bc.body)
		})
	}
}

// serveRepeatedly serves r, whose body is body, b.N times and fails on
// any answer but 200.
func serveRepeatedly(b *testing.B, h http.Handler, r *http.Request, body []byte) {
	r.RemoteAddr = "127.0.0.1:40000"
	r.RequestURI = r.URL.RequestURI()
	if len(body) > 0 {
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w := &discardWriter{h: http.Header{}}
	rd := bytes.NewReader(body)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd.Reset(body)
		r.Body = io.NopCloser(rd)
		r.ContentLength = int64(len(body))
		w.status = 0
		clear(w.h)
		h.ServeHTTP(w, r)
		if w.status != 0 && w.status != http.StatusOK {
			b.Fatalf("status %d: %s", w.status, w.body.String())
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
