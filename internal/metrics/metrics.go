// Package metrics keeps stsd's operational figures (requests by operation and
// outcome, their latency, the Go runtime's own figures) and serves them in the
// Prometheus text format.
//
// Each Metrics value owns its registry, so two servers in one process (as in
// the tests) never share counters, and nothing is registered globally.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// latencyBuckets span the hot path (a few microseconds server-side) to slow
// store writes and federation key fetches (seconds).
var latencyBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
}

// Metrics records request outcomes and serves them.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New returns Metrics with its own registry holding the request metrics and
// the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stsd_requests_total",
			Help: "STS and IAM requests served, by service, operation and outcome (OK or the AWS error code).",
		}, []string{"service", "action", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stsd_request_duration_seconds",
			Help:    "Time from reading a request to writing its response, by service and operation.",
			Buckets: latencyBuckets,
		}, []string{"service", "action"}),
	}
	m.registry.MustRegister(
		m.requests,
		m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// ObserveRequest counts one request. service and action must come from a
// bounded set (the models' names, or server.LabelUnknown); code is
// server.LabelOK or an AWS error code.
func (m *Metrics) ObserveRequest(service, action, code string, latency time.Duration) {
	m.requests.WithLabelValues(service, action, code).Inc()
	m.latency.WithLabelValues(service, action).Observe(latency.Seconds())
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
