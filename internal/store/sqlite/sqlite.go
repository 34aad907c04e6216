// Package sqlite is the embedded, single-node store backend: a SQLite file
// opened with the pure-Go modernc.org/sqlite driver (no cgo). All schema
// and queries live in package sqlstore; this package only opens the file
// with the settings SQLite needs.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store/sqlstore"
)

// Store is the SQLite-backed store.Store.
type Store = sqlstore.Store

// busyTimeoutMS is how long a connection waits for another process's lock
// before SQLITE_BUSY; writes in this process are already queued by the
// store, so this only matters for a second process on the same file.
const busyTimeoutMS = 10000

// Dialect returns SQLite's flavour of the shared SQL, for tests and tools
// that open a database themselves (upgrade tests build older schema
// versions with it). A function rather than a package variable so no
// caller can alter it for everyone.
func Dialect() *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name:     "sqlite",
		BlobType: "BLOB",
		// AUTOINCREMENT: a deleted parent's key is never handed to a new
		// row, so nothing that remembered it can mistake one for the other.
		AutoKeyType: "INTEGER PRIMARY KEY AUTOINCREMENT",
		IsUniqueViolation: func(err error) bool {
			return hasCode(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE)
		},
		IsForeignKeyViolation: func(err error) bool { return hasCode(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) },
	}
}

func hasCode(err error, codes ...int) bool {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Code() == c {
			return true
		}
	}
	return false
}

// Open opens (creating if needed) the database file at path, migrates it
// and checks sealer is the master key its secrets were sealed with.
//
// The file is put in WAL mode so readers never wait for the writer, with a
// busy timeout and foreign keys on for every pooled connection. Write
// transactions begin IMMEDIATE: they take the write lock up front instead
// of failing with SQLITE_BUSY when upgrading a read lock.
func Open(ctx context.Context, path string, sealer *seal.Sealer) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return nil, fmt.Errorf("sqlite store: %q is not a plain file path", path)
	}
	// Create the file owner-only before SQLite does (it would use 0644):
	// secrets are sealed, but names, policies and tags are not everyone's
	// to read. The WAL and shm files SQLite creates inherit this mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	f.Close()
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate",
		path, busyTimeoutMS)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	// Keep a few connections warm: each new one re-runs the pragmas.
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite store: opening %s: %w", path, err)
	}
	s, err := sqlstore.New(ctx, db, Dialect(), sealer)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
