package saml

import (
	"encoding/base64"
	"errors"
	"testing"
)

func expectKind(t *testing.T, err error, kind Kind) {
	t.Helper()
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("want refusal of kind %d, got %v", kind, err)
	}
	if se.Kind != kind {
		t.Fatalf("kind %d (%s), want %d", se.Kind, se.Reason, kind)
	}
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
