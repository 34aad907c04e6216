package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrate brings the schema to the newest version, one step per
// transaction, so a crash mid-way leaves a consistent numbered version and
// the next start resumes from it.
//
// Several nodes may start on one database at once. Each transaction takes
// the dialect's migration lock before anything else and only then reads the
// version, so a node that waited sees the steps the other applied instead
// of applying them again (or racing it to create schema_migrations).
func migrate(ctx context.Context, db *sql.DB, d *Dialect) error {
	return migrateSteps(ctx, db, d, migrations)
}

// migrateSteps is migrate with the list of steps given, so tests can build
// a database of an older version.
func migrateSteps(ctx context.Context, db *sql.DB, d *Dialect, steps [][]string) error {
	for {
		applied, err := migrateNext(ctx, db, d, steps)
		if err != nil {
			return err
		}
		if applied == 0 {
			return nil
		}
	}
}

// migrateNext applies the first pending step, if any, and returns its
// version (0 when the schema is up to date).
func migrateNext(ctx context.Context, db *sql.DB, d *Dialect, steps [][]string) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("schema migration: begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	if d.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, d.MigrationLock); err != nil {
			return 0, fmt.Errorf("schema migration: taking the migration lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, d.ddl(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY,
		applied_at TEXT NOT NULL)`)); err != nil {
		return 0, fmt.Errorf("creating schema_migrations: %w", err)
	}
	var current int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	if current > int64(len(steps)) {
		return 0, fmt.Errorf("database schema version %d is newer than this binary knows (%d); run a newer stsd", current, len(steps))
	}
	if current == int64(len(steps)) {
		return 0, tx.Commit()
	}
	v := current + 1
	for _, stmt := range steps[v-1] {
		if _, err := tx.ExecContext(ctx, d.ddl(stmt)); err != nil {
			return 0, fmt.Errorf("schema migration %d: %w", v, err)
		}
	}
	if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`),
		v, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return 0, fmt.Errorf("schema migration %d: %w", v, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("schema migration %d: commit: %w", v, err)
	}
	return v, nil
}

// SchemaVersion is the number of migration steps this binary knows; a fully
// migrated database records it as its highest schema_migrations version.
func SchemaVersion() int { return len(migrations) }
