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
