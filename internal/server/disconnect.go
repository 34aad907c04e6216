package server

import (
	"errors"
	"net/http"

	"github.com/stsd/stsd/internal/apierr"
)

// StatusClientClosedRequest is the status the request log gives a request
// whose client went away before the answer (nginx's 499): no response is
// written, and it is not a server failure.
const StatusClientClosedRequest = 499

// LabelClientClosed is the Observer's code for such a request, so that
// disconnects are counted apart from the server's own failures.
const LabelClientClosed = "ClientClosedRequest"

// errClientClosed stands for a request whose connection ended before its
// body was read in full.
var errClientClosed = errors.New("server: client closed the connection")

// clientGone reports whether err, the failure of serving r, comes from the
// client having gone rather than from the server: the body ended early, or
// the request's context ended (net/http cancels it when the connection
// closes) and err is no refusal of the client's request. An internal
// failure seen after the client left is most often the cancellation itself
// (a store query cut short), whatever words wrap it.
func clientGone(r *http.Request, err error) bool {
	if errors.Is(err, errClientClosed) {
		return true
	}
	if r.Context().Err() == nil {
		return false
	}
	_, refused := apierr.As(err)
	return !refused
}
