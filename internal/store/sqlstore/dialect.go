// Package sqlstore is the SQL core shared by the database-backed stores
// (store/sqlite today, PostgreSQL later): schema, migrations and every query,
// written in portable SQL against database/sql. A backend supplies only an
// opened *sql.DB and a Dialect describing the few places databases differ.
package sqlstore

import "strings"

// Dialect describes how one database differs from the portable SQL this
// package writes: the binary column type, placeholder syntax and how to
// recognise constraint violations in driver errors.
type Dialect struct {
	// Name is used in error messages ("sqlite", "postgres").
	Name string
	// BlobType is the column type for binary data: BLOB, BYTEA.
	BlobType string
	// TextType, when set, replaces TEXT in the schema. PostgreSQL uses
	// TEXT COLLATE "C" so that ORDER BY and the ">" of paged lists compare
	// bytes as SQLite does, whatever locale the database was created with.
	TextType string
	// MigrationLock, when set, is run first in every migration
	// transaction to keep several nodes starting at once from migrating
	// the same database together (PostgreSQL: an advisory lock). SQLite
	// needs none: its write transactions already exclude each other.
	MigrationLock string
	// NumberedPlaceholders makes queries use $1, $2… instead of ?.
	NumberedPlaceholders bool
	// IsUniqueViolation reports whether err is a primary-key or unique
	// constraint failure. Creates check for conflicts before inserting, so
	// this only catches writers racing on another node.
	IsUniqueViolation func(error) bool
	// IsForeignKeyViolation reports whether err is a foreign-key failure.
	IsForeignKeyViolation func(error) bool
}

// rebind rewrites ? placeholders for dialects that number them. The
// queries in this package contain no ? inside string literals.
func (d *Dialect) rebind(q string) string {
	if !d.NumberedPlaceholders {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// ddl fills the schema's type markers for this dialect.
func (d *Dialect) ddl(stmt string) string {
	stmt = strings.ReplaceAll(stmt, "{{BLOB}}", d.BlobType)
	if d.TextType != "" {
		// The schema spells the type only as " TEXT " before NOT NULL or
		// PRIMARY KEY; no name in it contains that word.
		stmt = strings.ReplaceAll(stmt, " TEXT ", " "+d.TextType+" ")
	}
	return stmt
}
