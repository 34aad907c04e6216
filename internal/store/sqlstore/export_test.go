package sqlstore

import (
	"context"
	"database/sql"
)

// MigrateTo brings db to schema version n only, so upgrade tests outside
// the package can write a database as an older release left it.
func MigrateTo(ctx context.Context, db *sql.DB, d *Dialect, n int) error {
	return migrateSteps(ctx, db, d, migrations[:n])
}

// Rebind is Dialect.rebind, for raw statements of such tests.
func (d *Dialect) Rebind(q string) string { return d.rebind(q) }

// The associated data secrets are sealed with, for seeding raw rows.
var (
	AADAccessKey         = aadAccessKey
	AADMFA               = aadMFA
	AADServiceCredential = aadServiceCredential
	AADTokenKey          = aadTokenKey
	AADOutboundKey       = aadOutboundKey
)
