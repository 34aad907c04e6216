// Package postgres is the shared store backend: several stsd nodes use one
// PostgreSQL database through the pgx driver. All schema and queries live in
// package sqlstore; this package supplies PostgreSQL's dialect and opens the
// connection pool.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store/sqlstore"
)

// Store is the PostgreSQL-backed store.Store.
type Store = sqlstore.Store

// PostgreSQL error codes (SQLSTATE) the dialect classifies.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// Pool limits. Reads are single short queries and writes run one at a time
// per node, so a modest pool serves a node well and keeps many nodes within
// the server's max_connections (100 by default).
const (
	maxOpenConns    = 16
	maxIdleConns    = 8
	connMaxIdleTime = 5 * time.Minute
	// connMaxLifetime lets connections move to a new server after a
	// fail-over instead of holding the old address for ever.
	connMaxLifetime = time.Hour
)

// migrationLock serialises schema migrations across nodes. The advisory
// lock is keyed by the schema too, so databases holding several stsd
// schemas (test runs, staging beside production) do not wait on each
// other; being transaction-level, it is released by the commit or by the
// server if the node dies mid-migration.
const migrationLock = `SELECT pg_advisory_xact_lock(hashtext('stsd schema migrations'), hashtext(COALESCE(current_schema(), '')))`

// dialect returns PostgreSQL's flavour of the shared SQL. A function rather
// than a package variable so no caller can alter it for everyone.
func dialect() *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name:                  "postgres",
		BlobType:              "BYTEA",
		TextType:              `TEXT COLLATE "C"`,
		NumberedPlaceholders:  true,
		MigrationLock:         migrationLock,
		IsUniqueViolation:     func(err error) bool { return hasCode(err, codeUniqueViolation) },
		IsForeignKeyViolation: func(err error) bool { return hasCode(err, codeForeignKeyViolation) },
	}
}

func hasCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}

// Open connects to the database dsn names (a postgres:// URL or key=value
// string, as libpq accepts), migrates it and checks sealer is the master key
// its secrets were sealed with. Unknown DSN parameters are sent to the
// server as settings, so "search_path=stsd" puts stsd in its own schema.
func Open(ctx context.Context, dsn string, sealer *seal.Sealer) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("postgres store: no connection string (DSN) given")
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx leaves the password out of its parse errors.
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	db.SetConnMaxLifetime(connMaxLifetime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres store: connecting to %s: %w", where(cfg), err)
	}
	s, err := sqlstore.New(ctx, db, dialect(), sealer)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// where names the server and database for error messages, without the
// credentials a DSN may carry.
func where(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}
