package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// Capability states /readyz reports.
const (
	StateOK       = "ok"
	StateDegraded = "degraded"
)

// Probe tells /readyz what the store behind the server can do. The app
// implements it over its store; it is an interface so that a store-level
// notion of freshness (e.g. a cache that follows another node's writes)
// can replace the app's own.
type Probe interface {
	// CheckRead does one cheap read of the store itself (not a cache);
	// nil means reads reach the store.
	CheckRead(ctx context.Context) error
	// WriteErr returns the failure of the last write while it stands
	// (e.g. the data disk is full), nil when writes succeed.
	WriteErr() error
	// Fresh reports whether what authenticates long-term keys (the store
	// or its cache) is within the staleness bound at now.
	Fresh(now time.Time) bool
}

// Readiness is the JSON body of /readyz.
type Readiness struct {
	// Ready is true when long-term keys can be authenticated against data
	// within the staleness bound: the server can do its main job.
	Ready bool `json:"ready"`
	// Capabilities says, for each of sts (issuing and checking
	// credentials), reads (IAM reads from the store) and writes (IAM
	// changes), StateOK or StateDegraded.
	Capabilities Capabilities `json:"capabilities"`
	// Reasons names what is degraded, for the operator; it carries no
	// error text, as /readyz is unauthenticated.
	Reasons []string `json:"reasons,omitempty"`
}

// Capabilities are the states Readiness reports.
type Capabilities struct {
	STS    string `json:"sts"`
	Reads  string `json:"reads"`
	Writes string `json:"writes"`
}

// readProbeTimeout bounds the store read of one /readyz request, so that a
// hung database makes the answer "degraded", not a hung probe.
const readProbeTimeout = 2 * time.Second

// Readiness reports what the server can do now.
func (s *Server) Readiness(ctx context.Context) Readiness {
	rd := Readiness{Ready: true, Capabilities: Capabilities{STS: StateOK, Reads: StateOK, Writes: StateOK}}
	if s.probe == nil {
		return rd
	}
	ctx, cancel := context.WithTimeout(ctx, readProbeTimeout)
	defer cancel()
	if err := s.probe.CheckRead(ctx); err != nil {
		s.log.Warn("readiness: store read failed", "err", err)
		rd.Capabilities.Reads = StateDegraded
		rd.Capabilities.Writes = StateDegraded
		rd.Reasons = append(rd.Reasons, "store unreachable")
	} else if err := s.probe.WriteErr(); err != nil {
		rd.Capabilities.Writes = StateDegraded
		rd.Reasons = append(rd.Reasons, "writes failing: "+writeReason(err))
	}
	if !s.probe.Fresh(s.now()) {
		rd.Capabilities.STS = StateDegraded
		rd.Ready = false
		rd.Reasons = append(rd.Reasons, "data older than the staleness bound")
	}
	return rd
}

// ReasonedError is an error that names, in a few words safe to publish,
// what went wrong (e.g. "data disk full"); /readyz shows that phrase.
type ReasonedError interface {
	error
	Reason() string
}

func writeReason(err error) string {
	if r, ok := err.(ReasonedError); ok {
		return r.Reason()
	}
	return "store error"
}

// serveLive answers /healthz: the process is up and serving HTTP. It
// depends on nothing else, so that an orchestrator restarts stsd only when
// stsd itself is stuck, never because its database is.
func serveLive(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// serveReady answers /readyz with Readiness as JSON: 200 when ready,
// 503 otherwise.
func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	rd := s.Readiness(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !rd.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(rd)
}
