package postgres

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestConnectionLost pins which errors make Update begin again on another
// connection: only those saying the connection is gone, never a statement's
// own failure or the caller giving up.
func TestConnectionLost(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Severity: "FATAL", Code: codeAdminShutdown}, true},
		{fmt.Errorf("begin: %w", &pgconn.PgError{Severity: "FATAL", Code: codeCrashShutdown}), true},
		{&pgconn.PgError{Code: "08006"}, true},
		{fmt.Errorf("begin: %w", io.ErrUnexpectedEOF), true},
		{&pgconn.PgError{Code: codeUniqueViolation}, false},
		{&pgconn.PgError{Code: "40001"}, false},
		{&pgconn.PgError{Code: "57014"}, false}, // query_canceled
		{context.Canceled, false},
		{fmt.Errorf("begin: %w", context.DeadlineExceeded), false},
	} {
		if got := connectionLost(c.err); got != c.want {
			t.Errorf("connectionLost(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// TestUnreachable pins which errors the server answers ServiceUnavailable:
// a connection that could not be made (a real one, to a port nothing
// listens on) or was lost, never a statement's own failure.
func TestUnreachable(t *testing.T) {
	_, dialErr := pgconn.Connect(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if dialErr == nil {
		t.Fatal("connecting to port 1 succeeded")
	}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("postgres store: role r: %w", dialErr), true},
		{fmt.Errorf("begin: %w", io.ErrUnexpectedEOF), true},
		{&pgconn.PgError{Severity: "FATAL", Code: codeAdminShutdown}, true},
		{&pgconn.PgError{Code: codeUniqueViolation}, false},
		{context.Canceled, false},
	} {
		if got := Unreachable(c.err); got != c.want {
			t.Errorf("Unreachable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
