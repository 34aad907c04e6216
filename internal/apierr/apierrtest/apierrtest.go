// Package apierrtest checks refusals in the tests of the services that
// give them, called directly: the code, the message and the HTTP status
// the wire would answer with, so a package's test asserts what the
// end-to-end tests in internal/app assert through the AWS SDK.
package apierrtest

import (
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/awsquery"
)

// Want asserts err is the AWS error code whose message starts with
// msgPrefix and which svc's endpoint answers with HTTP status: the error's
// own status if it sets one, else the one awsquery takes from svc's model
// for the code.
func Want(t testing.TB, svc *apimodel.Service, err error, code, msgPrefix string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	e, ok := apierr.As(err)
	if !ok {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if e.Code != code {
		t.Fatalf("code = %q (%s), want %q", e.Code, e.Message, code)
	}
	if !strings.HasPrefix(e.Message, msgPrefix) {
		t.Fatalf("message = %q, want prefix %q", e.Message, msgPrefix)
	}
	got := e.HTTPStatus
	if got == 0 {
		got, _ = awsquery.Status(svc, e.Code)
	}
	if got != status {
		t.Fatalf("HTTP status = %d, want %d", got, status)
	}
}
