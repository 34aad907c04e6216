package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
)

// openRawSQLite opens a SQLite file with foreign keys on, as package
// store/sqlite does, but without migrating it.
func openRawSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "stsd.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sqliteDialect is store/sqlite's dialect, less the error classifiers.
func sqliteDialect() *Dialect {
	return &Dialect{Name: "sqlite", BlobType: "BLOB", AutoKeyType: "INTEGER PRIMARY KEY AUTOINCREMENT"}
}

func schemaVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatalf("reading schema version: %v", err)
	}
	return v
}

// TestUpgradeFromVersion1 builds a database as the first release left it,
// with data in it, and checks New brings it to the current version with
// the data intact and the later steps' tables working.
func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	db := openRawSQLite(t)
	d := sqliteDialect()
	if err := migrateSteps(ctx, db, d, migrations[:1]); err != nil {
		t.Fatalf("migrating to version 1: %v", err)
	}
	if v := schemaVersion(t, db); v != 1 {
		t.Fatalf("schema version %d after step 1", v)
	}
	for _, stmt := range []string{
		`INSERT INTO accounts (id, alias, created_at) VALUES ('111122223333', '', '')`,
		`INSERT INTO users (account_id, name_key, name, id, path, permissions_boundary, tags, created_at, password_last_used)
			VALUES ('111122223333', 'ann', 'Ann', 'AIDAEXAMPLE', '/', '', '[]', '', '')`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("seeding version 1: %v", err)
		}
	}

	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, db, d, sealer)
	if err != nil {
		t.Fatalf("New on a version 1 database: %v", err)
	}
	if v := schemaVersion(t, db); v != SchemaVersion() || v < 2 {
		t.Fatalf("schema version %d after upgrade, want %d", v, SchemaVersion())
	}
	if u, err := s.GetUser(ctx, "111122223333", "ann"); err != nil || u.Name != "Ann" {
		t.Fatalf("user from version 1 after upgrade: %+v, %v", u, err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateGroup(ctx, store.Group{AccountID: "111122223333", Name: "Devs", ID: "AGPAEXAMPLE", Path: "/"}); err != nil {
			return err
		}
		return tx.AddGroupMember(ctx, "111122223333", "Devs", "Ann")
	})
	if err != nil {
		t.Fatalf("group writes after upgrade: %v", err)
	}
	gs, err := s.ListGroupsForUser(ctx, "111122223333", "ANN")
	if err != nil || len(gs) != 1 || gs[0].Name != "Devs" {
		t.Fatalf("groups of a version 1 user after upgrade: %+v, %v", gs, err)
	}

	// Starting again applies nothing twice.
	if _, err := New(ctx, db, d, sealer); err != nil {
		t.Fatalf("New on an up-to-date database: %v", err)
	}
	var rows int
	if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != SchemaVersion() {
		t.Fatalf("schema_migrations rows = %d (%v), want %d", rows, err, SchemaVersion())
	}

	// An older binary refuses the upgraded database rather than using it.
	err = migrateSteps(ctx, db, d, migrations[:1])
	if err == nil || !strings.Contains(err.Error(), "newer than this binary knows") {
		t.Fatalf("version 1 steps on a version %d database: %v", SchemaVersion(), err)
	}
}

// TestUpgradeFromVersion2 builds a database as the groups release left it,
// with a group in it, and checks New adds the outbound federation table
// (step 3) with the group intact, federations working, and the issuer id
// unique in the schema itself, not only in PutOutboundFederation's check.
func TestUpgradeFromVersion2(t *testing.T) {
	ctx := context.Background()
	db := openRawSQLite(t)
	d := sqliteDialect()
	if err := migrateSteps(ctx, db, d, migrations[:2]); err != nil {
		t.Fatalf("migrating to version 2: %v", err)
	}
	if v := schemaVersion(t, db); v != 2 {
		t.Fatalf("schema version %d after step 2", v)
	}
	for _, stmt := range []string{
		`INSERT INTO accounts (id, alias, created_at) VALUES ('111122223333', '', '')`,
		`INSERT INTO accounts (id, alias, created_at) VALUES ('444455556666', '', '')`,
		`INSERT INTO users (account_id, name_key, name, id, path, permissions_boundary, tags, created_at, password_last_used)
			VALUES ('111122223333', 'ann', 'Ann', 'AIDAEXAMPLE', '/', '', '[]', '', '')`,
		`INSERT INTO groups (account_id, name_key, name, id, path, created_at) VALUES ('111122223333', 'devs', 'Devs', 'AGPAEXAMPLE', '/', '')`,
		`INSERT INTO group_members (account_id, group_key, user_key) VALUES ('111122223333', 'devs', 'ann')`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("seeding version 2: %v", err)
		}
	}

	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, db, d, sealer)
	if err != nil {
		t.Fatalf("New on a version 2 database: %v", err)
	}
	if v := schemaVersion(t, db); v != SchemaVersion() || v < 3 {
		t.Fatalf("schema version %d after upgrade, want %d", v, SchemaVersion())
	}
	gs, err := s.ListGroupsForUser(ctx, "111122223333", "ann")
	if err != nil || len(gs) != 1 || gs[0].Name != "Devs" {
		t.Fatalf("groups from version 2 after upgrade: %+v, %v", gs, err)
	}
	f := store.OutboundFederation{AccountID: "111122223333", IssuerID: "issuer-1", Enabled: true,
		RSAKey: []byte("rsa"), ECKey: []byte("ec")}
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.PutOutboundFederation(ctx, f) }); err != nil {
		t.Fatalf("outbound federation write after upgrade: %v", err)
	}
	if got, err := s.GetOutboundFederationByIssuer(ctx, "issuer-1"); err != nil || got.AccountID != f.AccountID || !got.Enabled {
		t.Fatalf("outbound federation after upgrade: %+v, %v", got, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO outbound_federations (account_id, issuer_id, enabled, rsa_key, ec_key, created_at, updated_at)
		VALUES ('444455556666', 'issuer-1', 0, x'00', x'00', '', '')`)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("raw insert of a held issuer id: %v, want a UNIQUE constraint failure", err)
	}
}

// TestUpgradeFromVersion3 builds a database as the outbound federation
// release left it, with a role, a group membership and a federation row in
// it, and checks New adds the instance profile tables (step 4) with that
// data intact, profiles holding a role that predates them, and the schema
// itself refusing a duplicate role in a profile and indexing by role.
func TestUpgradeFromVersion3(t *testing.T) {
	ctx := context.Background()
	db := openRawSQLite(t)
	d := sqliteDialect()
	if err := migrateSteps(ctx, db, d, migrations[:3]); err != nil {
		t.Fatalf("migrating to version 3: %v", err)
	}
	if v := schemaVersion(t, db); v != 3 {
		t.Fatalf("schema version %d after step 3", v)
	}
	for _, stmt := range []string{
		`INSERT INTO accounts (id, alias, created_at) VALUES ('111122223333', '', '')`,
		`INSERT INTO users (account_id, name_key, name, id, path, permissions_boundary, tags, created_at, password_last_used)
			VALUES ('111122223333', 'ann', 'Ann', 'AIDAEXAMPLE', '/', '', '[]', '', '')`,
		`INSERT INTO roles (account_id, name_key, name, id, path, description, trust_policy, max_session_duration,
			permissions_boundary, tags, created_at, last_used_at, last_used_region)
			VALUES ('111122223333', 'web-role', 'Web-Role', 'AROAEXAMPLE', '/', '', '{}', 3600, '', '[]', '', '', '')`,
		`INSERT INTO groups (account_id, name_key, name, id, path, created_at) VALUES ('111122223333', 'devs', 'Devs', 'AGPAEXAMPLE', '/', '')`,
		`INSERT INTO group_members (account_id, group_key, user_key) VALUES ('111122223333', 'devs', 'ann')`,
		`INSERT INTO outbound_federations (account_id, issuer_id, enabled, rsa_key, ec_key, created_at, updated_at)
			VALUES ('111122223333', 'issuer-1', 1, x'00', x'00', '', '')`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("seeding version 3: %v", err)
		}
	}

	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, db, d, sealer)
	if err != nil {
		t.Fatalf("New on a version 3 database: %v", err)
	}
	if v := schemaVersion(t, db); v != SchemaVersion() || v < 4 {
		t.Fatalf("schema version %d after upgrade, want %d", v, SchemaVersion())
	}
	if r, err := s.GetRole(ctx, "111122223333", "WEB-ROLE"); err != nil || r.Name != "Web-Role" || r.MaxSessionDuration != 3600 {
		t.Fatalf("role from version 3 after upgrade: %+v, %v", r, err)
	}
	if gs, err := s.ListGroupsForUser(ctx, "111122223333", "ann"); err != nil || len(gs) != 1 || gs[0].Name != "Devs" {
		t.Fatalf("groups from version 3 after upgrade: %+v, %v", gs, err)
	}
	var issuer string
	if err := db.QueryRowContext(ctx, `SELECT issuer_id FROM outbound_federations WHERE account_id = '111122223333'`).Scan(&issuer); err != nil || issuer != "issuer-1" {
		t.Fatalf("outbound federation row from version 3 after upgrade: %q, %v", issuer, err)
	}

	err = s.Update(ctx, func(tx store.Tx) error {
		p := store.InstanceProfile{AccountID: "111122223333", Name: "Web", ID: "AIPAEXAMPLE", Path: "/"}
		if err := tx.CreateInstanceProfile(ctx, p); err != nil {
			return err
		}
		return tx.AddInstanceProfileRole(ctx, "111122223333", "web", "web-role")
	})
	if err != nil {
		t.Fatalf("instance profile writes after upgrade: %v", err)
	}
	p, err := s.GetInstanceProfile(ctx, "111122223333", "WEB")
	if err != nil || p.Name != "Web" || len(p.Roles) != 1 || p.Roles[0] != "Web-Role" {
		t.Fatalf("instance profile after upgrade: %+v, %v", p, err)
	}
	ps, err := s.ListInstanceProfilesForRole(ctx, "111122223333", "Web-Role", store.Page{})
	if err != nil || len(ps) != 1 || ps[0].Name != "Web" {
		t.Fatalf("profiles of a version 3 role after upgrade: %+v, %v", ps, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO instance_profile_roles (profile_pk, role_pk)
		SELECT profile_pk, role_pk FROM instance_profile_roles`)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("raw insert of a role already in the profile: %v, want a UNIQUE constraint failure", err)
	}
	var index string
	err = db.QueryRowContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instance_profile_roles'
		AND sql LIKE '%(role_pk, profile_pk)%'`).Scan(&index)
	if err != nil {
		t.Fatalf("no index of instance_profile_roles by role: %v", err)
	}
}

// TestUpgradeFromVersion4 builds a database as the instance profiles
// release left it, with a user holding an access key, a group membership
// and an instance profile, and checks New adds the credential and password
// policy tables (step 5) with that data intact, the new rows working for
// a user that predates them (a rename carries old and new rows alike), and
// the schema itself keying login profiles by user and indexing each
// credential table by owner.
func TestUpgradeFromVersion4(t *testing.T) {
	ctx := context.Background()
	db := openRawSQLite(t)
	d := sqliteDialect()
	if err := migrateSteps(ctx, db, d, migrations[:4]); err != nil {
		t.Fatalf("migrating to version 4: %v", err)
	}
	if v := schemaVersion(t, db); v != 4 {
		t.Fatalf("schema version %d after step 4", v)
	}
	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	const acc = "111122223333"
	for _, stmt := range []struct {
		query string
		args  []any
	}{
		{`INSERT INTO accounts (id, alias, created_at) VALUES ('111122223333', '', '')`, nil},
		{`INSERT INTO users (account_id, name_key, name, id, path, permissions_boundary, tags, created_at, password_last_used)
			VALUES ('111122223333', 'ann', 'Ann', 'AIDAEXAMPLE', '/', '', '[]', '', '')`, nil},
		{`INSERT INTO access_keys (id, secret, account_id, user_key, user_name, status, created_at, last_used_at, last_service, last_region)
			VALUES ('AKIAEXAMPLE', ?, '111122223333', 'ann', 'Ann', 'Active', '', '', '', '')`,
			[]any{sealer.Seal([]byte("old-secret"), aadAccessKey("AKIAEXAMPLE"))}},
		{`INSERT INTO groups (account_id, name_key, name, id, path, created_at) VALUES ('111122223333', 'devs', 'Devs', 'AGPAEXAMPLE', '/', '')`, nil},
		{`INSERT INTO group_members (account_id, group_key, user_key) VALUES ('111122223333', 'devs', 'ann')`, nil},
		{`INSERT INTO instance_profiles (account_id, name_key, name, id, path, tags, created_at)
			VALUES ('111122223333', 'web', 'Web', 'AIPAEXAMPLE', '/', '[]', '')`, nil},
	} {
		if _, err := db.ExecContext(ctx, stmt.query, stmt.args...); err != nil {
			t.Fatalf("seeding version 4: %v", err)
		}
	}

	s, err := New(ctx, db, d, sealer)
	if err != nil {
		t.Fatalf("New on a version 4 database: %v", err)
	}
	if v := schemaVersion(t, db); v != SchemaVersion() || v < 5 {
		t.Fatalf("schema version %d after upgrade, want %d", v, SchemaVersion())
	}
	if k, err := s.GetAccessKey(ctx, "AKIAEXAMPLE"); err != nil || k.Secret != "old-secret" || k.UserName != "Ann" {
		t.Fatalf("access key from version 4 after upgrade: %+v, %v", k, err)
	}
	if gs, err := s.ListGroupsForUser(ctx, acc, "ann"); err != nil || len(gs) != 1 || gs[0].Name != "Devs" {
		t.Fatalf("groups from version 4 after upgrade: %+v, %v", gs, err)
	}
	if p, err := s.GetInstanceProfile(ctx, acc, "web"); err != nil || p.Name != "Web" {
		t.Fatalf("instance profile from version 4 after upgrade: %+v, %v", p, err)
	}
	if _, err := s.GetLoginProfile(ctx, acc, "Ann"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("login profile of a version 4 user: %v, want store.ErrNotFound", err)
	}

	err = s.Update(ctx, func(tx store.Tx) error {
		return errors.Join(
			tx.PutLoginProfile(ctx, store.LoginProfile{AccountID: acc, UserName: "Ann", PasswordHash: "$argon2id$x"}),
			tx.PutPasswordPolicy(ctx, store.PasswordPolicy{AccountID: acc, MinimumPasswordLength: 14}),
			tx.CreateSSHPublicKey(ctx, store.SSHPublicKey{AccountID: acc, UserName: "Ann", ID: "APKAEXAMPLE", Body: "ssh-rsa AAAA",
				Status: store.AccessKeyActive}),
			tx.CreateSigningCertificate(ctx, store.SigningCertificate{AccountID: acc, UserName: "Ann", ID: "CERTEXAMPLE", Status: store.AccessKeyActive}),
			tx.CreateServiceSpecificCredential(ctx, store.ServiceSpecificCredential{AccountID: acc, UserName: "Ann", ID: "ACCAEXAMPLE",
				ServiceName: "codecommit.amazonaws.com", Secret: []byte("new-secret"), Status: store.AccessKeyActive}),
		)
	})
	if err != nil {
		t.Fatalf("credential writes after upgrade: %v", err)
	}
	if err := s.Update(ctx, func(tx store.Tx) error {
		return tx.UpdateUser(ctx, "ann", store.User{AccountID: acc, Name: "Anna", ID: "AIDAEXAMPLE", Path: "/"})
	}); err != nil {
		t.Fatalf("renaming a version 4 user after upgrade: %v", err)
	}
	if ks, err := s.ListAccessKeys(ctx, acc, "anna"); err != nil || len(ks) != 1 || ks[0].Secret != "old-secret" {
		t.Fatalf("access keys of the renamed version 4 user: %+v, %v", ks, err)
	}
	if p, err := s.GetLoginProfile(ctx, acc, "anna"); err != nil || p.UserName != "Anna" || p.PasswordHash != "$argon2id$x" {
		t.Fatalf("login profile of the renamed version 4 user: %+v, %v", p, err)
	}
	if c, err := s.GetServiceSpecificCredential(ctx, acc, "Anna", "ACCAEXAMPLE"); err != nil || string(c.Secret) != "new-secret" {
		t.Fatalf("service-specific credential of the renamed version 4 user: %+v, %v", c, err)
	}
	if p, err := s.GetPasswordPolicy(ctx, acc); err != nil || p.MinimumPasswordLength != 14 {
		t.Fatalf("password policy after upgrade: %+v, %v", p, err)
	}

	_, err = db.ExecContext(ctx, `INSERT INTO login_profiles (user_pk, password_hash, password_reset_required,
		created_at, password_changed_at) SELECT pk, 'h', 0, '', '' FROM users WHERE name_key = 'anna'`)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("raw insert of a second login profile for a user: %v, want a UNIQUE constraint failure", err)
	}
	for _, table := range []string{"ssh_public_keys", "signing_certificates", "service_specific_credentials"} {
		var index string
		err = db.QueryRowContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?
			AND sql LIKE '%(user_pk, id)%'`, table).Scan(&index)
		if err != nil {
			t.Fatalf("no index of %s by owner: %v", table, err)
		}
	}
}
