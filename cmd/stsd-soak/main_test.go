//go:build linux

package main

import (
	"errors"
	"net/http"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The soak must refuse a database beyond this machine: it cuts and loads
// what it points at.
func TestLoopbackHost(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://postgres@127.0.0.1:5432/test?sslmode=disable": "127.0.0.1:5432",
		"postgres://u@localhost/db":                               "localhost:5432",
		"postgres://u@[::1]:6000/db":                              "[::1]:6000",
		"postgres://u@db.example.com:5432/db":                     "",
		"postgres://u@10.0.0.5/db":                                "",
		"host=127.0.0.1":                                          "",
	} {
		got, err := loopbackHost(dsn)
		if (err == nil) != (want != "") || got != want {
			t.Errorf("loopbackHost(%q) = %q, %v; want %q", dsn, got, err, want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 200; i++ {
		ds = append(ds, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 100, 99: 198, 100: 200, 0: 1} {
		if got := percentile(ds, p); got != want {
			t.Errorf("p%v = %v; want %v", p, got, want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
}

// classify must tell server answers (with their AWS code and status) from
// requests that got no answer at all.
func TestClassify(t *testing.T) {
	resp := func(status int) *smithyhttp.Response {
		return &smithyhttp.Response{Response: &http.Response{StatusCode: status}}
	}
	apiErr := &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp(503),
		Err: &smithy.GenericAPIError{Code: "ServiceUnavailable"}}}
	if code, status := classify(apiErr); code != "ServiceUnavailable" || status != 503 {
		t.Errorf("classify(503 API error) = %q, %d", code, status)
	}
	bare := &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp(502), Err: errors.New("bad gateway")}}
	if code, status := classify(bare); code != "HTTP502" || status != 502 {
		t.Errorf("classify(bare 502) = %q, %d", code, status)
	}
	if code, status := classify(errors.New("connection refused")); code != "transport" || status != 0 {
		t.Errorf("classify(transport) = %q, %d", code, status)
	}
	if code, status := classify(nil); code != "" || status != 200 {
		t.Errorf("classify(nil) = %q, %d", code, status)
	}
}

// A request counts as inside a chaos window if it overlapped one,
// including the grace period after recovery.
func TestWindowsOverlap(t *testing.T) {
	var w windows
	before := time.Now()
	w.begin()
	if !w.overlaps(before, before) || !w.active() {
		t.Fatal("an open window must cover every request")
	}
	w.end()
	after := time.Now()
	if !w.overlaps(after.Add(chaosGrace/2), after.Add(chaosGrace/2)) {
		t.Error("a request within the grace period is not in the window")
	}
	if w.overlaps(after.Add(2*chaosGrace), after.Add(3*chaosGrace)) {
		t.Error("a request well after the window is in it")
	}
	if w.overlaps(before.Add(-time.Hour), before.Add(-time.Minute)) {
		t.Error("a request before the window is in it")
	}
}
