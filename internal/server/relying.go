package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/sigv4"
)

// Paths of the relying-party API that Config.RelyingParty answers, and the
// labels its requests carry in the request log and metrics: the service
// name relying parties sign for and the operation the path names.
const (
	VerifyPath          = "/v1/verify"
	AuthorizePath       = "/v1/authorize"
	RelyingPartyService = "stsd"
)

// ErrorTypeHeader names the code of a JSON error answer, as AWS's JSON
// protocols send it; the relying-party handler sets it on every refusal, and
// the request log and metrics read it back.
const ErrorTypeHeader = "X-Amzn-Errortype"

// relyingPartyOp is the operation label of a relying-party path, "" for any
// other path.
func relyingPartyOp(path string) string {
	switch path {
	case VerifyPath:
		return "Verify"
	case AuthorizePath:
		return "Authorize"
	}
	return ""
}

// serveRelyingParty hands a relying-party call to Config.RelyingParty with
// its body already read within MaxBodyBytes and the in-flight budget, as
// every other request's is, and records the answer's status and code.
func (s *Server) serveRelyingParty(w http.ResponseWriter, r *http.Request, rec *record) error {
	rec.json = true
	rec.service, rec.op = RelyingPartyService, relyingPartyOp(r.URL.Path)
	rec.action = rec.op
	if r.Method != http.MethodPost {
		return &apierr.Error{Code: codeMethodNotAllowed, Message: "The requested method is not allowed for this resource.", HTTPStatus: http.StatusMethodNotAllowed}
	}
	if s.hosts != nil && !s.hosts[strings.ToLower(r.Host)] {
		// As for STS and IAM: a call signed for another host is not one
		// for this endpoint (the handler verifies the signature itself,
		// after this).
		return apierr.New(apierr.SignatureDoesNotMatch, sigv4.MsgSignatureDoesNotMatch)
	}
	body, release, err := s.readBody(r)
	if err != nil {
		return err
	}
	defer release()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	w.Header()["X-Amzn-Requestid"] = []string{rec.requestID}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.relying.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), callerKey{}, rec)))
	rec.status = sw.status
	if sw.status >= http.StatusBadRequest {
		rec.errCode = w.Header().Get(ErrorTypeHeader)
		if rec.errCode == "" {
			rec.errCode = LabelUnknown
		}
	}
	return nil
}

// callerKey carries a relying-party call's record in its context, for
// NoteCaller.
type callerKey struct{}

// NoteCaller tells the request log who made the relying-party call whose
// context ctx is, once the handler has verified it: the same principal and
// region fields every other request's log line has. Outside such a call it
// does nothing.
func NoteCaller(ctx context.Context, principalARN, region string) {
	if rec, ok := ctx.Value(callerKey{}).(*record); ok {
		rec.principal, rec.region = principalARN, region
	}
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// writeJSONError answers a refusal the server makes before the
// relying-party handler runs (body too large, method, no room in the body
// budget) in that API's form: {"code","message"}.
func writeJSONError(w http.ResponseWriter, rec *record, err error) {
	code, msg := apierr.InternalFailure, "We encountered an internal error. Please try again."
	if e, ok := apierr.As(err); ok {
		code, msg = e.Code, e.Message
	}
	body, _ := json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{code, msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h[ErrorTypeHeader] = []string{code}
	h["X-Amzn-Requestid"] = []string{rec.requestID}
	w.WriteHeader(rec.status)
	_, _ = w.Write(body)
}
