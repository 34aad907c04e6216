package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestIsDiskFull classifies a real SQLITE_FULL: a database capped with
// max_page_count fails an insert past the cap exactly as a full disk does
// ("database or disk is full"), without needing a full file system.
func TestIsDiskFull(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the pragma is per connection
	for _, q := range []string{`CREATE TABLE t (b BLOB)`, `PRAGMA max_page_count = 8`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var full error
	for i := 0; i < 100 && full == nil; i++ {
		_, full = db.ExecContext(ctx, `INSERT INTO t VALUES (zeroblob(4096))`)
	}
	if full == nil {
		t.Fatal("the capped database never filled up")
	}
	wrapped := fmt.Errorf("sqlite store: commit: %w", full)
	if !isDiskFull(wrapped) {
		t.Fatalf("SQLITE_FULL not recognised: %v", full)
	}
	for _, err := range []error{
		fmt.Errorf("write: %w", syscall.ENOSPC),
		fmt.Errorf("postgres store: %w", &pgconn.PgError{Code: "53100", Message: "could not extend file"}),
	} {
		if !isDiskFull(err) {
			t.Errorf("not recognised: %v", err)
		}
	}
	for _, err := range []error{nil, errors.New("constraint failed"), &pgconn.PgError{Code: "23505"}, context.Canceled} {
		if isDiskFull(err) {
			t.Errorf("wrongly taken for a full disk: %v", err)
		}
	}
}
