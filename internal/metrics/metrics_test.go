package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("scrape status = %d", w.Code)
	}
	body, err := io.ReadAll(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

func TestObserveRequest(t *testing.T) {
	m := New()
	m.ObserveRequest("sts", "AssumeRole", "OK", 3*time.Millisecond)
	m.ObserveRequest("sts", "AssumeRole", "OK", 40*time.Microsecond)
	m.ObserveRequest("sts", "AssumeRole", "AccessDenied", time.Millisecond)
	m.ObserveRequest("unknown", "unknown", "InvalidClientTokenId", time.Millisecond)

	body := scrape(t, m)
	for _, want := range []string{
		`stsd_requests_total{action="AssumeRole",code="OK",service="sts"} 2`,
		`stsd_requests_total{action="AssumeRole",code="AccessDenied",service="sts"} 1`,
		`stsd_requests_total{action="unknown",code="InvalidClientTokenId",service="unknown"} 1`,
		`stsd_request_duration_seconds_count{action="AssumeRole",service="sts"} 3`,
		// 40 µs falls in the first bucket, 1 ms and 3 ms do not.
		`stsd_request_duration_seconds_bucket{action="AssumeRole",service="sts",le="0.0001"} 1`,
		`stsd_request_duration_seconds_bucket{action="AssumeRole",service="sts",le="0.005"} 3`,
	} {
		if !strings.Contains(body, "\n"+want+"\n") {
			t.Errorf("scrape lacks the line %q", want)
		}
	}
	if !strings.Contains(body, "\ngo_goroutines ") {
		t.Error("scrape lacks the Go runtime's figures")
	}
}

// Two Metrics never share counters: each owns its registry.
func TestMetricsAreIndependent(t *testing.T) {
	a, b := New(), New()
	a.ObserveRequest("iam", "CreateUser", "OK", time.Millisecond)
	if body := scrape(t, b); strings.Contains(body, "CreateUser") {
		t.Fatalf("second registry saw the first one's request:\n%s", body)
	}
}

func BenchmarkObserveRequest(b *testing.B) {
	m := New()
	b.ReportAllocs()
	for b.Loop() {
		m.ObserveRequest("sts", "GetCallerIdentity", "OK", 5*time.Microsecond)
	}
}
